package ballast.host.memory;

import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.Arrays;
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
 * <p>The scattered order is a seeded permutation of the frames computed on demand (a 4-round
 * Feistel network over the next power of two, its halves of unequal width when the power is odd,
 * cycle-walked into range: fewer than two rounds of walking on average), so a pool keeps no order
 * or free-list array for frames it has never handed out: the next fresh frame is the permutation
 * at the next position; a frame given back goes on a stack of freed frames, taken first. The
 * hypervisor's reserve is the permutation's first positions.
 *
 * <p>Owned by one hypervisor, not thread-safe. A frame's state is two adjacent words of one
 * {@code long[]}: its content token, then its owner (high half) and the machine-to-physical back
 * reference of a private frame (low half). 16 bytes a frame, in one cache line, so a first touch
 * (owner, token, back reference written) costs one cache miss and a read one load. Reference
 * counts are kept only for shared frames (a primitive map; shared frames are few): a private
 * frame's count is 1 by definition, a free or reserved frame's 0. The stack of freed frames grows
 * only with frames given back.
 */
public final class FramePool {
    public static final int NO_FRAME = -1;
    public static final int FREE = -1;
    public static final int HOST_RESERVED = -2;
    public static final int SHARED = -3;
    /** A frame holding compressed guest pages ({@code ballast.host.compression}): mapped by no guest. */
    public static final int COMPRESSION_CACHE = -4;
    private static final int ROUNDS = 4;
    /** Most frames one pool holds (two words each in one array). */
    public static final int MAX_FRAMES = (Integer.MAX_VALUE - 8) / 2;
    private static final long LOW = 0xFFFF_FFFFL;
    private static final long FREE_WORD = ((long) FREE << 32);

    private final int totalFrames;
    /**
     * Per frame {@code mpn}: {@code state[2 * mpn]} its token; {@code state[2 * mpn + 1]} its owner
     * in the high 32 bits and, in the low 32 bits, the PPN a private frame backs (Xen's M2P;
     * meaningless for other frames).
     */
    private final long[] state;
    /** Reference counts of shared frames (mappings of each); absent for every other frame. */
    private final Int2IntOpenHashMap sharedRefs = new Int2IntOpenHashMap();
    /** Frames given back, the most recent on top: handed out before any fresh frame. */
    private int[] freed = new int[16];
    private int freedTop;
    /** The next position of the scattered order never handed out; positions below it are taken. */
    private int nextFresh;
    /** Bits of the left and right halves of the Feistel network's domain (2^(left + right) >= totalFrames). */
    private final int leftBits;
    private final int rightBits;
    private final long[] roundKeys = new long[ROUNDS];
    private int reservedFrames;
    private int sharedFrames;
    private int cacheFrames;
    /** Free frames (fresh or given back), kept as a count: frames taken as a large run leave stale positions behind. */
    private int freeCount;
    /** Frames per large run: 2 MiB of 4 KiB frames. */
    public static final int RUN_FRAMES = 512;
    private static final int RUN_SHIFT = 9;
    /**
     * Large runs only ({@link #enableRuns}; null before): free frames in each aligned run of
     * {@link #RUN_FRAMES}, the runs wholly free, and whether each frame sits on the stack of freed
     * frames (a frame a run took stays there, skipped when popped, and is never pushed twice).
     */
    private short[] freeInRun;
    private int wholeRuns;
    private long[] onStack;
    private int runCursor;
    private long runsTaken;
    private long runSearchSteps;

    /**
     * @param totalFrames    every machine frame of the host
     * @param reservedFrames frames kept by the hypervisor itself, never given to a guest
     * @param seed           seeds the order in which free frames are handed out
     */
    public FramePool(int totalFrames, int reservedFrames, long seed) {
        this(totalFrames, reservedFrames, seed, false);
    }

    /**
     * A pool laid out for large pages when {@code largeRuns}: the hypervisor's reserve is the
     * highest frames (one contiguous block, as a hypervisor's own memory), fresh 4 KiB frames are
     * handed out from frame 0 upward and aligned 2 MiB runs from the top down
     * ({@link #allocateRun}), so that single frames split as few runs as they can (a buddy
     * allocator splits one block at a time); frames given back are reused first, as always.
     * Without, the scattered layout above.
     */
    public FramePool(int totalFrames, int reservedFrames, long seed, boolean largeRuns) {
        if (totalFrames <= 0) {
            throw new IllegalArgumentException("totalFrames must be positive: " + totalFrames);
        }
        if (reservedFrames < 0 || reservedFrames > totalFrames) {
            throw new IllegalArgumentException("reservedFrames out of range: " + reservedFrames);
        }
        if (totalFrames > MAX_FRAMES) {
            throw new IllegalArgumentException("at most " + MAX_FRAMES + " frames per host: " + totalFrames);
        }
        this.totalFrames = totalFrames;
        this.state = new long[2 * totalFrames];
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(totalFrames - 1L));
        this.leftBits = bits / 2;
        this.rightBits = bits - leftBits;
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < ROUNDS; r++) {
            roundKeys[r] = random.nextLong();
        }
        for (int i = 1; i < state.length; i += 2) {
            state[i] = FREE_WORD; // tokens are zero: Tokens.ZERO
        }
        this.identityOrder = largeRuns;
        this.reservedFrames = reservedFrames;
        this.freeCount = totalFrames - reservedFrames;
        if (largeRuns) {
            for (int mpn = totalFrames - reservedFrames; mpn < totalFrames; mpn++) {
                setOwner(mpn, HOST_RESERVED);
            }
            this.nextFresh = 0;
            enableRuns();
            this.runCursor = Math.max(0, (totalFrames >>> RUN_SHIFT) - 1);
        } else {
            // The first frames of the permutation are the hypervisor's own.
            for (int i = 0; i < reservedFrames; i++) {
                setOwner(permute(i), HOST_RESERVED);
            }
            this.nextFresh = reservedFrames;
        }
    }

    /** Fresh frames in frame order (a pool laid out for large pages) rather than the scattered permutation. */
    private final boolean identityOrder;

    /**
     * Starts keeping what {@link #allocateRun} needs: the free frames of each aligned 2 MiB run
     * and which frames are on the stack of freed frames. Idempotent; a pool without it hands out
     * frames exactly as before.
     */
    public void enableRuns() {
        if (freeInRun != null) {
            return;
        }
        int runs = totalFrames >>> RUN_SHIFT; // a partial last run can never be whole
        freeInRun = new short[(totalFrames + RUN_FRAMES - 1) >>> RUN_SHIFT];
        onStack = new long[(totalFrames + 63) >>> 6];
        for (int mpn = 0; mpn < totalFrames; mpn++) {
            if (owner(mpn) == FREE) {
                freeInRun[mpn >>> RUN_SHIFT]++;
            }
        }
        for (int i = 0; i < freedTop; i++) {
            onStack[freed[i] >>> 6] |= 1L << freed[i];
        }
        for (int r = 0; r < runs; r++) {
            if (freeInRun[r] == RUN_FRAMES) {
                wholeRuns++;
            }
        }
    }

    /** Whether {@link #enableRuns} was called. */
    public boolean runsEnabled() {
        return freeInRun != null;
    }

    /**
     * Takes one aligned run of {@link #RUN_FRAMES} free frames for {@code guest} (zeroed, owned by
     * it) and returns its first frame, or {@link #NO_FRAME} when no aligned run is wholly free. The
     * search visits the runs downward from where the last one stopped (next fit over the per-run
     * free counts: at most one pass over {@code totalFrames / 512} counts, and none when the count
     * of wholly free runs is zero), like a buddy allocator's order-9 free list without the list.
     */
    public int allocateRun(int guest) {
        if (guest < 0) {
            throw new IllegalArgumentException("guest index must be >= 0: " + guest);
        }
        if (freeInRun == null || wholeRuns == 0) {
            return NO_FRAME;
        }
        int runs = totalFrames >>> RUN_SHIFT;
        for (int k = 0; k < runs; k++) {
            int r = runCursor;
            runCursor = runCursor == 0 ? runs - 1 : runCursor - 1;
            runSearchSteps++;
            if (freeInRun[r] == RUN_FRAMES) {
                int base = r << RUN_SHIFT;
                long word = ((long) guest << 32);
                for (int mpn = base; mpn < base + RUN_FRAMES; mpn++) {
                    state[2 * mpn] = Tokens.ZERO;
                    state[2 * mpn + 1] = word | (state[2 * mpn + 1] & LOW);
                }
                freeInRun[r] = 0;
                wholeRuns--;
                freeCount -= RUN_FRAMES;
                runsTaken++;
                return base;
            }
        }
        return NO_FRAME;
    }

    /** Aligned runs wholly free now (0 when runs are not kept). */
    public int wholeFreeRuns() {
        return wholeRuns;
    }

    /** Runs {@link #allocateRun} handed out so far. */
    public long runsTaken() {
        return runsTaken;
    }

    /** Per-run counts {@link #allocateRun} visited so far (its search cost). */
    public long runSearchSteps() {
        return runSearchSteps;
    }

    private void tookFrame(int mpn) {
        freeCount--;
        if (freeInRun != null) {
            int r = mpn >>> RUN_SHIFT;
            if (freeInRun[r]-- == RUN_FRAMES && (r + 1) << RUN_SHIFT <= totalFrames) {
                wholeRuns--;
            }
        }
    }

    private void gaveFrame(int mpn) {
        freeCount++;
        if (freeInRun != null) {
            int r = mpn >>> RUN_SHIFT;
            if (++freeInRun[r] == RUN_FRAMES && (r + 1) << RUN_SHIFT <= totalFrames) {
                wholeRuns++;
            }
        }
    }

    /**
     * Position {@code position} of the scattered order of frames: a bijection of [0, totalFrames).
     * Each round maps (l, r) to (r, l ^ f(r)), so the halves swap widths; after an even number of
     * rounds they are back where they started.
     */
    int permute(int position) {
        long x = position;
        do {
            int lw = leftBits;
            int rw = rightBits;
            long l = x >>> rw;
            long r = x & ((1L << rw) - 1);
            for (int round = 0; round < ROUNDS; round++) {
                long f = ((r + roundKeys[round]) * 0x9E3779B97F4A7C15L) >>> (64 - lw);
                long t = r;
                r = l ^ f;
                l = t;
                int w = lw;
                lw = rw;
                rw = w;
            }
            x = (l << rightBits) | r;
        } while (x >= totalFrames);
        return (int) x;
    }

    /**
     * Takes a zeroed frame for {@code guest}, or returns {@link #NO_FRAME} when none is free. Its
     * machine-to-physical back reference is 0 (meaningless until {@link #setM2p}): a frame that
     * will back a guest page is better taken with {@link #allocate(int, int)}.
     */
    public int allocate(int guest) {
        return allocate(guest, 0);
    }

    /**
     * Takes a zeroed frame for {@code guest} to back its PPN {@code ppn} (the frame's
     * machine-to-physical back reference), or returns {@link #NO_FRAME} when none is free. The
     * frame's two words are written whole, never read first: a first touch's frame is a scattered,
     * cold cache line, whose write the core can leave in its store buffer where a read would wait
     * for the line.
     */
    public int allocate(int guest, int ppn) {
        if (guest < 0) {
            throw new IllegalArgumentException("guest index must be >= 0: " + guest);
        }
        int mpn;
        do {
            if (freedTop > 0) {
                mpn = freed[--freedTop];
                if (onStack != null) {
                    onStack[mpn >>> 6] &= ~(1L << mpn);
                }
            } else if (nextFresh < totalFrames) {
                mpn = identityOrder ? nextFresh++ : permute(nextFresh++);
            } else {
                return NO_FRAME;
            }
        } while (freeInRun != null && owner(mpn) != FREE); // taken by a large run meanwhile, or reserved
        tookFrame(mpn);
        int i = 2 * mpn;
        state[i] = Tokens.ZERO;
        state[i + 1] = ((long) guest << 32) | (ppn & LOW);
        return mpn;
    }

    /** Returns a private frame to the free list. */
    public void free(int mpn) {
        int o = owner(mpn);
        if (o < 0) {
            throw new IllegalStateException("frame " + mpn + " is not a private guest frame (owner " + o + ")");
        }
        setOwner(mpn, FREE);
        state[2 * mpn] = Tokens.ZERO;
        pushFreed(mpn);
    }

    private void pushFreed(int mpn) {
        gaveFrame(mpn);
        if (onStack != null) {
            long bit = 1L << mpn;
            if ((onStack[mpn >>> 6] & bit) != 0) {
                return; // still on the stack from before a run took it
            }
            onStack[mpn >>> 6] |= bit;
        }
        if (freedTop == freed.length) {
            freed = Arrays.copyOf(freed, (int) Math.min(totalFrames, 2L * freed.length));
        }
        freed[freedTop++] = mpn;
    }

    /** The PPN that private frame {@code mpn} backs (machine-to-physical). */
    public int m2p(int mpn) {
        return (int) state[2 * mpn + 1];
    }

    public void setM2p(int mpn, int ppn) {
        int i = 2 * mpn + 1;
        state[i] = (state[i] & ~LOW) | (ppn & LOW);
    }

    private void setOwner(int mpn, int owner) {
        int i = 2 * mpn + 1;
        state[i] = ((long) owner << 32) | (state[i] & LOW);
    }

    /** Turns a private frame into a shared one (refcount unchanged: 1). */
    public void markShared(int mpn) {
        if (owner(mpn) < 0) {
            throw new IllegalStateException("frame " + mpn + " is not private");
        }
        setOwner(mpn, SHARED);
        sharedRefs.put(mpn, 1);
        sharedFrames++;
    }

    /** Returns a shared frame whose last reference went away to the free list. */
    public void freeShared(int mpn) {
        if (owner(mpn) != SHARED) {
            throw new IllegalStateException("frame " + mpn + " is not shared");
        }
        setOwner(mpn, FREE);
        sharedRefs.remove(mpn);
        state[2 * mpn] = Tokens.ZERO;
        sharedFrames--;
        pushFreed(mpn);
    }

    public boolean isValid(int mpn) {
        return mpn >= 0 && mpn < totalFrames;
    }

    public int owner(int mpn) {
        return (int) (state[2 * mpn + 1] >> 32);
    }

    public long token(int mpn) {
        return state[2 * mpn];
    }

    public void setToken(int mpn, long value) {
        state[2 * mpn] = value;
    }

    /** Mappings of the frame: a shared frame's count, 1 for a private frame, 0 for a free or reserved one. */
    public int refcount(int mpn) {
        int o = owner(mpn);
        return o >= 0 ? 1 : o == SHARED ? sharedRefs.get(mpn) : 0;
    }

    /** Sets a shared frame's reference count (only shared frames keep one). */
    public void setRefcount(int mpn, int value) {
        if (owner(mpn) != SHARED) {
            throw new IllegalStateException("frame " + mpn + " is not shared: only shared frames keep a count");
        }
        sharedRefs.put(mpn, value);
    }

    public int totalFrames() {
        return totalFrames;
    }

    public int freeFrames() {
        return freeCount;
    }

    public int reservedFrames() {
        return reservedFrames;
    }

    public int sharedFrames() {
        return sharedFrames;
    }

    /** Frames backing guest pages: private plus shared. */
    public int mappedFrames() {
        return totalFrames - freeFrames() - reservedFrames - cacheFrames;
    }

    /** Takes a free frame for the compression cache, or returns {@link #NO_FRAME} when none is free. */
    public int allocateCache() {
        int mpn = allocate(0);
        if (mpn != NO_FRAME) {
            setOwner(mpn, COMPRESSION_CACHE);
            cacheFrames++;
        }
        return mpn;
    }

    /** Returns a compression cache frame to the free list. */
    public void freeCache(int mpn) {
        if (owner(mpn) != COMPRESSION_CACHE) {
            throw new IllegalStateException("frame " + mpn + " is not a compression cache frame");
        }
        setOwner(mpn, FREE);
        state[2 * mpn] = Tokens.ZERO;
        cacheFrames--;
        pushFreed(mpn);
    }

    /** Frames the compression cache holds. */
    public int cacheFrames() {
        return cacheFrames;
    }

    /** Frames private to some guest. */
    public int privateFrames() {
        return mappedFrames() - sharedFrames;
    }
}
