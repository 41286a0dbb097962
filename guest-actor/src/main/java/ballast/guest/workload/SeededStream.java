package ballast.guest.workload;

/**
 * A seeded stream of random numbers whose whole state is one long, so that a guest's random
 * choices can be saved and carried to another host (live migration). It is SplitMix64, the
 * algorithm of {@link java.util.SplittableRandom}, and gives exactly the same {@link #nextLong()}
 * and {@link #nextDouble()} as {@code new SplittableRandom(seed)}.
 *
 * <p>Owned by one guest, not thread-safe.
 */
public final class SeededStream {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;

    public SeededStream(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
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
