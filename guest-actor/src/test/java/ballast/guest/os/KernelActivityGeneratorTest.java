package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.ContentSettings;
import ballast.guest.GuestSettings;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.KernelActivity;
import ballast.abi.KernelEvent;
import ballast.abi.TranslationMode;
import ballast.guest.OsProfile;
import ballast.abi.SensitiveInstruction;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelActivityGeneratorTest {

    /** 20 syscalls, 2.5 switches, 0.3 I/O and 40 block runs per unit over 300 blocks (popf 200, sgdt 100). */
    static OsProfile profile(double skew) {
        double[] rates = new double[KernelEvent.COUNT];
        rates[KernelEvent.SYSCALL.ordinal()] = 20;
        rates[KernelEvent.CONTEXT_SWITCH.ordinal()] = 2.5;
        rates[KernelEvent.IO_ACCESS.ordinal()] = 0.3;
        rates[KernelEvent.SENSITIVE_BLOCK.ordinal()] = 40;
        int[] blocks = new int[SensitiveInstruction.COUNT];
        blocks[SensitiveInstruction.POPF.ordinal()] = 200;
        blocks[SensitiveInstruction.SGDT.ordinal()] = 100;
        return new OsProfile(1_000_003, rates, blocks, skew, 2995);
    }

    @Test
    void countsFollowTheRatesExactlyOnAverage() {
        KernelActivityGenerator gen = new KernelActivityGenerator(profile(3), 5);
        long[] totals = new long[KernelEvent.COUNT];
        long work = 0;
        long accesses = 0;
        for (int tick = 0; tick < 1000; tick++) {
            int n = 1234 + tick % 7; // not a whole number of units
            KernelActivity a = gen.next(n);
            accesses += n;
            work += a.workCycles();
            for (int k = 0; k < KernelEvent.COUNT; k++) {
                totals[k] += a.events()[k];
            }
        }
        double units = accesses / 1000.0;
        // work carries its remainder: exact to the cycle
        assertThat(work).isEqualTo(1_000_003L * accesses / 1000);
        // randomized rounding: each tick is off by less than one, the sum by a few standard deviations
        assertThat((double) totals[KernelEvent.SYSCALL.ordinal()]).isCloseTo(20 * units, org.assertj.core.data.Offset.offset(60.0));
        assertThat((double) totals[KernelEvent.CONTEXT_SWITCH.ordinal()]).isCloseTo(2.5 * units, org.assertj.core.data.Offset.offset(60.0));
        assertThat((double) totals[KernelEvent.IO_ACCESS.ordinal()]).isCloseTo(0.3 * units, org.assertj.core.data.Offset.offset(60.0));
        assertThat(totals[KernelEvent.PT_WRITE.ordinal()]).isZero();
        assertThat((double) totals[KernelEvent.SENSITIVE_BLOCK.ordinal()]).isCloseTo(40 * units, org.assertj.core.data.Offset.offset(60.0));
    }

    @Test
    void blockRunsNameDistinctBlocksOfTheOsAndAddUpToTheRunCount() {
        KernelActivityGenerator gen = new KernelActivityGenerator(profile(3), 5);
        long[] runsOfBlock = new long[300];
        for (int tick = 0; tick < 200; tick++) {
            KernelActivity a = gen.next(5000);
            Set<Integer> seen = new HashSet<>();
            long runs = 0;
            for (long entry : a.blockRuns()) {
                int block = KernelActivity.block(entry);
                assertThat(block).isBetween(0, 299);
                assertThat(seen.add(block)).as("block %d listed twice", block).isTrue();
                assertThat(KernelActivity.runs(entry)).isPositive();
                runs += KernelActivity.runs(entry);
                runsOfBlock[block] += KernelActivity.runs(entry);
            }
            assertThat(runs).isEqualTo(a.count(KernelEvent.SENSITIVE_BLOCK));
        }
        // skew 3: block 0 alone takes about (1/300)^(1/3) = 15% of the runs; the last blocks are rare
        long total = java.util.Arrays.stream(runsOfBlock).sum();
        assertThat((double) runsOfBlock[0] / total).isBetween(0.12, 0.18);
        assertThat(runsOfBlock[299]).isLessThan(runsOfBlock[0] / 50);

        KernelActivityGenerator even = new KernelActivityGenerator(profile(1), 5);
        long[] evenRuns = new long[300];
        for (int tick = 0; tick < 200; tick++) {
            for (long entry : even.next(5000).blockRuns()) {
                evenRuns[KernelActivity.block(entry)] += KernelActivity.runs(entry);
            }
        }
        assertThat(java.util.Arrays.stream(evenRuns).min().getAsLong()).isGreaterThan(80); // about 133 each
    }

    @Test
    void theSameSeedGivesTheSameActivityAndAnotherSeedDoesNot() {
        KernelActivityGenerator a = new KernelActivityGenerator(profile(3), 11);
        KernelActivityGenerator b = new KernelActivityGenerator(profile(3), 11);
        KernelActivityGenerator c = new KernelActivityGenerator(profile(3), 12);
        boolean differs = false;
        for (int tick = 0; tick < 20; tick++) {
            KernelActivity x = a.next(2000);
            KernelActivity y = b.next(2000);
            KernelActivity z = c.next(2000);
            assertThat(y.events()).containsExactly(x.events());
            assertThat(y.blockRuns()).containsExactly(x.blockRuns());
            assertThat(y.workCycles()).isEqualTo(x.workCycles());
            differs |= !java.util.Arrays.equals(x.blockRuns(), z.blockRuns());
        }
        assertThat(differs).isTrue();
    }

    @Test
    void noWorkOrAnIdleKernelMeansNoActivity() {
        assertThat(new KernelActivityGenerator(profile(3), 1).next(0)).isNull();
        assertThat(new KernelActivityGenerator(OsProfile.NONE, 1).next(100_000)).isNull();
    }

    @Test
    void aGuestsKernelActivityDoesNotDependOnItsMode() {
        List<KernelActivity> reference = null;
        for (TranslationMode mode : TranslationMode.values()) {
            GuestSettings settings = new GuestSettings("g", "h", 0, "linux", mode, 4096, 2, 99, 0.1,
                    new ContentSettings("linux", 0.25, 0.1),
                    new WorkloadSettings("uniform", List.of(Phase.uniform(Double.POSITIVE_INFINITY, 512, 50_000, 0.3))),
                    profile(3));
            GuestOs os = new GuestOs(settings);
            int[] p2m = new int[4096];
            for (int i = 0; i < p2m.length; i++) {
                p2m[i] = i;
            }
            os.booted(mode == TranslationMode.PARA ? p2m : new int[0]);
            List<KernelActivity> ticks = new java.util.ArrayList<>();
            for (long tick = 0; tick < 10; tick++) {
                GuestOs.Work work = os.generate(tick, 1000);
                ticks.add(work.kernel());
                os.verify(new ballast.abi.TickResult(tick, 0, 0, List.of())); // the digest does not matter here
            }
            if (reference == null) {
                reference = ticks;
                continue;
            }
            for (int t = 0; t < ticks.size(); t++) {
                assertThat(ticks.get(t).events()).as(mode + " tick " + t).containsExactly(reference.get(t).events());
                assertThat(ticks.get(t).blockRuns()).as(mode + " tick " + t).containsExactly(reference.get(t).blockRuns());
                assertThat(ticks.get(t).workCycles()).isEqualTo(reference.get(t).workCycles());
            }
        }
    }
}
