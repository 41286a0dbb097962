package ballast.bench;

import ballast.host.GuestSpec;
import ballast.host.GuestWork;
import ballast.host.HostSettings;
import ballast.host.HypervisorCore;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingSettings;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hypervisor's reclamation over {@code guests} guests on one host, as it runs in a simulation:
 * {@code rebalance} is one whole rebalance (each guest's demand from its pmap and its working-set
 * estimate, the policy, the balloon targets; here through a Reconfigure with the same settings,
 * which checks them and rebalances at once), {@code endTick} one tick's reclaimer (time, free-memory
 * state, balloon progress, stalls, and the sampling periods that end, about one tick in 300). Guests
 * of 2,048 pages (8 MiB), nested, each having touched a random part of its memory; the host holds
 * 60% of their pages. Target: a rebalance of 1,000 guests under 1 ms. Reported per call, in
 * microseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HostReclaimBenchmark {
    static final int PAGES = 2048;

    @Param({"shares", "working-set", "idle-tax"})
    public String policy;

    @Param({"1000"})
    public int guests;

    private HypervisorCore core;
    private ReclaimSettings settings;

    @Setup(Level.Trial)
    public void setUp() {
        CostTable costs = CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));
        List<GuestSpec> specs = new ArrayList<>();
        for (int i = 0; i < guests; i++) {
            specs.add(new GuestSpec(i, "g" + i, TranslationMode.NESTED, PAGES, 1));
        }
        settings = new ReclaimSettings(true, policy, 0.75, 0.25, 15, 30, 100, 0.06, 0.04, 0.02, 0.01, 0.005,
                1 << 20, 21_450, 4096, 0, 0.1);
        int frames = (int) (0.6 * guests * PAGES);
        core = new HypervisorCore(new HostSettings("bench", 42, frames, 1024, 64, 1 << 20, 1 << 16, costs, specs,
                SharingSettings.DISABLED, settings));
        SplittableRandom random = new SplittableRandom(42);
        int budget = frames - 1024 - (int) (0.07 * frames);
        for (int i = 0; i < guests; i++) {
            core.boot(i, "g" + i, new Refusal[1]);
            int touch = Math.min(budget, random.nextInt(PAGES));
            budget -= touch;
            long[] ops = new long[2 * touch];
            long[] values = new long[2 * touch];
            for (int p = 0; p < touch; p++) {
                ops[2 * p] = Ops.op(Ops.MAP, 0, p);
                values[2 * p] = p;
                ops[2 * p + 1] = Ops.op(Ops.WRITE, 0, p);
                values[2 * p + 1] = 1 + p;
            }
            TickResult r = core.apply(GuestWork.of(i, 0, List.of(), ops, values));
            if (!r.refusals().isEmpty()) {
                throw new IllegalStateException(r.refusals().toString());
            }
        }
        core.endTick();
    }

    @Benchmark
    public long rebalance() {
        String problem = core.reconfigure(settings);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return core.targetPages(0);
    }

    @Benchmark
    public long endTick() {
        core.endTick();
        return core.balloonTarget(0);
    }
}
