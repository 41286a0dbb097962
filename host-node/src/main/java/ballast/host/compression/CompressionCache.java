package ballast.host.compression;

import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A host's compression tier: the step of host reclamation between ballooning and swapping (ESX
 * 4.1's order: share, balloon, compress, swap). A victim page that compresses to at most the
 * threshold goes into the compression cache instead of host swap; a larger one goes to swap. The
 * cache has a limit ({@link CompressionFlavour}): to make room, the oldest compressed pages are
 * written back to swap. A guest that touches a compressed page gets it back decompressed, without
 * waiting for the swap device.
 *
 * <p>A compressed page is, in the guest's pmap, a {@link Pmap#SWAPPED} page: it has no frame and
 * keeps its host swap slot, which holds its content token (so everything that reads a swapped
 * page's content, the audit and live migration included, reads a compressed one alike, and a
 * write-back moves nothing but the page's state). The cache records which swapped pages are
 * compressed and how large they are, and holds the machine frames their compressed bytes take:
 * {@code ceil(bytes / 4096)} frames per guest's cache (ESX: the cache is part of the VM's memory)
 * or for the host's one pool (zswap), owned by {@link FramePool#COMPRESSION_CACHE}.
 *
 * <p>Storage, all primitive arrays made on a guest's first compressed page: per PPN its compressed
 * size (0: not compressed), its neighbours in the guest's list in store order (oldest first) and
 * its store stamp (to find the host's oldest page across guests). No object per page.
 *
 * <p>Owned by one hypervisor, not thread-safe.
 */
public final class CompressionCache {
    private static final int NONE = -1;

    private final CompressionSettings settings;
    private final PageSizes sizes;
    private final FramePool frames;
    private final long hostLimitBytes;
    private int[] guestPages;
    private int[][] size;
    private int[][] prev;
    private int[][] next;
    private long[][] stamp;
    private int[] head;
    private int[] tail;
    private int[] count;
    private long[] bytes;
    private long[] compressions;
    private long[] decompressions;
    private long[] writeBacks;
    private long[] tooLarge;
    private long totalBytes;
    private long totalPages;
    private long nextStamp;
    private long neededFrames;
    private int[] held = new int[16];
    private int heldTop;

    /**
     * @param settings   the tier's settings (enabled)
     * @param frames     the host's frames, where the cache takes its own
     * @param guestPages each guest's configured pages, by guest index
     */
    public CompressionCache(CompressionSettings settings, FramePool frames, int[] guestPages) {
        this(settings, new PageSizes(settings), frames, guestPages);
    }

    public CompressionCache(CompressionSettings settings, PageSizes sizes, FramePool frames, int[] guestPages) {
        this.settings = settings;
        this.sizes = sizes;
        this.frames = frames;
        this.hostLimitBytes = (long) Math.floor(settings.cacheFraction() * frames.totalFrames()) * CompressionSettings.PAGE_BYTES;
        this.guestPages = new int[0];
        resize(0);
        for (int pages : guestPages) {
            addGuest(pages);
        }
    }

    private void resize(int n) {
        guestPages = Arrays.copyOf(guestPages, n);
        size = size == null ? new int[n][] : Arrays.copyOf(size, n);
        prev = prev == null ? new int[n][] : Arrays.copyOf(prev, n);
        next = next == null ? new int[n][] : Arrays.copyOf(next, n);
        stamp = stamp == null ? new long[n][] : Arrays.copyOf(stamp, n);
        head = grow(head, n);
        tail = grow(tail, n);
        count = count == null ? new int[n] : Arrays.copyOf(count, n);
        bytes = bytes == null ? new long[n] : Arrays.copyOf(bytes, n);
        compressions = compressions == null ? new long[n] : Arrays.copyOf(compressions, n);
        decompressions = decompressions == null ? new long[n] : Arrays.copyOf(decompressions, n);
        writeBacks = writeBacks == null ? new long[n] : Arrays.copyOf(writeBacks, n);
        tooLarge = tooLarge == null ? new long[n] : Arrays.copyOf(tooLarge, n);
    }

    private static int[] grow(int[] a, int n) {
        int old = a == null ? 0 : a.length;
        int[] b = a == null ? new int[n] : Arrays.copyOf(a, n);
        Arrays.fill(b, old, n, NONE);
        return b;
    }

    /** A guest of {@code pages} pages joins the host (at boot, or arriving by live migration) under the next index. */
    public int addGuest(int pages) {
        int index = guestPages.length;
        resize(index + 1);
        guestPages[index] = pages;
        return index;
    }

    public CompressionSettings settings() {
        return settings;
    }

    public PageSizes sizes() {
        return sizes;
    }

    /** The cache limit that applies to guest {@code guest}: its own (esx) or the host's pool (zswap), in bytes. */
    public long limitBytes(int guest) {
        if (settings.flavour() == CompressionFlavour.ZSWAP) {
            return hostLimitBytes;
        }
        return (long) Math.floor(settings.cacheFraction() * guestPages[guest]) * CompressionSettings.PAGE_BYTES;
    }

    /** Bytes counted against {@link #limitBytes}: the guest's cache (esx) or the host's pool (zswap). */
    private long usedBytes(int guest) {
        return settings.flavour() == CompressionFlavour.ZSWAP ? totalBytes : bytes[guest];
    }

    /**
     * Victim {@code ppn} of guest {@code guest}, holding {@code token}, has just been swapped out
     * (its frame freed, its content in its swap slot): keeps it compressed when it compresses to at
     * most the threshold and fits the cache, writing the oldest compressed pages back to swap to
     * make room. Returns whether it is now compressed (else it stays a page on the swap device).
     */
    public boolean store(int guest, int ppn, long token) {
        int s = sizes.of(token);
        if (s > settings.thresholdBytes()) {
            tooLarge[guest]++;
            return false;
        }
        long limit = limitBytes(guest);
        if (s > limit) {
            return false;
        }
        while (usedBytes(guest) + s > limit) {
            writeBackOldest(guest);
        }
        settleFrames();
        long after = settings.flavour() == CompressionFlavour.ZSWAP
                ? pagesFor(totalBytes + s) - pagesFor(totalBytes)
                : pagesFor(bytes[guest] + s) - pagesFor(bytes[guest]);
        if (after > 0 && frames.freeFrames() <= after) {
            return false; // the cache would take the last free frame (a fault waiting for it gets it instead)
        }
        ensureArrays(guest);
        link(guest, ppn, s);
        compressions[guest]++;
        settleFrames();
        return true;
    }

    /**
     * Guest {@code guest} touched swapped {@code ppn}: when the cache holds it, it leaves the cache
     * (decompressed; counted) and this returns true; else false (a swap-in from the device).
     */
    public boolean take(int guest, int ppn) {
        if (!holds(guest, ppn)) {
            return false;
        }
        unlink(guest, ppn);
        decompressions[guest]++;
        settleFrames();
        return true;
    }

    /** Swapped {@code ppn}'s content is thrown away (the page went into the balloon): it leaves the cache if there. */
    public void discard(int guest, int ppn) {
        if (holds(guest, ppn)) {
            unlink(guest, ppn);
            settleFrames();
        }
    }

    /** The guest is gone: its compressed pages leave the cache and their frames go back to the host. */
    public void releaseGuest(int guest) {
        while (head[guest] != NONE) {
            unlink(guest, head[guest]);
        }
        size[guest] = null;
        prev[guest] = null;
        next[guest] = null;
        stamp[guest] = null;
        settleFrames();
    }

    /** Whether the cache holds guest {@code guest}'s {@code ppn}. */
    public boolean holds(int guest, int ppn) {
        int[] s = size[guest];
        return s != null && s[ppn] != 0;
    }

    /** The compressed size of guest {@code guest}'s {@code ppn} in the cache, 0 when it is not there. */
    public int compressedSize(int guest, int ppn) {
        int[] s = size[guest];
        return s == null ? 0 : s[ppn];
    }

    /** Guest {@code guest}'s compressed PPNs, oldest first. */
    public int[] compressedPpns(int guest) {
        int[] out = new int[count[guest]];
        int i = 0;
        for (int p = head[guest]; p != NONE; p = next[guest][p]) {
            out[i++] = p;
        }
        return out;
    }

    private void writeBackOldest(int guest) {
        int victim = guest;
        if (settings.flavour() == CompressionFlavour.ZSWAP) {
            long oldest = Long.MAX_VALUE;
            for (int g = 0; g < head.length; g++) {
                if (head[g] != NONE && stamp[g][head[g]] < oldest) {
                    oldest = stamp[g][head[g]];
                    victim = g;
                }
            }
        }
        int ppn = head[victim];
        if (ppn == NONE) {
            throw new IllegalStateException("compression cache over its limit with nothing to write back");
        }
        unlink(victim, ppn);
        writeBacks[victim]++;
    }

    private void ensureArrays(int guest) {
        if (size[guest] == null) {
            int n = guestPages[guest];
            size[guest] = new int[n];
            prev[guest] = new int[n];
            next[guest] = new int[n];
            stamp[guest] = new long[n];
        }
    }

    private void link(int guest, int ppn, int s) {
        if (size[guest][ppn] != 0) {
            throw new IllegalStateException("guest " + guest + " PPN " + ppn + " is already compressed");
        }
        size[guest][ppn] = s;
        stamp[guest][ppn] = nextStamp++;
        prev[guest][ppn] = tail[guest];
        next[guest][ppn] = NONE;
        if (tail[guest] == NONE) {
            head[guest] = ppn;
        } else {
            next[guest][tail[guest]] = ppn;
        }
        tail[guest] = ppn;
        count[guest]++;
        account(guest, s);
        totalPages++;
    }

    private void unlink(int guest, int ppn) {
        int s = size[guest][ppn];
        int p = prev[guest][ppn];
        int n = next[guest][ppn];
        if (p == NONE) {
            head[guest] = n;
        } else {
            next[guest][p] = n;
        }
        if (n == NONE) {
            tail[guest] = p;
        } else {
            prev[guest][n] = p;
        }
        size[guest][ppn] = 0;
        count[guest]--;
        account(guest, -s);
        totalPages--;
    }

    private void account(int guest, long delta) {
        if (settings.flavour() == CompressionFlavour.ZSWAP) {
            neededFrames += pagesFor(totalBytes + delta) - pagesFor(totalBytes);
        } else {
            neededFrames += pagesFor(bytes[guest] + delta) - pagesFor(bytes[guest]);
        }
        bytes[guest] += delta;
        totalBytes += delta;
    }

    private static long pagesFor(long b) {
        return (b + CompressionSettings.PAGE_BYTES - 1) / CompressionSettings.PAGE_BYTES;
    }

    /** Takes or gives back frames so that the cache holds exactly what its bytes need. */
    private void settleFrames() {
        while (heldTop < neededFrames) {
            int mpn = frames.allocateCache();
            if (mpn == FramePool.NO_FRAME) {
                throw new IllegalStateException("no free frame for the compression cache");
            }
            if (heldTop == held.length) {
                held = Arrays.copyOf(held, 2 * held.length);
            }
            held[heldTop++] = mpn;
        }
        while (heldTop > neededFrames) {
            frames.freeCache(held[--heldTop]);
        }
    }

    // ---------------------------------------------------------------- figures

    /** Guest {@code guest}'s pages in the cache. */
    public long compressedPages(int guest) {
        return count[guest];
    }

    /** Bytes of guest {@code guest}'s pages in the cache. */
    public long compressedBytes(int guest) {
        return bytes[guest];
    }

    /** Frames charged to guest {@code guest}: its cache's bytes in whole pages. */
    public long chargedPages(int guest) {
        return pagesFor(bytes[guest]);
    }

    /** Guest {@code guest}'s victims that went into the cache. */
    public long compressions(int guest) {
        return compressions[guest];
    }

    /** Guest {@code guest}'s compressed pages brought back on a touch. */
    public long decompressions(int guest) {
        return decompressions[guest];
    }

    /** Guest {@code guest}'s compressed pages written back to swap to make room. */
    public long writeBacks(int guest) {
        return writeBacks[guest];
    }

    /** Guest {@code guest}'s victims that compressed above the threshold (they went to swap). */
    public long tooLarge(int guest) {
        return tooLarge[guest];
    }

    /** Pages in the cache, all guests. */
    public long totalPages() {
        return totalPages;
    }

    /** Bytes in the cache, all guests. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Frames the cache holds. */
    public int framesHeld() {
        return heldTop;
    }

    /** Bytes of the frames the cache holds. */
    public long cacheBytes() {
        return (long) heldTop * CompressionSettings.PAGE_BYTES;
    }

    /** Sum over guests of {@link #compressions}, {@link #decompressions}, {@link #writeBacks} or {@link #tooLarge}. */
    public long sum(long[] perGuest) {
        long s = 0;
        for (long v : perGuest) {
            s += v;
        }
        return s;
    }

    public long totalCompressions() {
        return sum(compressions);
    }

    public long totalDecompressions() {
        return sum(decompressions);
    }

    public long totalWriteBacks() {
        return sum(writeBacks);
    }

    public long totalTooLarge() {
        return sum(tooLarge);
    }

    // ---------------------------------------------------------------- invariants

    /**
     * Checks the cache against the guests' pmaps and host swap: every compressed page is a
     * swapped PPN holding its swap slot, with a size from 1 to the threshold; each guest's list
     * holds exactly its compressed PPNs in store order, and its counts and bytes agree with them;
     * no cache is over its limit; the cache holds exactly the frames its bytes need, every one of
     * them a compression cache frame, and the host's count of such frames agrees.
     */
    public void check(IntFunction<Pmap> pmaps, HostSwap swap, Consumer<String> violation) {
        long allBytes = 0;
        long allPages = 0;
        long need = 0;
        for (int g = 0; g < guestPages.length; g++) {
            int[] s = size[g];
            long listed = 0;
            long listedBytes = 0;
            long lastStamp = -1;
            if (s != null) {
                Pmap pmap = pmaps.apply(g);
                for (int p = head[g]; p != NONE && listed <= guestPages[g]; p = next[g][p]) {
                    listed++;
                    listedBytes += s[p];
                    if (s[p] < 1 || s[p] > settings.thresholdBytes()) {
                        violation.accept("compression: guest " + g + " PPN " + p + " is cached at " + s[p] + " bytes");
                    }
                    if (stamp[g][p] <= lastStamp) {
                        violation.accept("compression: guest " + g + " list is out of store order at PPN " + p);
                    }
                    lastStamp = stamp[g][p];
                    if (pmap == null || pmap.state(p) != Pmap.SWAPPED) {
                        violation.accept("compression: guest " + g + " PPN " + p + " is cached but not swapped out");
                    } else if (swap.slot(g, p) == HostSwap.NO_SLOT) {
                        violation.accept("compression: guest " + g + " PPN " + p + " is cached but holds no swap slot");
                    }
                }
                long marked = 0;
                for (int v : s) {
                    if (v != 0) {
                        marked++;
                    }
                }
                if (marked != listed) {
                    violation.accept("compression: guest " + g + " has " + marked + " PPNs marked compressed, "
                            + listed + " in its list");
                }
            }
            if (listed != count[g] || listedBytes != bytes[g]) {
                violation.accept("compression: guest " + g + " counts " + count[g] + " pages of " + bytes[g]
                        + " bytes, its list holds " + listed + " of " + listedBytes);
            }
            if (settings.flavour() == CompressionFlavour.ESX && bytes[g] > limitBytes(g)) {
                violation.accept("compression: guest " + g + " cache holds " + bytes[g] + " bytes over its limit of "
                        + limitBytes(g));
            }
            allBytes += listedBytes;
            allPages += listed;
            need += pagesFor(listedBytes);
        }
        if (settings.flavour() == CompressionFlavour.ZSWAP) {
            need = pagesFor(allBytes);
            if (allBytes > hostLimitBytes) {
                violation.accept("compression: the pool holds " + allBytes + " bytes over its limit of " + hostLimitBytes);
            }
        }
        if (allBytes != totalBytes || allPages != totalPages) {
            violation.accept("compression: the cache counts " + totalPages + " pages of " + totalBytes
                    + " bytes, the lists hold " + allPages + " of " + allBytes);
        }
        if (heldTop != need || neededFrames != need || frames.cacheFrames() != heldTop) {
            violation.accept("compression: the cache holds " + heldTop + " frames (the host counts "
                    + frames.cacheFrames() + ") for bytes that need " + need);
        }
        for (int i = 0; i < heldTop; i++) {
            if (frames.owner(held[i]) != FramePool.COMPRESSION_CACHE) {
                violation.accept("compression: cache frame MPN " + held[i] + " has owner " + frames.owner(held[i]));
            }
        }
    }
}
