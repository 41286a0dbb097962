package ballast.host.sharing;

import ballast.host.HypervisorCore;
import ballast.host.translation.GuestMemory;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.host.memory.Pmap;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The hypervisor's authoritative half of content-based page sharing (Waldspurger, "Memory Resource
 * Management in VMware ESX Server", OSDI 2002, section 4; Linux {@code mm/ksm.c}): it hashes the
 * pages its page-sharing daemon asks about, and merges the pages the daemon proposes only after
 * checking that each still maps the frame the daemon saw, that the frame's content still has the
 * hash (else a stale hint), and that the content is really the same (else a false match). The
 * frames and refcounts are {@link SharedFrames}'; breaking copy-on-write is the guest's miss path
 * ({@link GuestMemory#missForWrite}).
 *
 * <p>Owns the merge counters (merges, stale hints, false matches) and whether para-virtual guests
 * may share. Owned by one {@link HypervisorCore}, not thread-safe.
 */
public final class SharingMerges {
    private final FramePool frames;
    private final SharedFrames shared;
    private long mergeCount;
    private long staleHints;
    private long falseMatches;

    public SharingMerges(FramePool frames, SharedFrames shared) {
        this.frames = frames;
        this.shared = shared;
    }

    public long mergeCount() {
        return mergeCount;
    }

    public long staleHints() {
        return staleHints;
    }

    public long falseMatches() {
        return falseMatches;
    }

    private static boolean isGuest(int index, GuestMemory[] guests) {
        return index >= 0 && index < guests.length;
    }

    /**
     * Applies a page-sharing daemon's work for a tick (after every guest's work): the merge
     * proposals, then the scans; and hands back the shared frames freed since the last call.
     *
     * <p>A proposal group merges its pages into the proposed shared frame, or, with none, into a
     * new shared frame made of the group's first page that still qualifies; a zero page always
     * goes to the one shared zero frame when there is one. Each page is checked first: it must
     * still map the MPN the daemon saw, privately, and that frame's content must still have the
     * group's hash (else it is stale: a hint rehashed and found changed); then its content is
     * compared in full with the shared frame's (else a false match of the hash).
     */
    public SharingResult apply(SharingWork work, GuestMemory[] guests) {
        long[] hashes = work.mergeHashes();
        int[] targets = work.mergeTargets();
        int[] ends = work.mergeEnds();
        long[] pages = work.mergePages();
        int[] seen = work.mergeMpns();
        long[] scan = work.scanPages() == null ? new long[0] : work.scanPages();
        boolean wellFormed = hashes != null && targets != null && ends != null && pages != null && seen != null
                && targets.length == hashes.length && ends.length == hashes.length && seen.length == pages.length;
        byte[] outcomes = new byte[pages == null ? 0 : pages.length];
        int[] groupShared = new int[hashes == null ? 0 : hashes.length];
        Arrays.fill(groupShared, FramePool.NO_FRAME);
        if (wellFormed) {
            int start = 0;
            for (int k = 0; k < hashes.length; k++) {
                int end = ends[k];
                if (end < start || end > pages.length) {
                    Arrays.fill(outcomes, start, pages.length, MergeOutcome.INVALID);
                    break;
                }
                groupShared[k] = mergeGroup(guests, hashes[k], targets[k], pages, seen, start, end, outcomes);
                start = end;
            }
        } else {
            Arrays.fill(outcomes, MergeOutcome.INVALID);
        }

        byte[] states = new byte[scan.length];
        int[] mpns = new int[scan.length];
        long[] scanHashes = new long[scan.length];
        int bits = shared.hashBits();
        for (int i = 0; i < scan.length; i++) {
            int gi = SharingWork.guestOf(scan[i]);
            int ppn = SharingWork.ppnOf(scan[i]);
            mpns[i] = FramePool.NO_FRAME;
            if (!isGuest(gi, guests) || !guests[gi].pmap().isValidPpn(ppn)) {
                states[i] = ScanState.INVALID;
                continue;
            }
            Pmap pmap = guests[gi].pmap();
            int mpn = pmap.mpn(ppn);
            if (mpn < 0) {
                states[i] = ScanState.UNBACKED;
                continue;
            }
            states[i] = pmap.state(ppn) == Pmap.SHARED ? ScanState.SHARED : ScanState.PRIVATE;
            mpns[i] = mpn;
        }
        // The frames' tokens in a second, tight loop: the frames are scattered, so nearly every read
        // misses the caches, and with nothing else in the loop many misses are in flight at once.
        for (int i = 0; i < scan.length; i++) {
            if (mpns[i] >= 0) {
                scanHashes[i] = ContentHash.of(frames.token(mpns[i]), bits);
            }
        }
        return new SharingResult(work.tick(), states, mpns, scanHashes, outcomes, groupShared,
                shared.takeFreedMpns(), shared.takeFreedHashes());
    }

    /**
     * Which para-virtual guests' pages may be merged now (by guest index). A merge moves a
     * para-virtual guest's frame, and the guest learns of it from a remap notice, which must reach it
     * before it writes page tables against its p2m again. With a tick barrier (deterministic) that
     * always holds. Without one (free-running) it holds only while the guest has no work in flight:
     * its work for its current tick is applied and its next {@code TickStart} not yet sent (the
     * notice then goes before that {@code TickStart}, on the same channel). The free-running
     * hypervisor sets that test here ({@link #setParavirtualMergeable}); a proposal for a guest
     * that may not be merged now is refused as {@link MergeOutcome#INVALID} and proposed again by
     * a later scan.
     */
    private IntPredicate paraMergeable = g -> true;

    /** Whether para-virtual guests' pages may be merged at all; see {@link #paraMergeable}. */
    public void setShareParavirtual(boolean share) {
        this.paraMergeable = share ? g -> true : g -> false;
    }

    /** Which para-virtual guests' pages may be merged now; see {@link #paraMergeable}. */
    public void setParavirtualMergeable(IntPredicate mergeable) {
        this.paraMergeable = mergeable;
    }

    /**
     * Whether a merge may break a standing large page now: the ESX flavour breaks them only under
     * memory pressure (the host sets this each tick from its free-memory state), KSM always.
     * Without, a piece of a large page is refused as {@link MergeOutcome#LARGE_PAGE}.
     */
    private boolean largePagesBreakable = true;
    private long largePageRefusals;

    public void setLargePagesBreakable(boolean breakable) {
        this.largePagesBreakable = breakable;
    }

    /** Merge proposals refused because their page was a piece of a standing large page. */
    public long largePageRefusals() {
        return largePageRefusals;
    }

    /** One proposal group; returns the shared frame its pages now map, or -1. */
    private int mergeGroup(GuestMemory[] guests, long hash, int target, long[] pages, int[] seen, int start, int end, byte[] outcomes) {
        int sharedMpn = FramePool.NO_FRAME;
        if (target != FramePool.NO_FRAME) {
            if (!frames.isValid(target) || frames.owner(target) != FramePool.SHARED || shared.hashOf(target) != hash) {
                Arrays.fill(outcomes, start, end, MergeOutcome.TARGET_GONE);
                return FramePool.NO_FRAME;
            }
            sharedMpn = target;
        }
        int anchor = -1;
        int anchorMpn = FramePool.NO_FRAME;
        for (int i = start; i < end; i++) {
            int gi = SharingWork.guestOf(pages[i]);
            int ppn = SharingWork.ppnOf(pages[i]);
            if (!isGuest(gi, guests) || !guests[gi].pmap().isValidPpn(ppn) || seen[i] < FramePool.NO_FRAME
                    || seen[i] != FramePool.NO_FRAME && !frames.isValid(seen[i])) {
                outcomes[i] = MergeOutcome.INVALID;
                continue;
            }
            GuestMemory g = guests[gi];
            if (g.mode() == TranslationMode.PARA && !paraMergeable.test(gi)) {
                outcomes[i] = MergeOutcome.INVALID; // see paraMergeable
                continue;
            }
            // A hint's MPN is not recorded (-1): the page is only rehashed, as ESX does.
            int mpn = seen[i] == FramePool.NO_FRAME ? g.pmap().mpn(ppn) : seen[i];
            if (mpn < 0 || g.pmap().mpn(ppn) != mpn || g.pmap().state(ppn) != Pmap.BACKED || frames.owner(mpn) != gi
                    || shared.hashOf(mpn) != hash) {
                outcomes[i] = MergeOutcome.STALE;
                staleHints++;
                continue;
            }
            if (!largePagesBreakable && g.pmap().isLarge(ppn)) {
                outcomes[i] = MergeOutcome.LARGE_PAGE; // a standing large page is not shared (ESX)
                largePageRefusals++;
                continue;
            }
            long token = frames.token(mpn);
            if (sharedMpn == FramePool.NO_FRAME && token == Tokens.ZERO && shared.zeroFrame() != FramePool.NO_FRAME) {
                sharedMpn = shared.zeroFrame();
            }
            if (sharedMpn == FramePool.NO_FRAME && anchor < 0) {
                anchor = i;
                anchorMpn = mpn;
                outcomes[i] = MergeOutcome.KEPT;
                continue;
            }
            int against = sharedMpn != FramePool.NO_FRAME ? sharedMpn : anchorMpn;
            if (frames.token(against) != token) {
                outcomes[i] = MergeOutcome.FALSE_MATCH;
                falseMatches++;
                continue;
            }
            if (sharedMpn == FramePool.NO_FRAME) {
                // compare-and-merge with the hint: its frame becomes the shared frame
                int anchorGuest = SharingWork.guestOf(pages[anchor]);
                guests[anchorGuest].makeShared(SharingWork.ppnOf(pages[anchor]), anchorMpn);
                sharedMpn = anchorMpn;
                outcomes[anchor] = MergeOutcome.MERGED;
            }
            g.mergeInto(ppn, mpn, sharedMpn);
            outcomes[i] = MergeOutcome.MERGED;
            mergeCount++;
        }
        return sharedMpn;
    }
}
