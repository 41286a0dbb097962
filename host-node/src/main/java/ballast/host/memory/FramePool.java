package ballast.host.memory;

import java.util.SplittableRandom;

/**
 * The host's machine frames (MPNs): who owns each one, its content token, its reference count,
 * and the free list.
 *
 * <p>The free list is handed out in a scattered order (a seeded permutation), so a guest's
 * contiguous guest-physical range lands on non-contiguous machine frames: the "physical memory
 * illusion" every guest lives in. A freed frame goes back on top of the list.
 *
 * <p>A frame is in exactly one of these states, recorded in {@link #owner(int)}:
 * {@link #FREE}, {@link #HOST_RESERVED} (the hypervisor's own memory), {@link #SHARED}
 * (mapped copy-on-write by one or more guest pages) or private to one guest (the guest's index,
 * zero or more). New frames are zeroed: their token is {@link Tokens#ZERO}.
 *
 * <p>Owned by one hypervisor, not thread-safe. Per-frame state is four primitive arrays (owner,
 * token, refcount, and the machine-to-physical back reference of a private frame).
 */
public final class FramePool {
    public static final int NO_FRAME = -1;
    public static final int FREE = -1;
    public static final int HOST_RESERVED = -2;
    public static final int SHARED = -3;

    private final int totalFrames;
    private final int[] owner;
    private final long[] token;
    private final int[] refcount;
    /** Machine-to-physical: the PPN a private frame backs (Xen's M2P); meaningless for other frames. */
    private final int[] m2p;
    private final int[] freeStack;
    private int freeTop;
    private int reservedFrames;
    private int sharedFrames;

    /**
     * @param totalFrames    every machine frame of the host
     * @param reservedFrames frames kept by the hypervisor itself, never given to a guest
     * @param seed           seeds the order in which free frames are handed out
     */
    public FramePool(int totalFrames, int reservedFrames, long seed) {
        if (totalFrames <= 0) {
            throw new IllegalArgumentException("totalFrames must be positive: " + totalFrames);
        }
        if (reservedFrames < 0 || reservedFrames > totalFrames) {
            throw new IllegalArgumentException("reservedFrames out of range: " + reservedFrames);
        }
        this.totalFrames = totalFrames;
        this.owner = new int[totalFrames];
        this.token = new long[totalFrames];
        this.refcount = new int[totalFrames];
        this.m2p = new int[totalFrames];
        this.freeStack = new int[totalFrames];
        int[] order = new int[totalFrames];
        for (int i = 0; i < totalFrames; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = totalFrames - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        // The first frames of the permutation are the hypervisor's own.
        for (int i = 0; i < reservedFrames; i++) {
            owner[order[i]] = HOST_RESERVED;
        }
        this.reservedFrames = reservedFrames;
        // The rest go on the free stack so that the next one handed out is order[reserved].
        int free = totalFrames - reservedFrames;
        for (int i = 0; i < free; i++) {
            int mpn = order[totalFrames - 1 - i];
            owner[mpn] = FREE;
            freeStack[i] = mpn;
        }
        this.freeTop = free;
    }

    /** Takes a zeroed frame for {@code guest}, or returns {@link #NO_FRAME} when none is free. */
    public int allocate(int guest) {
        if (guest < 0) {
            throw new IllegalArgumentException("guest index must be >= 0: " + guest);
        }
        if (freeTop == 0) {
            return NO_FRAME;
        }
        int mpn = freeStack[--freeTop];
        owner[mpn] = guest;
        token[mpn] = Tokens.ZERO;
        refcount[mpn] = 1;
        return mpn;
    }

    /** Returns a private frame to the free list. */
    public void free(int mpn) {
        int o = owner[mpn];
        if (o < 0) {
            throw new IllegalStateException("frame " + mpn + " is not a private guest frame (owner " + o + ")");
        }
        owner[mpn] = FREE;
        refcount[mpn] = 0;
        token[mpn] = Tokens.ZERO;
        freeStack[freeTop++] = mpn;
    }

    /** The PPN that private frame {@code mpn} backs (machine-to-physical). */
    public int m2p(int mpn) {
        return m2p[mpn];
    }

    public void setM2p(int mpn, int ppn) {
        m2p[mpn] = ppn;
    }

    /** Turns a private frame into a shared one (refcount unchanged). */
    public void markShared(int mpn) {
        if (owner[mpn] < 0) {
            throw new IllegalStateException("frame " + mpn + " is not private");
        }
        owner[mpn] = SHARED;
        sharedFrames++;
    }

    /** Returns a shared frame whose last reference went away to the free list. */
    public void freeShared(int mpn) {
        if (owner[mpn] != SHARED) {
            throw new IllegalStateException("frame " + mpn + " is not shared");
        }
        owner[mpn] = FREE;
        refcount[mpn] = 0;
        token[mpn] = Tokens.ZERO;
        sharedFrames--;
        freeStack[freeTop++] = mpn;
    }

    public boolean isValid(int mpn) {
        return mpn >= 0 && mpn < totalFrames;
    }

    public int owner(int mpn) {
        return owner[mpn];
    }

    public long token(int mpn) {
        return token[mpn];
    }

    public void setToken(int mpn, long value) {
        token[mpn] = value;
    }

    public int refcount(int mpn) {
        return refcount[mpn];
    }

    public void setRefcount(int mpn, int value) {
        refcount[mpn] = value;
    }

    public int totalFrames() {
        return totalFrames;
    }

    public int freeFrames() {
        return freeTop;
    }

    public int reservedFrames() {
        return reservedFrames;
    }

    public int sharedFrames() {
        return sharedFrames;
    }

    /** Frames backing guest pages: private plus shared. */
    public int mappedFrames() {
        return totalFrames - freeTop - reservedFrames;
    }

    /** Frames private to some guest. */
    public int privateFrames() {
        return mappedFrames() - sharedFrames;
    }

    /** Direct view of the token array, for the hypervisor's hot loop only. */
    long[] tokens() {
        return token;
    }
}
