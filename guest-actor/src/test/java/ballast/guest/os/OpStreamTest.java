package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The double-buffered packed streams: a tick's arrays survive the next tick's and grow without loss. */
class OpStreamTest {
    @Test
    void ticksOfTheOtherParityDoNotOverwriteAStreamHandedOver() {
        OpStream stream = new OpStream();
        stream.begin(4);
        stream.op(1);
        stream.value(2);
        long[] tick4 = stream.opArray();
        stream.begin(5);
        stream.op(9);
        assertThat(tick4[0]).isEqualTo(1);
        stream.begin(6);
        assertThat(stream.opArray()).isSameAs(tick4); // reused two ticks on
        assertThat(stream.opCount()).isZero();
    }

    @Test
    void growsPastItsInitialCapacityKeepingEveryEntry() {
        OpStream stream = new OpStream();
        stream.begin(0);
        for (int i = 0; i < 5000; i++) {
            stream.op(i);
            stream.value(-i);
        }
        assertThat(stream.opCount()).isEqualTo(5000);
        assertThat(stream.opArray()[4999]).isEqualTo(4999);
        assertThat(stream.valueArray()[4321]).isEqualTo(-4321);
    }
}
