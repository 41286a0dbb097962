package ballast.host.tick;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TickWork;
import ballast.host.sharing.SharingWork;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deterministic tick's barrier, without an actor system. */
class TickBarrierTest {

    static TickWork work(int guest, long tick) {
        return new TickWork(guest, tick, List.of(), new long[0], new long[0], null);
    }

    static SharingWork daemonWork(long tick) {
        return new SharingWork(tick, new long[0], new long[0], new int[0], new int[0], new long[0], new int[0], null);
    }

    @Test
    void theTickIsAppliedOnlyOnceEveryTakingPartGuestAndTheDaemonSentWork() {
        TickBarrier barrier = new TickBarrier(3, true);
        assertThat(barrier.expectedTick()).as("between ticks").isEqualTo(Long.MIN_VALUE);
        barrier.start(5, new boolean[] {true, false, true});
        assertThat(barrier.expectedTick()).isEqualTo(5);
        assertThat(barrier.takesPart(1)).isFalse();
        assertThat(barrier.offerWork(2, work(2, 5))).isTrue();
        assertThat(barrier.offerWork(1, work(1, 5))).as("booted during the tick: joins at the next").isFalse();
        assertThat(barrier.readyToApply()).isFalse();
        barrier.offerWork(0, work(0, 5));
        assertThat(barrier.readyToApply()).as("the daemon's work is missing").isFalse();
        SharingWork d = daemonWork(5);
        barrier.offerDaemonWork(d);
        assertThat(barrier.readyToApply()).isTrue();

        barrier.applying();
        assertThat(barrier.readyToApply()).as("applied once").isFalse();
        assertThat(barrier.takeWork(0).guest()).isZero();
        assertThat(barrier.takeWork(0)).as("taken").isNull();
        assertThat(barrier.takeWork(1)).isNull();
        assertThat(barrier.takeWork(2).guest()).isEqualTo(2);
        assertThat(barrier.daemonWork()).isSameAs(d);
    }

    @Test
    void theTickIsDoneOnlyWhenAppliedAndEveryParticipantAndTheDaemonAcknowledged() {
        TickBarrier barrier = new TickBarrier(2, true);
        barrier.start(1, new boolean[] {true, true});
        barrier.offerWork(0, work(0, 1));
        barrier.offerWork(1, work(1, 1));
        barrier.offerDaemonWork(daemonWork(1));
        barrier.ack(0);
        barrier.ack(1);
        barrier.daemonAcked();
        assertThat(barrier.done()).as("not applied yet").isFalse();
        barrier.applying();
        assertThat(barrier.done()).isTrue();
        barrier.finish();
        assertThat(barrier.done()).isFalse();
        assertThat(barrier.playing()).isFalse();
        assertThat(barrier.expectedTick()).isEqualTo(Long.MIN_VALUE);
        assertThat(barrier.daemonWork()).isNull();

        barrier.start(2, new boolean[] {true, true});
        assertThat(barrier.applied()).isFalse();
        barrier.offerWork(0, work(0, 2));
        barrier.offerWork(1, work(1, 2));
        barrier.offerDaemonWork(daemonWork(2));
        barrier.applying();
        barrier.ack(0);
        barrier.ack(1);
        assertThat(barrier.done()).as("the daemon has not acknowledged").isFalse();
        barrier.daemonAcked();
        assertThat(barrier.done()).isTrue();
    }

    @Test
    void aGuestNotTakingPartIsNotCountedWhenItAcknowledges() {
        TickBarrier barrier = new TickBarrier(2, false);
        barrier.start(1, new boolean[] {true, false});
        barrier.offerWork(0, work(0, 1));
        barrier.applying();
        assertThat(barrier.ack(1)).isFalse();
        assertThat(barrier.done()).isFalse();
        assertThat(barrier.ack(0)).isTrue();
        assertThat(barrier.done()).isTrue();
    }

    @Test
    void aGuestGoneBeforeTheTickIsAppliedIsNoLongerWaitedForAndItsWorkIsDropped() {
        TickBarrier barrier = new TickBarrier(2, false);
        barrier.start(1, new boolean[] {true, true});
        barrier.offerWork(1, work(1, 1));
        assertThat(barrier.leave(1, false)).isTrue();
        assertThat(barrier.leave(1, false)).as("already left").isFalse();
        assertThat(barrier.readyToApply()).isFalse();
        barrier.offerWork(0, work(0, 1));
        assertThat(barrier.readyToApply()).isTrue();
        barrier.applying();
        assertThat(barrier.takeWork(1)).as("dropped").isNull();
        assertThat(barrier.participants()).containsExactly(true, false);
    }

    @Test
    void aGuestGoneAfterItAcknowledgedIsUncounted() {
        TickBarrier barrier = new TickBarrier(3, false);
        barrier.start(1, new boolean[] {true, true, true});
        for (int g = 0; g < 3; g++) {
            barrier.offerWork(g, work(g, 1));
        }
        barrier.applying();
        barrier.ack(0);
        barrier.ack(1);
        barrier.leave(1, true);
        assertThat(barrier.done()).as("guest 2 still owes its acknowledgement").isFalse();
        barrier.leave(2, false);
        assertThat(barrier.done()).isTrue();
    }

    @Test
    void aTickWithoutGuestsOrDaemonIsReadyAtOnceAndAGuestAdmittedLaterDoesNotTakePart() {
        TickBarrier barrier = new TickBarrier(1, false);
        barrier.start(0, new boolean[] {false});
        assertThat(barrier.readyToApply()).isTrue();
        barrier.applying();
        assertThat(barrier.done()).isTrue();
        barrier.finish();
        barrier.grow(2);
        barrier.start(1, new boolean[] {true, false});
        assertThat(barrier.takesPart(0)).isTrue();
        assertThat(barrier.takesPart(1)).isFalse();
        assertThat(barrier.leave(1, false)).isFalse();
    }
}
