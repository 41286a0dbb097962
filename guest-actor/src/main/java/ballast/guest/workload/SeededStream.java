package ballast.guest.workload;

/**
 * A seeded stream of random numbers whose whole state is one long, so that a guest's random
 * choices can be saved and carried to another host (live migration). It is SplitMix64, the
 * algorithm of {@link java.util.SplittableRandom}, and gives exactly the same {@link #nextLong()}
 * and {@link #nextDouble()} as {@code new SplittableRandom(seed)}.
 *
 * <p>The k-th output from a state is {@code mix(state + k * GAMMA)}, so a batch of outputs can be
 * computed in one counted loop without moving the stream ({@link #peekPairs}), which the JIT compiles to
 * vector instructions; the caller then moves the stream past the outputs it used ({@link #skip}).
 *
 * <p>Owned by one guest, not thread-safe.
 */
public final class SeededStream {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    /** The most pairs one {@link #peekPairs} gives. */
    public static final int MAX_PEEK = 128;
    /** {@code (2i + 1) * GAMMA}: the state's step to the (2i + 1)-th output (a table: the batch loop has no multiply by its index). */
    private static final long[] PAIR_STEPS = new long[MAX_PEEK];

    static {
        for (int i = 0; i < MAX_PEEK; i++) {
            PAIR_STEPS[i] = (2L * i + 1) * GOLDEN_GAMMA;
        }
    }

    private long state;

    public SeededStream(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        return mix(state += GOLDEN_GAMMA);
    }

    /**
     * The next {@code 2 n} outputs ({@code n <= MAX_PEEK}) in pairs, without moving the stream:
     * {@code first[i]} and {@code second[i]} are what the (2i + 1)-th and (2i + 2)-th
     * {@link #nextLong()} from here return.
     */
    public void peekPairs(long[] first, long[] second, int n) {
        if (n > MAX_PEEK) {
            throw new IllegalArgumentException(n + " pairs asked for, at most " + MAX_PEEK + " at once");
        }
        long base = state;
        for (int i = 0; i < n; i++) {
            first[i] = mix(base + PAIR_STEPS[i]);
        }
        base += GOLDEN_GAMMA;
        for (int i = 0; i < n; i++) {
            second[i] = mix(base + PAIR_STEPS[i]);
        }
    }

    /** Moves the stream past {@code n} outputs, as {@code n} calls of {@link #nextLong()} would. */
    public void skip(long n) {
        state += n * GOLDEN_GAMMA;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1), as {@link java.util.SplittableRandom#nextDouble()}. */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** The whole state: a stream made with {@code new SeededStream(state())} continues this one. */
    public long state() {
        return state;
    }
}
