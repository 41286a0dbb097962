package ballast.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The bench's fixed set of scenarios: the three scale runs, the ESX sharing experiment at
 * ten guests, and the points of the two scaling curves (cost per access against the number of
 * guests, and against their size). {@link #quick()} is a smaller, shorter variant of each for a
 * run of under two minutes on a 2-core machine.
 *
 * <p>Guests are spread evenly over two hosts, so that two hypervisor actors apply work at once on
 * a 2-core machine; within a host they take the modes {@code full}, {@code para}, {@code nested}
 * in turn.
 */
public final class BenchPlan {
    public static final List<String> MODES = List.of("full", "para", "nested");
    static final String SHARING_RESOURCE = "ballast/scenarios/esx-sharing.conf";

    private BenchPlan() {
    }

    /** The full set. */
    public static List<BenchCase> full() {
        List<BenchCase> cases = new ArrayList<>();
        cases.add(BenchCase.generated(BenchTable.SCENARIO_64, true, null, 2, 64, 256, 128, 1, 8, 600_000, MODES));
        cases.add(BenchCase.generated(BenchTable.SCENARIO_1000, true, null, 2, 1000, 1024, 128, 2, 2, 20_000, MODES));
        cases.add(sharing());
        // cost per access against the number of guests: 64 MiB guests, 2,000 accesses per guest and tick
        cases.add(BenchCase.generated("10x64MiB", false, BenchCase.BY_GUESTS, 2, 10, 64, 32, 1, 200, 20_000, MODES));
        cases.add(BenchCase.generated("100x64MiB", false, BenchCase.BY_GUESTS, 2, 100, 64, 32, 1, 20, 20_000, MODES));
        cases.add(BenchCase.generated("1000x64MiB", false, BenchCase.BY_GUESTS, 2, 1000, 64, 32, 1, 2, 20_000, MODES));
        cases.add(BenchCase.generated("10000x64MiB", true, BenchCase.BY_GUESTS, 2, 10000, 64, 32, 1, 1, 20_000, MODES));
        // cost per access against guest size: 16 guests, working set half the memory, 20,000 accesses per guest and tick
        for (int mib : new int[] {16, 64, 256, 1024}) {
            cases.add(BenchCase.generated("16x" + label(mib), false, BenchCase.BY_SIZE, 2, 16, mib, mib / 2, 1, 10,
                    200_000, MODES));
        }
        return cases;
    }

    /** The quick set: the same shapes, smaller and shorter. */
    public static List<BenchCase> quick() {
        List<BenchCase> cases = new ArrayList<>();
        cases.add(BenchCase.generated(BenchTable.SCENARIO_64, true, null, 2, 64, 256, 128, 1, 2, 600_000, MODES));
        cases.add(sharing());
        for (int guests : new int[] {10, 100, 1000, 10000}) {
            // at least 0.6 s: a sample (every 0.5 s) then falls between the touch phase and the final
            // tick, so the steady window ends before the final tick's audit of every page (with 0.4 s
            // it ran to the final tick, and the audit counted as accesses' cost)
            double steady = Math.max(0.6, 40.0 / guests);
            cases.add(BenchCase.generated(guests + "x16MiB", false, BenchCase.BY_GUESTS, 2, guests, 16, 8, 0.5, steady,
                    20_000, MODES));
        }
        for (int mib : new int[] {16, 64, 256}) {
            cases.add(BenchCase.generated("16x" + label(mib) + "-size", false, BenchCase.BY_SIZE, 2, 16, mib, mib / 2, 0.5, 2,
                    200_000, MODES));
        }
        return cases;
    }

    /**
     * Waldspurger's experiment (conf/scenarios/esx-sharing.conf) at ten guests, played for 600
     * simulated seconds instead of the library's 30: in a 30-second play the steady window (5 to 25
     * s, 4 million accesses, about 0.4 s of CPU) held the JIT compilers' first compilations of the
     * sharing and time-model code (0.2 to 0.6 s of the compilers' CPU), so it measured compiling; a
     * warm second play recompiles after its boot's deoptimizations as much. The per-access work is
     * the same; the window is 118 million accesses long.
     */
    static BenchCase sharing() {
        return BenchCase.library(BenchTable.SCENARIO_SHARING, SHARING_RESOURCE, List.of("scenario.duration=600s"), "10");
    }

    static String label(int mib) {
        return mib >= 1024 && mib % 1024 == 0 ? (mib / 1024) + "GiB" : mib + "MiB";
    }
}
