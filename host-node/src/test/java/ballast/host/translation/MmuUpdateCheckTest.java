package ballast.host.translation;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.host.memory.FramePool;
import ballast.host.memory.Pmap;
import org.junit.jupiter.api.Test;

class MmuUpdateCheckTest {
    private static final int GUEST = 0;

    /** A pool of 16 frames; guest 0's PPN 3 on the frame {@link #mine}, another guest's frame {@link #theirs}. */
    private final FramePool frames = new FramePool(16, 0, 1);
    private final Pmap pmap = new Pmap(8);
    private final int mine = frames.allocate(GUEST);
    private final int theirs = frames.allocate(1);

    {
        pmap.back(3, mine);
        frames.setM2p(mine, 3);
    }

    private Refusal check(MmuUpdate u, boolean para) {
        return MmuUpdateCheck.check(2, u, GUEST, "pv", para, para ? "para" : "full", 2, 4, pmap, frames);
    }

    @Test
    void ownFrameByMpnOrByMpnAndPpnIsAccepted() {
        assertThat(check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {mine}), true)).isNull();
        assertThat(check(new MmuUpdate(new long[] {Ops.key(1, 1)}, new int[] {mine}, new int[] {3}), true)).isNull();
        assertThat(check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {MmuUpdate.CLEAR}), true)).isNull();
    }

    @Test
    void guestThatIsNotParavirtualIsRefusedWithTheHypercallIndex() {
        Refusal r = check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {mine}), false);
        assertThat(r.reason()).isEqualTo(RefusalReason.NOT_PARAVIRTUAL);
        assertThat(r.index()).isEqualTo(2);
    }

    @Test
    void anotherGuestsFrameIsNotOwned() {
        assertThat(check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {theirs}), true).reason())
                .isEqualTo(RefusalReason.FRAME_NOT_OWNED);
    }

    @Test
    void frameThatDoesNotBackTheNamedPpnIsNotOwned() {
        Refusal r = check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {mine}, new int[] {4}), true);
        assertThat(r.reason()).isEqualTo(RefusalReason.FRAME_NOT_OWNED);
    }

    @Test
    void badShapesAndRangesAreNamed() {
        assertThat(check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[0]), true).reason()).isEqualTo(RefusalReason.MALFORMED);
        assertThat(check(new MmuUpdate(new long[5], new int[5]), true).reason()).isEqualTo(RefusalReason.BATCH_TOO_LARGE);
        assertThat(check(new MmuUpdate(new long[] {-1L}, new int[] {mine}), true).reason()).isEqualTo(RefusalReason.VPN_OUT_OF_RANGE);
        assertThat(check(new MmuUpdate(new long[] {Ops.key(2, 1)}, new int[] {mine}), true).reason())
                .isEqualTo(RefusalReason.PROCESS_OUT_OF_RANGE);
        assertThat(check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {99}), true).reason())
                .isEqualTo(RefusalReason.FRAME_OUT_OF_RANGE);
        assertThat(check(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {mine}, new int[] {8}), true).reason())
                .isEqualTo(RefusalReason.PPN_OUT_OF_RANGE);
    }
}
