package ballast.host.translation;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Ops;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.GuestWork;
import ballast.host.TestHosts;
import ballast.host.TestHosts.Stream;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import ballast.host.reclaim.WorkingSetEstimator;
import ballast.host.sharing.SharedFrames;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The balloon, host-swap and sampling side of one plain {@link GuestMemory}, without a hypervisor core or actor. */
class GuestPagingTest {
    private static final int PAGES = 32;
    private static final long SWAP_IN_CYCLES = 500;
    private final FramePool frames = new FramePool(256, 16, 7L);
    private final HostSwap swap = new HostSwap(64, new int[] {PAGES});
    private final GuestTick ticks = new GuestTick(frames, TestHosts.MAX_BATCH_OPS, TestHosts.MAX_MMU_UPDATE_ENTRIES);

    private GuestMemory guest(TranslationMode mode) {
        return new GuestMemory(TestHosts.guest(0, "g", mode, PAGES, 1), frames, TestHosts.COSTS, TestHosts.TLB_ENTRIES,
                new SharedFrames(frames, 16), false, swap, SWAP_IN_CYCLES, new WorkingSetEstimator(1L));
    }

    /** Writes {@code token + ppn} to PPNs 0..n-1, mapped at VPN 0x100 + ppn of process 0 (full virtualization). */
    private void fill(GuestMemory g, int n, long token) {
        Stream s = Stream.of();
        for (int ppn = 0; ppn < n; ppn++) {
            s.map(0, 0x100 + ppn, ppn).write(0, 0x100 + ppn, token + ppn);
        }
        ticks.apply(g, GuestWork.of(0, 1, List.of(), s.ops(), s.values()));
    }

    @Test
    void inflatingFreesTheFrameAndDeflatingLeavesThePageToBeBackedOnItsNextTouch() {
        GuestMemory g = guest(TranslationMode.FULL);
        fill(g, 4, 1000);
        int free = frames.freeFrames();
        g.paging().inflate(2);
        assertThat(g.pmap().state(2)).isEqualTo(Pmap.BALLOONED);
        assertThat(g.pmap().mpn(2)).isEqualTo(FramePool.NO_FRAME);
        assertThat(frames.freeFrames()).isEqualTo(free + 1);
        assertThat(g.view().peekMpn(Ops.key(0, 0x102))).isEqualTo(FramePool.NO_FRAME);

        g.paging().deflate(2);
        assertThat(g.pmap().state(2)).isEqualTo(Pmap.UNBACKED);
        assertThat(frames.freeFrames()).isEqualTo(free + 1);
        int mpn = g.backing(2);
        assertThat(frames.token(mpn)).isEqualTo(Tokens.ZERO);
        assertThat(g.counters().balloonPops()).isZero(); // out of the balloon before the touch: no pop
        assertThat(g.popped()).isFalse();
    }

    @Test
    void deflatingAParaVirtualGuestsPageBacksItAtOnceAndPutsItInTheRemapNotice() {
        GuestMemory g = guest(TranslationMode.PARA);
        g.backing(6);
        g.paging().inflate(6);
        assertThat(g.pmap().state(6)).isEqualTo(Pmap.BALLOONED);
        int free = frames.freeFrames();
        g.paging().deflate(6);
        assertThat(g.pmap().state(6)).isEqualTo(Pmap.BACKED);
        assertThat(frames.freeFrames()).isEqualTo(free - 1);
        int[][] notice = g.takeNotice();
        assertThat(notice[0]).containsExactly(6);
        assertThat(notice[1]).containsExactly(g.pmap().mpn(6));
    }

    @Test
    void aSwappedOutPageComesBackWithItsContentAndTheGuestPaysTheSwapIn() {
        GuestMemory g = guest(TranslationMode.FULL);
        fill(g, 4, 1000);
        int free = frames.freeFrames();
        assertThat(g.paging().swapOutPage(1, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        assertThat(g.pmap().state(1)).isEqualTo(Pmap.SWAPPED);
        assertThat(frames.freeFrames()).isEqualTo(free + 1);
        assertThat(swap.used()).isEqualTo(1);
        assertThat(g.paging().swappedToken(1)).isEqualTo(1001);

        long before = g.cpu().overheadCyclesByKind()[CpuAccount.HOST_SWAP_IN];
        int mpn = g.backing(1);
        assertThat(frames.token(mpn)).isEqualTo(1001);
        assertThat(g.pmap().state(1)).isEqualTo(Pmap.BACKED);
        assertThat(swap.used()).isZero();
        assertThat(g.counters().hostSwapIns()).isEqualTo(1);
        assertThat(g.paging().hostSwapOuts()).isEqualTo(1);
        assertThat(g.cpu().overheadCyclesByKind()[CpuAccount.HOST_SWAP_IN] - before).isEqualTo(SWAP_IN_CYCLES);
    }

    @Test
    void theGuestPagingOutAPageTheHostSwappedIsADoublePaging() {
        GuestMemory g = guest(TranslationMode.NESTED);
        fill(g, 4, 1000);
        g.paging().swapOutPage(3, false);
        assertThat(g.paging().pageOut(3)).isTrue();
        assertThat(g.paging().doublePagings()).isEqualTo(1);
        assertThat(g.paging().pageOut(2)).isFalse(); // not swapped: an ordinary page-out
        assertThat(g.paging().doublePagings()).isEqualTo(1);
    }

    @Test
    void theHostNeverSwapsAParaVirtualGuest() {
        GuestMemory g = guest(TranslationMode.PARA);
        g.backing(5);
        assertThat(g.paging().swapOutPage(5, false)).isEqualTo(GuestPaging.KEPT);
        assertThat(g.pmap().state(5)).isEqualTo(Pmap.BACKED);
        assertThat(swap.used()).isZero();
    }

    @Test
    void aSampledPageIsCountedOnceWhenTheGuestTouchesItAgain() {
        GuestMemory g = guest(TranslationMode.FULL);
        fill(g, 4, 1000);
        g.paging().startSamplePeriod(new int[] {0, 2});
        assertThat(g.paging().samplesPending()).isEqualTo(2);
        Stream s = Stream.of().read(0, 0x102).read(0, 0x102);
        ticks.apply(g, GuestWork.of(0, 2, List.of(), s.ops(), s.values()));
        assertThat(g.paging().samplesPending()).isEqualTo(1); // PPN 2 touched (once), PPN 0 not
        g.paging().endSamplePeriod(true);
        assertThat(g.paging().samplesPending()).isZero();
    }
}
