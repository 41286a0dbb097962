package ballast.guest.balloon;

import ballast.guest.GuestMemorySettings;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.balloon.Balloon.Orders;
import ballast.guest.balloon.Balloon.Outcome;
import ballast.abi.TickResult;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The balloon driver's conversation with its guest: steps, cap, back-off, the outcomes and a pop. */
class BalloonDriverTest {
    static final ActorTestKit testKit = ActorTestKit.create("balloon-driver-test");
    /** 10 pages a tick, 3 ticks of back-off, at most 25 pages. */
    static final GuestMemorySettings SETTINGS = new GuestMemorySettings(true, 10, 3, 25, 30);

    ActorRef<BalloonDriver.Command> driver;
    TestProbe<Orders> guest;
    TestProbe<BalloonDriver.Status> status;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void spawn() {
        driver = testKit.spawn(BalloonDriver.create(SETTINGS));
        guest = testKit.createTestProbe(Orders.class);
        status = testKit.createTestProbe(BalloonDriver.Status.class);
    }

    Orders tick(long tick, int target, int resultStatus) {
        driver.tell(new BalloonDriver.Tick(tick, target, resultStatus, guest.ref()));
        Orders o = guest.expectMessageClass(Orders.class);
        assertThat(o.tick()).isEqualTo(tick);
        return o;
    }

    BalloonDriver.Status status() {
        driver.tell(new BalloonDriver.GetStatus(status.ref()));
        return status.expectMessageClass(BalloonDriver.Status.class);
    }

    static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    @Test
    void stepsToTheTargetWithinTheCapThenDone() {
        assertThat(tick(0, 100, 0).pinPages()).isEqualTo(10);
        driver.tell(new BalloonDriver.Pinned(1, range(0, 10)));
        assertThat(tick(1, 100, 0).pinPages()).isEqualTo(10);
        driver.tell(new BalloonDriver.Pinned(2, range(10, 20)));
        Orders last = tick(2, 100, 0);
        assertThat(last.pinPages()).isEqualTo(5); // the cap, not the target
        assertThat(last.outcome()).isEqualTo(Outcome.DONE); // the cap is as far as it goes
        driver.tell(new BalloonDriver.Pinned(3, range(20, 25)));
        assertThat(tick(3, 100, 0).pinPages()).isZero();
        tick(4, 100, 0);
        BalloonDriver.Status s = status();
        assertThat(s.balloonPages()).isEqualTo(25);
        assertThat(s.ballooned()).containsExactly(range(0, 25));
        // the target falls: deflate, then free once the hypervisor confirmed
        Orders down = tick(5, 20, 0);
        assertThat(down.deflate()).containsExactly(24, 23, 22, 21, 20);
        assertThat(down.outcome()).isEqualTo(Outcome.DONE);
        tick(6, 20, 0);
        assertThat(tick(7, 20, 0).release()).containsExactly(24, 23, 22, 21, 20);
        assertThat(status().lastOutcome()).isEqualTo(Outcome.DONE);
    }

    @Test
    void aShortPinIsAgainAndBacksOffThenACancelledCallBacksOffToo() {
        assertThat(tick(0, 25, 0).pinPages()).isEqualTo(10);
        driver.tell(new BalloonDriver.Pinned(1, range(0, 3))); // the guest could give only 3 now
        BalloonDriver.Status s = status();
        assertThat(s.lastOutcome()).isEqualTo(Outcome.AGAIN);
        assertThat(s.backoffUntil()).isEqualTo(4);
        for (long t = 1; t <= 3; t++) {
            Orders o = tick(t, 25, 0);
            assertThat(o.outcome()).isEqualTo(Outcome.BACKING_OFF);
            assertThat(o.pinPages()).isZero();
        }
        Orders o4 = tick(4, 25, 0);
        assertThat(o4.pinPages()).isEqualTo(10);
        driver.tell(new BalloonDriver.Pinned(5, range(3, 13)));
        assertThat(tick(5, 25, 0).pinPages()).isEqualTo(10);
        driver.tell(new BalloonDriver.Pinned(6, range(13, 23)));
        // the inflate of the work of tick 5 was refused: its pages go back to the guest
        Orders refused = tick(6, 25, TickResult.INFLATE_REFUSED);
        assertThat(refused.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(refused.release()).containsExactly(range(3, 13));
        assertThat(refused.pinPages()).isZero();
        s = status();
        assertThat(s.refusals()).isEqualTo(1);
        assertThat(s.balloonPages()).isEqualTo(3 + 10); // and the inflate of tick 6 in flight
        assertThat(s.backoffUntil()).isEqualTo(10);
        for (long t = 7; t <= 9; t++) {
            assertThat(tick(t, 25, 0).outcome()).isEqualTo(Outcome.BACKING_OFF);
        }
        Orders resumed = tick(10, 25, 0);
        assertThat(resumed.pinPages()).isEqualTo(10);
        assertThat(status().ballooned()).containsExactly(IntStream.concat(IntStream.range(0, 3), IntStream.range(13, 23)).toArray());
    }

    @Test
    void aPopEmptiesTheBalloon() {
        tick(0, 10, 0);
        driver.tell(new BalloonDriver.Pinned(1, range(50, 60)));
        tick(1, 10, 0);
        tick(2, 10, 0);
        assertThat(status().balloonPages()).isEqualTo(10);
        Orders popped = tick(3, 10, TickResult.POPPED);
        assertThat(popped.release()).containsExactly(range(50, 60));
        assertThat(popped.pinPages()).isEqualTo(10); // and it inflates again toward the target
        BalloonDriver.Status s = status();
        assertThat(s.pops()).isEqualTo(1);
        assertThat(s.ballooned()).isEmpty();
    }
}
