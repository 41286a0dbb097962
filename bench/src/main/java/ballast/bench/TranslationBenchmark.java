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
import com.typesafe.config.ConfigFactory;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hypervisor's per-access translation path: one guest's batch of reads and writes applied by
 * {@link HypervisorCore#apply}, per translation mode, over a warm working set with a hot-cold
 * access pattern (10% of the pages take 90% of the accesses), so TLB hits and misses mix as in
 * the quickstart. Reported per access (OperationsPerInvocation = batch length).
 *
 * <p>{@code rawKernel} is the floor: the same TLB probe and token read or write in a plain loop
 * over primitive arrays, with no hypervisor object, validation or mode dispatch around it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TranslationBenchmark {
    static final int BATCH = 1 << 16;
    static final int WORKING_SET = 32768; // 128 MiB of 4 KiB pages
    static final int GUEST_PAGES = 65536;

    @Param({"full", "para", "nested"})
    public String mode;

    private HypervisorCore core;
    private long[] ops;
    private long[] values;

    // raw kernel state
    private long[] tlbTags;
    private int[] tlbMpns;
    private int[] pageMpn;
    private long[] frameTokens;
    private int[] rawPages;
    private boolean[] rawWrites;

    @Setup(Level.Trial)
    public void setUp() {
        TranslationMode m = TranslationMode.fromConfigName(mode);
        CostTable costs = CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));
        HostSettings settings = new HostSettings("bench", 7, 262144, 16384, 1024, 1 << 24, 1 << 20, costs,
                List.of(new GuestSpec(0, "g", m, GUEST_PAGES, 1)));
        core = new HypervisorCore(settings);
        int[] p2m = core.boot(0, "g", new Refusal[1]);
        // Map and fill the whole working set once.
        long[] mapOps = new long[WORKING_SET * (m == TranslationMode.PARA ? 1 : 2)];
        long[] mapValues = new long[mapOps.length];
        long[] keys = new long[WORKING_SET];
        int[] mpns = new int[WORKING_SET];
        int o = 0;
        for (int page = 0; page < WORKING_SET; page++) {
            long key = Ops.key(0, 0x400 + page);
            if (m == TranslationMode.PARA) {
                keys[page] = key;
                mpns[page] = p2m[page];
            } else {
                mapOps[o] = Ops.op(Ops.MAP, key);
                mapValues[o++] = page;
            }
            mapOps[o] = Ops.op(Ops.WRITE, key);
            mapValues[o++] = page + 1;
        }
        List<MmuUpdate> mmu = m == TranslationMode.PARA ? List.of(new MmuUpdate(keys, mpns)) : List.of();
        check(core.apply(GuestWork.of(0, 0, mmu, mapOps, mapValues)));

        SplittableRandom random = new SplittableRandom(42);
        ops = new long[BATCH];
        rawPages = new int[BATCH];
        rawWrites = new boolean[BATCH];
        int writes = 0;
        for (int i = 0; i < BATCH; i++) {
            int page = random.nextInt(10) < 9 ? random.nextInt(WORKING_SET / 10) : random.nextInt(WORKING_SET);
            boolean write = random.nextInt(10) < 2;
            rawPages[i] = page;
            rawWrites[i] = write;
            ops[i] = Ops.op(write ? Ops.WRITE : Ops.READ, 0, 0x400 + page);
            if (write) {
                writes++;
            }
        }
        values = new long[writes];
        for (int i = 0; i < writes; i++) {
            values[i] = random.nextLong() | 1;
        }
        check(core.apply(GuestWork.of(0, 1, List.of(), ops, values)));

        tlbTags = new long[1024];
        tlbMpns = new int[1024];
        pageMpn = new int[GUEST_PAGES];
        frameTokens = new long[262144];
        SplittableRandom scatter = new SplittableRandom(7);
        for (int p = 0; p < GUEST_PAGES; p++) {
            pageMpn[p] = scatter.nextInt(262144);
        }
    }

    private static void check(TickResult r) {
        if (!r.refusals().isEmpty()) {
            throw new IllegalStateException("benchmark setup refused: " + r.refusals());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public TickResult hypervisorApply() {
        return core.apply(GuestWork.of(0, 2, List.of(), ops, values));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawKernel() {
        long digest = 0;
        int v = 0;
        long[] tags = tlbTags;
        int[] mpns = tlbMpns;
        long[] tokens = frameTokens;
        for (int i = 0; i < BATCH; i++) {
            int page = rawPages[i];
            long key = 0x400 + page;
            int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 54);
            int mpn;
            if (tags[slot] == key + 1) {
                mpn = mpns[slot];
            } else {
                mpn = pageMpn[page];
                tags[slot] = key + 1;
                mpns[slot] = mpn;
            }
            if (rawWrites[i]) {
                tokens[mpn] = values[v++ % values.length];
            } else {
                long x = (digest ^ tokens[mpn]) * 0x9E3779B97F4A7C15L;
                digest = x ^ (x >>> 29);
            }
        }
        return digest;
    }
}
