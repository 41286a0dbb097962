package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.abi.Ops;
import ballast.abi.Reservation;
import ballast.abi.TickWork;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestWorkTest {

    @Test
    void wholeArrayWorkCountsEveryEntry() {
        long[] ops = {Ops.op(Ops.READ, Ops.key(0, 1)), Ops.op(Ops.WRITE, Ops.key(0, 2))};
        long[] values = {7};
        GuestWork w = GuestWork.of(3, 9, List.of(), ops, values);
        assertThat(w.index()).isEqualTo(3);
        assertThat(w.tick()).isEqualTo(9);
        assertThat(w.opCount()).isEqualTo(2);
        assertThat(w.valueCount()).isEqualTo(1);
        assertThat(w.kernel()).isNull();
        assertThat(w.reservation()).isNull();
    }

    @Test
    void missingStreamsCountZeroAndMissingUpdatesAreNone() {
        GuestWork w = GuestWork.of(0, 1, null, null, null);
        assertThat(w.opCount()).isZero();
        assertThat(w.valueCount()).isZero();
        assertThat(w.mmuUpdates()).isEmpty();
    }

    @Test
    void countsOutsideTheirArraysAreLeftForTheHypervisorToRefuse() {
        GuestWork w = new GuestWork(0, 1, List.of(), new long[2], 5, new long[0], -1, null, null);
        assertThat(w.opCount()).isEqualTo(5);
        assertThat(w.valueCount()).isEqualTo(-1);
    }

    @Test
    void negativeGuestIndexIsRejected() {
        assertThatThrownBy(() -> GuestWork.of(-1, 0, List.of(), new long[0], new long[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void fromTickWorkTakesTheHostsIndexAndTheBufferCounts() {
        long[] ops = new long[8];
        ops[0] = Ops.op(Ops.READ, Ops.key(0, 1));
        Reservation r = new Reservation(new int[0], new int[] {4}, new int[0]);
        TickWork t = new TickWork(11, 5, List.of(), ops, 1, new long[4], 0, null, r, null);
        GuestWork w = GuestWork.from(2, t);
        assertThat(w.index()).isEqualTo(2);
        assertThat(w.tick()).isEqualTo(5);
        assertThat(w.ops()).isSameAs(ops);
        assertThat(w.opCount()).isEqualTo(1);
        assertThat(w.valueCount()).isZero();
        assertThat(w.reservation()).isSameAs(r);
    }
}
