package ballast.host.sharing;

import ballast.host.memory.FramePool;
import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;

/**
 * The hypervisor's authoritative side of page sharing: turning a private frame into a shared one,
 * adding and dropping mappings of shared frames (refcounts), keeping at most one shared zero
 * frame, remembering which shared frames were freed so the daemon can forget them, and finding a
 * shared frame by content (share before swap: a page the hypervisor is about to swap out joins a
 * shared frame with its content instead).
 *
 * <p>Owned by one {@code HypervisorCore} (the hypervisor actor's), not thread-safe.
 */
public final class SharedFrames {
    private final FramePool frames;
    private final int hashBits;
    /** The one shared frame holding the zero page, or {@link FramePool#NO_FRAME}. */
    private int zeroFrame = FramePool.NO_FRAME;
    /** Guest pages (pmap entries of every guest) mapped to a shared frame. */
    private long mappings;
    private final IntArrayList freedMpns = new IntArrayList();
    private final LongArrayList freedHashes = new LongArrayList();
    /** Content token -> a shared frame holding it (one per content; a shared frame's content never changes). */
    private final Long2IntOpenHashMap byToken = new Long2IntOpenHashMap();

    public SharedFrames(FramePool frames, int hashBits) {
        this.frames = frames;
        this.hashBits = hashBits;
        byToken.defaultReturnValue(FramePool.NO_FRAME);
    }

    public int hashBits() {
        return hashBits;
    }

    public long hashOf(int mpn) {
        return ContentHash.of(frames.token(mpn), hashBits);
    }

    public int zeroFrame() {
        return zeroFrame;
    }

    /** Guest pages mapped to shared frames (KSM's pages_shared + pages_sharing). */
    public long mappings() {
        return mappings;
    }

    /** Guest pages mapped to the shared zero frame. */
    public long zeroPagesShared() {
        return zeroFrame == FramePool.NO_FRAME ? 0 : frames.refcount(zeroFrame);
    }

    /** Write-protects private frame {@code mpn}, now mapped by its one PPN as a shared frame. */
    public void create(int mpn) {
        frames.markShared(mpn);
        long token = frames.token(mpn);
        if (token == Tokens.ZERO && zeroFrame == FramePool.NO_FRAME) {
            zeroFrame = mpn;
        }
        byToken.putIfAbsent(token, mpn);
        mappings++;
    }

    /** One more guest page maps shared frame {@code mpn}. */
    public void addRef(int mpn) {
        frames.setRefcount(mpn, frames.refcount(mpn) + 1);
        mappings++;
    }

    /** One guest page stops mapping shared frame {@code mpn}; the last one frees it. */
    public void release(int mpn) {
        int left = frames.refcount(mpn) - 1;
        mappings--;
        if (left > 0) {
            frames.setRefcount(mpn, left);
            return;
        }
        freedMpns.add(mpn);
        freedHashes.add(hashOf(mpn));
        if (mpn == zeroFrame) {
            zeroFrame = FramePool.NO_FRAME;
        }
        byToken.remove(frames.token(mpn), mpn);
        frames.freeShared(mpn);
    }

    /** A shared frame holding {@code token} (the zero frame for the zero page), or {@link FramePool#NO_FRAME}. */
    public int frameWithContent(long token) {
        if (token == Tokens.ZERO) {
            return zeroFrame;
        }
        return byToken.get(token);
    }

    public int[] takeFreedMpns() {
        int[] a = freedMpns.toIntArray();
        freedMpns.clear();
        return a;
    }

    public long[] takeFreedHashes() {
        long[] a = freedHashes.toLongArray();
        freedHashes.clear();
        return a;
    }
}
