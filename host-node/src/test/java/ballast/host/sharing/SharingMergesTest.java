package ballast.host.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import ballast.host.TestHosts;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import ballast.host.reclaim.WorkingSetEstimator;
import ballast.host.translation.GuestMemory;
import org.junit.jupiter.api.Test;

/** The hypervisor's side of page sharing on plain guests: merge proposals checked page by page, and scans. */
class SharingMergesTest {
    private static final int PAGES = 16;
    private static final int HASH_BITS = 8;
    private final FramePool frames = new FramePool(256, 16, 7L);
    private final SharedFrames shared = new SharedFrames(frames, HASH_BITS);
    private final HostSwap swap = new HostSwap(0, new int[] {PAGES, PAGES});
    private final GuestMemory[] guests = {guest(0), guest(1)};
    private final SharingMerges merges = new SharingMerges(frames, shared);

    private GuestMemory guest(int index) {
        return new GuestMemory(TestHosts.guest(index, "g" + index, TranslationMode.FULL, PAGES, 1), frames,
                TestHosts.COSTS, TestHosts.TLB_ENTRIES, shared, true, swap, 100, new WorkingSetEstimator(index));
    }

    /** Backs {@code ppn} of guest {@code g} with a frame holding {@code token}; returns the MPN. */
    private int page(int g, int ppn, long token) {
        int mpn = guests[g].backing(ppn);
        frames.setToken(mpn, token);
        return mpn;
    }

    private SharingResult propose(long hash, long[] pages, int[] seen) {
        return merges.apply(new SharingWork(1, null, new long[] {hash}, new int[] {FramePool.NO_FRAME},
                new int[] {pages.length}, pages, seen, null), guests);
    }

    @Test
    void twoPagesWithTheSameContentShareOneFrameAndTheOtherIsFreed() {
        int a = page(0, 3, 4242);
        int b = page(1, 5, 4242);
        int free = frames.freeFrames();
        SharingResult r = propose(ContentHash.of(4242, HASH_BITS),
                new long[] {SharingWork.page(0, 3), SharingWork.page(1, 5)}, new int[] {a, b});
        assertThat(r.mergeOutcomes()).containsExactly(MergeOutcome.MERGED, MergeOutcome.MERGED);
        assertThat(r.mergeShared()).containsExactly(a);
        assertThat(guests[0].pmap().state(3)).isEqualTo(Pmap.SHARED);
        assertThat(guests[1].pmap().mpn(5)).isEqualTo(a);
        assertThat(frames.owner(a)).isEqualTo(FramePool.SHARED);
        assertThat(frames.freeFrames()).isEqualTo(free + 1);
        assertThat(merges.mergeCount()).isEqualTo(1);
    }

    @Test
    void aPageThatNoLongerMapsTheFrameTheDaemonSawIsAStaleHint() {
        int a = page(0, 3, 4242);
        int b = page(1, 5, 4242);
        frames.setToken(b, 99); // written since the daemon hashed it
        SharingResult r = propose(ContentHash.of(4242, HASH_BITS),
                new long[] {SharingWork.page(0, 3), SharingWork.page(1, 5)}, new int[] {a, b});
        assertThat(r.mergeOutcomes()[1]).isEqualTo(MergeOutcome.STALE);
        assertThat(merges.staleHints()).isEqualTo(1);
        assertThat(merges.mergeCount()).isZero();
        assertThat(guests[1].pmap().state(5)).isEqualTo(Pmap.BACKED);
        assertThat(guests[0].pmap().state(3)).isEqualTo(Pmap.BACKED); // the anchor alone is not shared
    }

    @Test
    void aHashCollisionIsAFalseMatchAndNothingIsMerged() {
        long first = 1000;
        long other = first + 1;
        while (ContentHash.of(other, HASH_BITS) != ContentHash.of(first, HASH_BITS)) {
            other++;
        }
        int a = page(0, 3, first);
        int b = page(1, 5, other);
        SharingResult r = propose(ContentHash.of(first, HASH_BITS),
                new long[] {SharingWork.page(0, 3), SharingWork.page(1, 5)}, new int[] {a, b});
        assertThat(r.mergeOutcomes()).containsExactly(MergeOutcome.KEPT, MergeOutcome.FALSE_MATCH);
        assertThat(merges.falseMatches()).isEqualTo(1);
        assertThat(frames.owner(a)).isEqualTo(0);
        assertThat(frames.owner(b)).isEqualTo(1);
    }

    @Test
    void aMalformedProposalIsInvalidWhole() {
        int a = page(0, 3, 4242);
        SharingResult r = merges.apply(new SharingWork(1, null, new long[] {1, 2}, new int[] {-1},
                new int[] {1}, new long[] {SharingWork.page(0, 3)}, new int[] {a}, null), guests);
        assertThat(r.mergeOutcomes()).containsExactly(MergeOutcome.INVALID);
        assertThat(guests[0].pmap().state(3)).isEqualTo(Pmap.BACKED);
    }

    @Test
    void aScanReportsEachPagesStateFrameAndHash() {
        int a = page(0, 3, 4242);
        SharingResult r = merges.apply(new SharingWork(1, new long[] {SharingWork.page(0, 3), SharingWork.page(0, 4),
                SharingWork.page(7, 0)}, new long[0], new int[0], new int[0], new long[0], new int[0], null), guests);
        assertThat(r.scanStates()).containsExactly(ScanState.PRIVATE, ScanState.UNBACKED, ScanState.INVALID);
        assertThat(r.scanMpns()).containsExactly(a, FramePool.NO_FRAME, FramePool.NO_FRAME);
        assertThat(r.scanHashes()[0]).isEqualTo(ContentHash.of(4242, HASH_BITS));
    }
}
