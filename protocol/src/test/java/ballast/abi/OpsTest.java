package ballast.abi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpsTest {

    @Test
    void packsAndUnpacksKindProcessAndVpn() {
        long op = Ops.op(Ops.MAP, 1023, Ops.MAX_VPN);
        assertThat(Ops.kind(op)).isEqualTo(Ops.MAP);
        long key = Ops.keyOf(op);
        assertThat(key).isEqualTo(Ops.key(1023, Ops.MAX_VPN)).isEqualTo(Ops.KEY_MASK);
        assertThat(Ops.process(key)).isEqualTo(1023);
        assertThat(Ops.vpn(key)).isEqualTo(Ops.MAX_VPN);
        assertThat(Ops.isWellFormed(op)).isTrue();

        long read = Ops.op(Ops.READ, 0, 0L);
        assertThat(read).isZero();
        assertThat(Ops.isWellFormed(read)).isTrue();
        assertThat(Ops.kind(Ops.op(Ops.SWITCH, 5, 9L))).isEqualTo(Ops.SWITCH);
        assertThat(Ops.process(Ops.op(Ops.SWITCH, 5, 9L))).isEqualTo(5);
    }

    @Test
    void rejectsUnknownKindsAndStrayBits() {
        long key = Ops.key(2, 0x1234L);
        for (int kind = 0; kind < 16; kind++) {
            assertThat(Ops.isWellFormed(Ops.op(kind, key))).as("kind %d", kind).isEqualTo(kind <= Ops.SWITCH);
        }
        for (int bit = 46; bit < 60; bit++) {
            assertThat(Ops.isWellFormed(Ops.op(Ops.READ, key) | (1L << bit))).as("bit %d", bit).isFalse();
        }
    }

    @Test
    void onlyWriteAndMapTakeAValue() {
        assertThat(Ops.takesValue(Ops.WRITE)).isTrue();
        assertThat(Ops.takesValue(Ops.MAP)).isTrue();
        assertThat(Ops.takesValue(Ops.READ)).isFalse();
        assertThat(Ops.takesValue(Ops.UNMAP)).isFalse();
        assertThat(Ops.takesValue(Ops.SWITCH)).isFalse();
    }
}
