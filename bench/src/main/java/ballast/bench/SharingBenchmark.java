package ballast.bench;

import ballast.host.GuestSpec;
import ballast.host.GuestWork;
import ballast.host.HostSettings;
import ballast.host.HypervisorCore;
import ballast.abi.Ops;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import ballast.abi.Tokens;
import ballast.host.sharing.PageScanner;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingSettings;
import ballast.host.sharing.SharingWork;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scanning and indexing one page: the daemon picks the page (its Feistel scan order), the
 * hypervisor hashes its frame ({@link HypervisorCore#applySharing}), and the daemon looks the hash
 * up in its index and records the page ({@link PageScanner#take}), including the merges that a
 * first pass proposes. The host runs {@code pages} guest pages in guests of 10,240 pages (40 MiB),
 * 30% of them holding content common to every guest, the rest unique; the measurement is the
 * steady state after the first passes, in ESX's random scan order and in PPN order. Reported per
 * page (OperationsPerInvocation = pages per tick).
 *
 * <p>At tear-down it prints the daemon's memory: the index's bytes per entry and the daemon's
 * bytes per guest page (index plus 9 bytes of per-page state and 4 KiB of bucket counters), with every page indexed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SharingBenchmark {
    static final int PAGES_PER_TICK = 1 << 16;
    static final int GUEST_PAGES = 10240;

    @Param({"102400", "1024000"})
    public int pages;

    @Param({"random", "sequential"})
    public String order;

    private HypervisorCore core;
    private PageScanner scanner;
    private long tick;

    @Setup(Level.Trial)
    public void setUp() {
        int guests = pages / GUEST_PAGES;
        CostTable costs = CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));
        List<GuestSpec> specs = new ArrayList<>();
        int[] sizes = new int[guests];
        for (int g = 0; g < guests; g++) {
            specs.add(new GuestSpec(g, "g" + g, TranslationMode.FULL, GUEST_PAGES, 1));
            sizes[g] = GUEST_PAGES;
        }
        // one tick scans PAGES_PER_TICK pages: 10 s ticks at a rate that many per 10 s
        SharingSettings sharing = new SharingSettings(true, PAGES_PER_TICK / 10.0, PAGES_PER_TICK / 10.0,
                SharingSettings.Order.fromConfigName(order), 64, 10);
        HostSettings settings = new HostSettings("bench", 7, pages + 1024, 0, 64, 1 << 24, 1 << 20, costs, specs, sharing);
        core = new HypervisorCore(settings);
        SplittableRandom random = new SplittableRandom(3);
        for (int g = 0; g < guests; g++) {
            core.boot(g, "g" + g, new ballast.abi.Refusal[1]);
            long[] ops = new long[2 * GUEST_PAGES];
            long[] values = new long[2 * GUEST_PAGES];
            for (int p = 0; p < GUEST_PAGES; p++) {
                long key = Ops.key(0, 0x400 + p);
                ops[2 * p] = Ops.op(Ops.MAP, key);
                values[2 * p] = p;
                ops[2 * p + 1] = Ops.op(Ops.WRITE, key);
                values[2 * p + 1] = random.nextInt(10) < 3 ? Tokens.nonZero(1, p) : Tokens.nonZero(g + 2, p);
            }
            TickResult r = core.apply(GuestWork.of(g, 0, List.of(), ops, values));
            if (!r.refusals().isEmpty()) {
                throw new IllegalStateException(r.refusals().toString());
            }
        }
        scanner = new PageScanner(sharing, sizes, 11);
        // the first passes: every page hashed, indexed, and the common ones merged
        for (int i = 0; i < 3 * pages / PAGES_PER_TICK + 2; i++) {
            scanAndIndex();
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAGES_PER_TICK)
    public long scanAndIndex() {
        SharingWork work = scanner.plan(tick++, null);
        SharingResult result = core.applySharing(work);
        scanner.take(result);
        return result.scanHashes().length;
    }

    @TearDown(Level.Trial)
    public void report() {
        var index = scanner.index();
        System.out.printf(Locale.ROOT, "%n[sharing memory] %d guest pages: index %d entries (%d hints, %d shared frames) in %d bytes"
                        + " = %.1f bytes/entry; daemon %.1f bytes/guest page (index + 9 bytes/page + 4 KiB of bucket counters); %d pages merged%n",
                pages, index.size(), index.hints(), index.sharedEntries(), index.bytes(),
                (double) index.bytes() / Math.max(1, index.size()), (double) scanner.bytes() / pages,
                core.hostStats().mergeCount());
    }
}
