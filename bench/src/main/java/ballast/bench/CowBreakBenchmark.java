package ballast.bench;

import ballast.host.GuestSpec;
import ballast.host.GuestWork;
import ballast.host.HostSettings;
import ballast.host.HypervisorCore;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import ballast.abi.Tokens;
import ballast.host.sharing.MergeOutcome;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingSettings;
import ballast.host.sharing.SharingWork;
import com.typesafe.config.ConfigFactory;
import java.util.List;
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
 * A copy-on-write break: a guest writes a page that the hypervisor shares with another guest.
 * Two guests hold the same {@value #PAGES} pages (page p holds the same content in both); every
 * pair is merged into one shared, write-protected frame. The measured invocation is one tick of
 * the second guest writing each of its pages once through {@link HypervisorCore#apply}: each write
 * misses the TLB (a shared frame's entry is read-only, or was dropped by the merge), walks the
 * mode's table and breaks copy-on-write (a new frame, the copy, the remap of the PPN, the shadow or
 * para-virtual entries repointed, the shared frame's reference dropped). Reported per break.
 *
 * <p>Before each invocation (not measured) the second guest writes the shared content back and
 * the pages are merged again, as the page-sharing daemon would. JMH's gc profiler counts what
 * that re-merge allocates too (the hypervisor's result arrays, a few bytes per page, and for
 * para-virtual guests the remap notice of every moved PPN).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CowBreakBenchmark {
    static final int PAGES = 16384;
    static final long VPN = 0x400;

    @Param({"full", "para", "nested"})
    public String mode;

    private HypervisorCore core;
    private TranslationMode translation;
    private long[] sharedTokens;
    private int[] sharedMpns;
    private long[] breakOps;
    private long[] breakValues;
    private long[] restoreOps;
    private SharingWork remergeWork;
    private long tick = 1;

    @Setup(Level.Trial)
    public void setUp() {
        translation = TranslationMode.fromConfigName(mode);
        CostTable costs = CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));
        SharingSettings sharing = new SharingSettings(true, 1000, 1000, SharingSettings.Order.RANDOM, 64, 0.1);
        HostSettings settings = new HostSettings("bench", 7, 4 * PAGES + 1024, 0, 1024, 1 << 24, 1 << 20, costs,
                List.of(new GuestSpec(0, "a", translation, PAGES, 1), new GuestSpec(1, "b", translation, PAGES, 1)),
                sharing);
        core = new HypervisorCore(settings);
        sharedTokens = new long[PAGES];
        for (int p = 0; p < PAGES; p++) {
            sharedTokens[p] = Tokens.nonZero(99, p);
        }
        for (int g = 0; g < 2; g++) {
            int[] p2m = core.boot(g, g == 0 ? "a" : "b", new Refusal[1]);
            long[] ops = new long[(translation == TranslationMode.PARA ? 1 : 2) * PAGES];
            long[] values = new long[ops.length];
            long[] keys = new long[PAGES];
            int o = 0;
            for (int p = 0; p < PAGES; p++) {
                long key = Ops.key(0, VPN + p);
                keys[p] = key;
                if (translation != TranslationMode.PARA) {
                    ops[o] = Ops.op(Ops.MAP, key);
                    values[o++] = p;
                }
                ops[o] = Ops.op(Ops.WRITE, key);
                values[o++] = sharedTokens[p];
            }
            List<MmuUpdate> mmu = translation == TranslationMode.PARA
                    ? List.of(new MmuUpdate(keys, p2m, identity())) : List.of();
            check(core.apply(GuestWork.of(g, 0, mmu, ops, values)));
        }
        // every page of b merged with a's: PAGES shared frames of two mappings each
        SharingWork work = mergeWork(true);
        SharingResult result = core.applySharing(work);
        sharedMpns = result.mergeShared().clone();
        for (int p = 0; p < PAGES; p++) {
            if (result.mergeOutcomes()[2 * p + 1] != MergeOutcome.MERGED) {
                throw new IllegalStateException("page " + p + " not merged: outcome " + result.mergeOutcomes()[2 * p + 1]);
            }
        }
        takeNotices();
        breakOps = new long[PAGES];
        breakValues = new long[PAGES];
        restoreOps = new long[PAGES];
        for (int p = 0; p < PAGES; p++) {
            breakOps[p] = Ops.op(Ops.WRITE, 0, VPN + p);
            restoreOps[p] = breakOps[p];
            breakValues[p] = Tokens.nonZero(7, p);
        }
        remergeWork = mergeWork(false);
    }

    private static int[] identity() {
        int[] ppns = new int[PAGES];
        for (int p = 0; p < PAGES; p++) {
            ppns[p] = p;
        }
        return ppns;
    }

    /** Merge proposals: each page p of b (with a's too, the first time) into the shared frame of content p. */
    private SharingWork mergeWork(boolean first) {
        int per = first ? 2 : 1;
        long[] hashes = new long[PAGES];
        int[] targets = new int[PAGES];
        int[] ends = new int[PAGES];
        long[] pages = new long[per * PAGES];
        int[] mpns = new int[per * PAGES];
        for (int p = 0; p < PAGES; p++) {
            hashes[p] = core.hashOfToken(sharedTokens[p]);
            targets[p] = first ? -1 : sharedMpns[p];
            if (first) {
                pages[2 * p] = SharingWork.page(0, p);
                mpns[2 * p] = -1;
            }
            pages[per * p + per - 1] = SharingWork.page(1, p);
            mpns[per * p + per - 1] = -1; // a hint: the hypervisor looks the frame up itself
            ends[p] = per * (p + 1);
        }
        return new SharingWork(tick, new long[0], hashes, targets, ends, pages, mpns, null);
    }

    private void takeNotices() {
        core.takeNotice(0);
        core.takeNotice(1);
    }

    private static void check(TickResult r) {
        if (!r.refusals().isEmpty()) {
            throw new IllegalStateException("refused: " + r.refusals());
        }
    }

    /** b writes the shared content back into its (now private) pages and they are merged again. */
    @Setup(Level.Invocation)
    public void remerge() {
        if (core.guestStats(1, null).sharedPages() == PAGES) {
            return;
        }
        check(core.apply(GuestWork.of(1, tick++, List.of(), restoreOps, sharedTokens)));
        SharingResult result = core.applySharing(remergeWork);
        if (core.guestStats(1, null).sharedPages() != PAGES) {
            throw new IllegalStateException("re-merge left " + core.guestStats(1, null).sharedPages() + " pages shared; "
                    + "first outcome " + result.mergeOutcomes()[0]);
        }
        takeNotices();
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public TickResult breakCopyOnWrite() {
        return core.apply(GuestWork.of(1, tick++, List.of(), breakOps, breakValues));
    }

    @TearDown(Level.Trial)
    public void report() {
        long breaks = core.guestStats(1, null).cowBreaks();
        if (breaks < PAGES) {
            throw new IllegalStateException("only " + breaks + " copy-on-write breaks");
        }
    }
}
