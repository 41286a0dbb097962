package ballast.guest.balloon;

import ballast.guest.GuestMemorySettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.guest.balloon.Balloon.Orders;
import ballast.guest.balloon.Balloon.Outcome;
import ballast.abi.TickResult;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The balloon driver's step as a plain object. The step of tick n goes into the work of tick
 * n + 1, whose result's status comes with the step of tick n + 2.
 */
class BalloonTest {
    /** 10 pages a tick, 3 ticks of back-off, at most 25 pages. */
    static final GuestMemorySettings SETTINGS = new GuestMemorySettings(true, 10, 3, 25, 30);

    static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    /** Inflates to 25 pages in batches of 10 (PPNs 100 .. 124); returns the balloon at tick 4. */
    static Balloon inflatedTo25() {
        Balloon b = new Balloon(SETTINGS);
        Orders s0 = b.step(0, 25, 0);
        assertThat(s0.pinPages()).isEqualTo(10);
        assertThat(s0.outcome()).isEqualTo(Outcome.AGAIN);
        b.pinned(1, range(100, 110));
        Orders s1 = b.step(1, 25, 0);
        assertThat(s1.pinPages()).isEqualTo(10);
        assertThat(b.currentPages()).isEqualTo(20);
        b.pinned(2, range(110, 120));
        Orders s2 = b.step(2, 25, 0); // the work of tick 1 was applied
        assertThat(s2.pinPages()).isEqualTo(5);
        assertThat(s2.outcome()).isEqualTo(Outcome.DONE);
        assertThat(b.balloonedPpns()).containsExactly(range(100, 110));
        b.pinned(3, range(120, 125));
        Orders s3 = b.step(3, 25, 0);
        assertThat(s3.pinPages()).isZero();
        assertThat(s3.deflate()).isEmpty();
        assertThat(s3.outcome()).isEqualTo(Outcome.DONE);
        b.step(4, 25, 0);
        assertThat(b.balloonedPpns()).containsExactly(range(100, 125));
        assertThat(b.callsInFlight()).isFalse();
        return b;
    }

    @Test
    void anInflateForWhichTheGuestHadNoPageIsNoCallToResolveLater() {
        Balloon b = new Balloon(SETTINGS);
        assertThat(b.step(7, 10, 0).pinPages()).isEqualTo(10);
        b.pinned(8, new int[0]); // no free page: the work of tick 8 carries no balloon call
        assertThat(b.callsInFlight()).isFalse();
        // so the guest skips the driver's steps of ticks 9 and 10 (nothing to do), and the next step is fine
        Orders later = b.step(11, 10, 0);
        assertThat(later.outcome()).isNotNull();
        assertThat(b.currentPages()).isEqualTo(later.pinPages());
    }

    @Test
    void inflatesInBatchesOfTheRateUntilTheTargetIsReached() {
        Balloon b = inflatedTo25();
        assertThat(b.currentPages()).isEqualTo(25);
        assertThat(b.lastOutcome()).isEqualTo(Outcome.DONE);
    }

    @Test
    void neverGoesBeyondTheCap() {
        Balloon b = new Balloon(SETTINGS);
        int pinned = 0;
        for (long tick = 0; tick < 10; tick++) {
            Orders o = b.step(tick, 1000, 0);
            if (o.pinPages() > 0) {
                b.pinned(tick + 1, range(pinned, pinned + o.pinPages()));
                pinned += o.pinPages();
            }
            assertThat(b.currentPages()).isLessThanOrEqualTo(25);
        }
        assertThat(pinned).isEqualTo(25);
        assertThat(b.lastOutcome()).isEqualTo(Outcome.DONE);
    }

    @Test
    void deflatesTheMostRecentlyBalloonedPagesAndFreesThemOnceConfirmed() {
        Balloon b = inflatedTo25();
        Orders d5 = b.step(5, 8, 0);
        assertThat(d5.deflate()).containsExactly(124, 123, 122, 121, 120, 119, 118, 117, 116, 115);
        assertThat(d5.outcome()).isEqualTo(Outcome.AGAIN);
        assertThat(d5.release()).isEmpty();
        Orders d6 = b.step(6, 8, 0);
        assertThat(d6.deflate()).containsExactly(114, 113, 112, 111, 110, 109, 108);
        assertThat(d6.outcome()).isEqualTo(Outcome.DONE);
        Orders d7 = b.step(7, 8, 0); // the deflate of the work of tick 6 applied
        assertThat(d7.release()).containsExactly(d5.deflate());
        Orders d8 = b.step(8, 8, 0);
        assertThat(d8.release()).containsExactly(d6.deflate());
        assertThat(b.balloonedPpns()).containsExactly(range(100, 108));
        assertThat(b.currentPages()).isEqualTo(8);
    }

    @Test
    void aGuestThatGivesFewerPagesThanAskedMakesTheStepAgainAndBacksOff() {
        Balloon b = new Balloon(SETTINGS);
        assertThat(b.step(0, 25, 0).pinPages()).isEqualTo(10);
        b.pinned(1, range(0, 4)); // the guest had only four pages to give now
        assertThat(b.lastOutcome()).isEqualTo(Outcome.AGAIN);
        assertThat(b.backoffUntil()).isEqualTo(4);
        for (long tick = 1; tick <= 3; tick++) {
            Orders o = b.step(tick, 25, 0);
            assertThat(o.outcome()).isEqualTo(Outcome.BACKING_OFF);
            assertThat(o.pinPages()).isZero();
        }
        assertThat(b.balloonedPpns()).containsExactly(0, 1, 2, 3);
        Orders again = b.step(4, 25, 0);
        assertThat(again.pinPages()).isEqualTo(10);
        assertThat(again.outcome()).isEqualTo(Outcome.AGAIN);
    }

    @Test
    void aRefusedInflateGivesThePagesBackAndIsCancelled() {
        Balloon b = new Balloon(SETTINGS);
        b.step(0, 5, 0);
        b.pinned(1, range(40, 45));
        assertThat(b.step(1, 5, 0).pinPages()).isZero(); // 5 in flight: done
        Orders o = b.step(2, 5, TickResult.INFLATE_REFUSED);
        assertThat(o.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(o.release()).containsExactly(40, 41, 42, 43, 44);
        assertThat(o.pinPages()).isZero();
        assertThat(b.currentPages()).isZero();
        assertThat(b.refusals()).isEqualTo(1);
        // backs off for three ticks, then tries again
        assertThat(b.step(3, 5, 0).outcome()).isEqualTo(Outcome.BACKING_OFF);
        assertThat(b.step(5, 5, 0).outcome()).isEqualTo(Outcome.BACKING_OFF);
        assertThat(b.step(6, 5, 0).pinPages()).isEqualTo(5);
    }

    @Test
    void aRefusedDeflateLeavesThePagesInTheBalloon() {
        Balloon b = inflatedTo25();
        Orders d = b.step(5, 20, 0);
        assertThat(d.deflate()).containsExactly(124, 123, 122, 121, 120);
        assertThat(b.currentPages()).isEqualTo(20);
        b.step(6, 20, 0);
        Orders o = b.step(7, 20, TickResult.DEFLATE_REFUSED);
        assertThat(o.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(o.release()).isEmpty();
        assertThat(b.currentPages()).isEqualTo(25);
        assertThat(b.balloonedPpns()).contains(124, 123, 122, 121, 120).hasSize(25);
    }

    /**
     * The work of tick 5 pops the balloon while a deflate is in flight (in the work of tick 6, sent
     * before the driver knew): every ballooned PPN and the deflated ones go back to the guest, the
     * deflate in flight is voided (its refusal changes nothing), and the driver starts again from an
     * empty balloon.
     */
    @Test
    void aPopResetsTheBalloonAndGivesEveryPageBack() {
        Balloon b = inflatedTo25();
        Orders d = b.step(5, 20, 0); // deflate 5 in the work of tick 6
        assertThat(d.deflate()).hasSize(5);
        Orders up = b.step(6, 23, TickResult.POPPED);
        assertThat(up.release()).hasSize(25).contains(d.deflate());
        assertThat(b.pops()).isEqualTo(1);
        assertThat(b.balloonedPpns()).isEmpty();
        assertThat(up.pinPages()).isEqualTo(10);
        b.pinned(7, range(200, 210));
        Orders next = b.step(7, 23, TickResult.DEFLATE_REFUSED);
        assertThat(next.release()).isEmpty();
        assertThat(next.outcome()).isNotEqualTo(Outcome.CANCELLED);
        b.pinned(8, range(210, 210 + next.pinPages()));
        b.step(8, 23, 0);
        assertThat(b.balloonedPpns()).containsExactly(range(200, 210));
    }

    @Test
    void aPopWithAnInflateInTheSameWorkKeepsThatInflate() {
        Balloon b = new Balloon(SETTINGS);
        b.step(0, 20, 0);
        b.pinned(1, range(0, 10));
        b.step(1, 20, 0);
        b.pinned(2, range(10, 20));
        b.step(2, 20, 0); // work 1 applied: 0..9
        // the work of tick 2 popped the balloon during its operations, then inflated 10..19
        Orders o = b.step(3, 20, TickResult.POPPED);
        assertThat(o.release()).containsExactly(range(0, 10));
        assertThat(b.balloonedPpns()).containsExactly(range(10, 20));
        assertThat(o.pinPages()).isEqualTo(10);
    }

    @Test
    void pinningMoreThanAskedOrForATickThatAskedNothingIsABug() {
        Balloon b = new Balloon(SETTINGS);
        b.step(0, 5, 0);
        assertThatThrownBy(() -> b.pinned(1, range(0, 6))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.pinned(7, range(0, 1))).isInstanceOf(IllegalStateException.class);
    }
}
