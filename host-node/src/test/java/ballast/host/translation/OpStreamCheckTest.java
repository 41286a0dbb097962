package ballast.host.translation;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import org.junit.jupiter.api.Test;

class OpStreamCheckTest {
    private static final long READ = Ops.op(Ops.READ, Ops.key(0, 1));
    private static final long WRITE = Ops.op(Ops.WRITE, Ops.key(1, 2));
    private static final long MAP = Ops.op(Ops.MAP, Ops.key(0, 3));

    private static Refusal check(long[] ops, long[] values, boolean para) {
        return OpStreamCheck.check(ops, ops.length, values, values.length, 100, 2, 16, para);
    }

    @Test
    void wellFormedStreamPasses() {
        assertThat(check(new long[] {READ, WRITE, MAP}, new long[] {7, 15}, false)).isNull();
    }

    @Test
    void missingStreamOrCountPastItsArrayIsMalformed() {
        assertThat(OpStreamCheck.check(null, 0, new long[0], 0, 100, 2, 16, false).reason()).isEqualTo(RefusalReason.MALFORMED);
        assertThat(OpStreamCheck.check(new long[1], 2, new long[0], 0, 100, 2, 16, false).reason())
                .isEqualTo(RefusalReason.MALFORMED);
    }

    @Test
    void moreOperationsThanTheBatchLimitAreTooLarge() {
        assertThat(OpStreamCheck.check(new long[] {READ, READ}, 2, new long[0], 0, 1, 2, 16, false).reason())
                .isEqualTo(RefusalReason.BATCH_TOO_LARGE);
    }

    @Test
    void paravirtualGuestMayNotMap() {
        Refusal r = check(new long[] {READ, MAP}, new long[] {3}, true);
        assertThat(r.reason()).isEqualTo(RefusalReason.MALFORMED);
        assertThat(r.detail()).contains("operation 1");
    }

    @Test
    void processOutOfRangeIsNamed() {
        Refusal r = check(new long[] {READ, Ops.op(Ops.READ, Ops.key(2, 1))}, new long[0], false);
        assertThat(r.reason()).isEqualTo(RefusalReason.PROCESS_OUT_OF_RANGE);
    }

    @Test
    void mapOfAPpnOutsideTheGuestIsOutOfRange() {
        assertThat(check(new long[] {MAP}, new long[] {16}, false).reason()).isEqualTo(RefusalReason.PPN_OUT_OF_RANGE);
    }

    @Test
    void valuesMustMatchTheOperationsThatTakeOne() {
        assertThat(check(new long[] {WRITE}, new long[0], false).reason()).isEqualTo(RefusalReason.VALUES_MISMATCH);
        assertThat(check(new long[] {READ}, new long[] {1}, false).reason()).isEqualTo(RefusalReason.VALUES_MISMATCH);
    }
}
