package ballast.abi;

/**
 * Page content is a 64-bit token: {@link #ZERO} is the zero page, anything else stands for the
 * page's 4 KiB of bytes. Both sides of the integrity check fold the tokens they read, in order,
 * into one digest with {@link #fold(long, long)}.
 */
public final class Tokens {
    public static final long ZERO = 0L;
    /** Digest of an empty sequence of reads. */
    public static final long EMPTY_DIGEST = 0x6a09e667f3bcc909L;

    private Tokens() {
    }

    /** Order-sensitive fold of one read token into a running digest. */
    public static long fold(long digest, long token) {
        long x = (digest ^ token) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }

    /** A strong 64-bit mix (SplitMix64's finalizer): good enough to derive content tokens. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Mix of two values, never {@link #ZERO}: a token for non-zero content. */
    public static long nonZero(long a, long b) {
        long t = mix(a * 0x9E3779B97F4A7C15L + mix(b));
        return t == ZERO ? 1L : t;
    }

    /** A stable 64-bit hash of a string (FNV-1a then mixed): names seed random streams. */
    public static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** A seed for the random stream of {@code name} under the scenario seed. */
    public static long derive(long seed, String name) {
        return mix(seed * 0x9E3779B97F4A7C15L ^ hash(name));
    }
}
