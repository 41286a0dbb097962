package ballast.host.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PostCopyArrivalsTest {

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    @Test
    void theBackgroundPushSendsThePagesPerTickInAscendingOrderUntilNoneIsLeft() {
        PostCopyArrivals a = new PostCopyArrivals(1000, range(100, 350), 0, 100, 0.001);
        assertThat(a.initial()).isEqualTo(250);
        a.endTick();
        assertThat(a.pushed()).isEqualTo(100);
        assertThat(a.isMissing(199)).isFalse();
        assertThat(a.isMissing(200)).isTrue();
        a.endTick();
        a.endTick();
        assertThat(a.done()).isTrue();
        assertThat(a.pushed()).isEqualTo(250);
        assertThat(a.degradedTicks()).isZero();
    }

    @Test
    void aTouchOfAMissingPageIsANetworkFaultThatFetchesItAndItsNeighboursWithinTheWindow() {
        PostCopyArrivals a = new PostCopyArrivals(1000, range(0, 1000), 8, 10, 0.001);
        a.touch(500);
        assertThat(a.faults()).isEqualTo(1);
        assertThat(a.prepaged()).isEqualTo(8); // 496..499 and 501..504
        assertThat(a.isMissing(495)).isTrue();
        assertThat(a.isMissing(496)).isFalse();
        assertThat(a.isMissing(504)).isFalse();
        assertThat(a.isMissing(505)).isTrue();
        a.touch(502); // arrived with the fault: no fault
        assertThat(a.faults()).isEqualTo(1);
        assertThat(a.takeFaults()).isEqualTo(1);
        assertThat(a.takeFaults()).isZero();
    }

    @Test
    void aTickWithAFaultIsDegradedAndTheFaultsTakeTheirShareOfTheLinkFromThePush() {
        PostCopyArrivals a = new PostCopyArrivals(100, range(0, 100), 2, 10, 0.001);
        a.touch(50); // 3 pages of the tick's 10
        a.endTick();
        assertThat(a.pushed()).isEqualTo(7);
        assertThat(a.degradedTicks()).isEqualTo(1);
        a.endTick();
        assertThat(a.degradedTicks()).isEqualTo(1);
        assertThat(a.ticks()).isEqualTo(2);
    }

    @Test
    void everyPageCrossesOnceWhateverTheGuestTouches() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        PostCopyArrivals a = new PostCopyArrivals(4096, range(0, 4096), 16, 200, 0.001);
        while (!a.done()) {
            for (int i = 0; i < 50; i++) {
                a.touch(r.nextInt(4096));
            }
            a.endTick();
            assertThat(a.faults() + a.prepaged() + a.pushed() + a.left()).isEqualTo(4096);
        }
        assertThat(a.faults() + a.prepaged() + a.pushed()).isEqualTo(4096);
    }

    @Test
    void pagesThatWereNotSentAreNeverMissing() {
        PostCopyArrivals a = new PostCopyArrivals(64, new int[] {3, 5, 5, 70, -1}, 4, 1, 0.001);
        assertThat(a.initial()).isEqualTo(2);
        a.touch(4);
        assertThat(a.faults()).isZero();
        assertThat(a.isMissing(3)).isTrue();
    }

    @Test
    void aFaultWaitsForTheLatencyTwiceAndThePagesTransfer() {
        PostCopyTerms t = new PostCopyTerms(4096 * 1000.0, 0.0001, 16);
        assertThat(t.faultSeconds()).isCloseTo(0.0002 + 0.001, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(t.pagesPerTick(0.1)).isEqualTo(100);
    }
}
