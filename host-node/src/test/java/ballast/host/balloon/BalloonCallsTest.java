package ballast.host.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.host.memory.Pmap;
import org.junit.jupiter.api.Test;

class BalloonCallsTest {

    /** Eight PPNs: 0 and 1 backed, 2 ballooned, the rest unbacked. */
    private static Pmap pmap() {
        Pmap pmap = new Pmap(8);
        pmap.back(0, 10);
        pmap.back(1, 11);
        pmap.balloon(2);
        return pmap;
    }

    @Test
    void inflateOfValidPpnsUnderTheCapIsAccepted() {
        assertThat(BalloonCalls.checkInflate(pmap(), new int[] {0, 1, 5}, 4)).isNull();
    }

    @Test
    void inflateOutOfRangeNamesTheEntry() {
        Refusal r = BalloonCalls.checkInflate(pmap(), new int[] {0, 8}, 10);
        assertThat(r.reason()).isEqualTo(RefusalReason.PPN_OUT_OF_RANGE);
        assertThat(r.detail()).contains("entry 1").contains("PPN 8");
    }

    @Test
    void inflateOfABalloonedOrTwiceNamedPpnIsAlreadyBallooned() {
        assertThat(BalloonCalls.checkInflate(pmap(), new int[] {2}, 10).reason()).isEqualTo(RefusalReason.ALREADY_BALLOONED);
        Refusal twice = BalloonCalls.checkInflate(pmap(), new int[] {4, 5, 4}, 10);
        assertThat(twice.reason()).isEqualTo(RefusalReason.ALREADY_BALLOONED);
        assertThat(twice.detail()).contains("twice");
    }

    @Test
    void inflatePastTheCapIsRefused() {
        // one page ballooned already, a cap of 2: two more would make 3
        assertThat(BalloonCalls.checkInflate(pmap(), new int[] {4, 5}, 2).reason()).isEqualTo(RefusalReason.BALLOON_CAP);
        assertThat(BalloonCalls.checkInflate(pmap(), new int[] {4}, 2)).isNull();
    }

    @Test
    void deflateOnlyOfBalloonedPpns() {
        assertThat(BalloonCalls.checkDeflate(pmap(), new int[] {2}, false, 0)).isNull();
        assertThat(BalloonCalls.checkDeflate(pmap(), new int[] {1}, false, 0).reason()).isEqualTo(RefusalReason.NOT_BALLOONED);
        assertThat(BalloonCalls.checkDeflate(pmap(), new int[] {2, 2}, false, 0).reason()).isEqualTo(RefusalReason.NOT_BALLOONED);
        assertThat(BalloonCalls.checkDeflate(pmap(), new int[] {-1}, false, 0).reason()).isEqualTo(RefusalReason.PPN_OUT_OF_RANGE);
    }

    @Test
    void deflateThatNeedsFramesNowNeedsThemFree() {
        assertThat(BalloonCalls.checkDeflate(pmap(), new int[] {2}, true, 0).reason()).isEqualTo(RefusalReason.OUT_OF_MEMORY);
        assertThat(BalloonCalls.checkDeflate(pmap(), new int[] {2}, true, 1)).isNull();
    }

    @Test
    void pageOutsOfBalloonedOrOutOfRangePpnsAreRefused() {
        assertThat(BalloonCalls.checkPageOuts(pmap(), new int[] {0, 4})).isNull();
        assertThat(BalloonCalls.checkPageOuts(pmap(), new int[] {0, 2}).reason()).isEqualTo(RefusalReason.ALREADY_BALLOONED);
        assertThat(BalloonCalls.checkPageOuts(pmap(), new int[] {9}).reason()).isEqualTo(RefusalReason.PPN_OUT_OF_RANGE);
    }
}
