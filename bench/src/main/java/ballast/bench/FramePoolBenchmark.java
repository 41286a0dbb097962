package ballast.bench;

import ballast.host.memory.FramePool;
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
 * The host's machine frames ({@link FramePool}): a frame taken for a guest and given back, and
 * the pool's construction per frame (what a host of {@code frames} frames costs at startup).
 *
 * <p>{@code allocateAndFree}: {@value #BATCH} frames taken for a guest (a tick's first touches),
 * then freed in a scattered order (a balloon or a stopped guest hands frames back in PPN order,
 * which is scattered over MPNs); reported per frame, the allocation and the free together. The
 * pool is {@code frames} large and the batch touches frames scattered over all of it, so a large
 * pool pays a cache miss per owner, token and refcount entry.
 *
 * <p>{@code construct}: a new pool (the seeded permutation of every frame, the reserve of 64 MiB);
 * reported per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramePoolBenchmark {
    static final int BATCH = 1 << 16;
    static final int RESERVED = 16384;

    /** Frames of the pool: 4 GiB and 64 GiB of machine memory. */
    @Param({"1048576", "16777216"})
    public int frames;

    private FramePool pool;
    private int[] taken;
    private int[] freeOrder;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new FramePool(frames, RESERVED, 7);
        // most of the pool in use, as on a loaded host: the batch comes from what is left
        for (int i = 0; i < frames - RESERVED - 2 * BATCH; i++) {
            pool.allocate(1);
        }
        taken = new int[BATCH];
        freeOrder = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            freeOrder[i] = i;
        }
        SplittableRandom random = new SplittableRandom(11);
        for (int i = BATCH - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = freeOrder[i];
            freeOrder[i] = freeOrder[j];
            freeOrder[j] = t;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int allocateAndFree() {
        FramePool p = pool;
        int[] t = taken;
        for (int i = 0; i < BATCH; i++) {
            t[i] = p.allocate(0);
        }
        int[] order = freeOrder;
        for (int i = 0; i < BATCH; i++) {
            p.free(t[order[i]]);
        }
        return p.freeFrames();
    }

    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 2)
    public FramePool construct() {
        return new FramePool(frames, RESERVED, 13);
    }
}
