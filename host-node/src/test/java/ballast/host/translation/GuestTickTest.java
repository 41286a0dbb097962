package ballast.host.translation;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.GuestWork;
import ballast.host.TestHosts;
import ballast.host.TestHosts.Stream;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import ballast.host.reclaim.WorkingSetEstimator;
import ballast.host.sharing.SharedFrames;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tick pipeline and access loop on one plain {@link GuestMemory}, without a hypervisor core or actor. */
class GuestTickTest {
    private static final int PAGES = 32;
    private final FramePool frames = new FramePool(256, 16, 7L);
    private final GuestTick ticks = new GuestTick(frames, TestHosts.MAX_BATCH_OPS, TestHosts.MAX_MMU_UPDATE_ENTRIES);
    private final GuestMemory g = new GuestMemory(TestHosts.guest(0, "g", TranslationMode.FULL, PAGES, 2), frames,
            TestHosts.COSTS, TestHosts.TLB_ENTRIES, new SharedFrames(frames, 16), false,
            new HostSwap(64, new int[] {PAGES}), 100, new WorkingSetEstimator(1L));

    private TickResult run(Stream s) {
        return ticks.apply(g, GuestWork.of(0, 1, List.of(), s.ops(), s.values()));
    }

    @Test
    void aReadAfterAWriteSeesTheWrittenTokenAndTheSecondAccessHitsTheTlb() {
        TickResult r = run(Stream.of().map(0, 0x10, 3).write(0, 0x10, 77).read(0, 0x10));
        assertThat(r.refusals()).isEmpty();
        assertThat(r.reads()).isEqualTo(1);
        assertThat(r.readDigest()).isEqualTo(Tokens.fold(Tokens.EMPTY_DIGEST, 77));
        assertThat(g.pmap().state(3)).isEqualTo(Pmap.BACKED);
        assertThat(frames.token(g.pmap().mpn(3))).isEqualTo(77);
        assertThat(g.counters().tlbMisses()).isEqualTo(1);
        assertThat(g.counters().tlbHits()).isEqualTo(1);
    }

    @Test
    void aReadOfAnUnmappedPageFoldsTheFaultTokenAndCountsAGuestFault() {
        TickResult r = run(Stream.of().read(1, 0x99));
        assertThat(r.reads()).isEqualTo(1);
        assertThat(r.readDigest()).isEqualTo(Tokens.fold(Tokens.EMPTY_DIGEST, GuestTick.FAULT_TOKEN));
        assertThat(g.counters().guestFaults()).isEqualTo(1);
        assertThat(g.pmap().backedPages()).isZero();
    }

    @Test
    void aMalformedStreamIsRefusedWholeAndChangesNothing() {
        // the map is valid, the write's process is not (the guest has two): nothing of the stream runs
        TickResult r = run(Stream.of().map(0, 0x10, 3).write(5, 0x10, 77));
        assertThat(r.refusals()).hasSize(1);
        assertThat(r.refusals().get(0).reason()).isEqualTo(RefusalReason.PROCESS_OUT_OF_RANGE);
        assertThat(r.reads()).isZero();
        assertThat(r.readDigest()).isEqualTo(Tokens.EMPTY_DIGEST);
        assertThat(g.pmap().backedPages()).isZero();
        assertThat(g.counters().refusedHypercalls()).isEqualTo(1);
    }

    @Test
    void anAccessToABalloonedPagePopsAndEmptiesTheWholeBalloon() {
        run(Stream.of().map(0, 0x10, 3).write(0, 0x10, 77).map(0, 0x11, 4).write(0, 0x11, 78));
        g.paging().inflate(3);
        g.paging().inflate(4);
        assertThat(g.pmap().balloonedPages()).isEqualTo(2);

        TickResult r = run(Stream.of().read(0, 0x10));
        assertThat(r.balloonStatus() & TickResult.POPPED).isNotZero();
        assertThat(r.readDigest()).isEqualTo(Tokens.fold(Tokens.EMPTY_DIGEST, Tokens.ZERO)); // a popped page comes back zeroed
        assertThat(g.pmap().balloonedPages()).isZero();
        assertThat(g.counters().balloonPops()).isEqualTo(1);
        assertThat(g.popped()).isFalse();
    }
}
