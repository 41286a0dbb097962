package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A para-virtual guest's mmu_update entries: splitting, the p2m, and re-issue of refused batches. */
class MmuBatchTest {
    @Test
    void entriesAreSplitIntoBatchesOfAtMostTheHostsSize() {
        MmuBatch mmu = new MmuBatch();
        mmu.booted(new int[] {10, 11, 12, 13, 14});
        mmu.clear();
        for (int page = 0; page < 5; page++) {
            mmu.map(100 + page, page, page);
        }
        List<MmuUpdate> batches = mmu.seal(0, 2);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).mpns()).containsExactly(10, 11);
        assertThat(batches.get(2).keys()).containsExactly(104L);
    }

    @Test
    void remapNoticeUpdatesTheP2mUsedByLaterEntries() {
        MmuBatch mmu = new MmuBatch();
        mmu.booted(new int[] {10, 11});
        mmu.remapped(new int[] {1, 9}, new int[] {77, 78}); // PPN 9 is not the guest's: ignored
        mmu.clear();
        mmu.map(5, 1, 0);
        mmu.unmap(6, 1);
        MmuUpdate batch = mmu.seal(0, 8).get(0);
        assertThat(batch.mpns()).containsExactly(77, MmuUpdate.CLEAR);
    }

    @Test
    void pagesOfARefusedStaleBatchAreDueRemapLagTicksLater() {
        MmuBatch mmu = new MmuBatch();
        mmu.booted(new int[4]);
        mmu.setRemapLag(2);
        mmu.clear();
        for (int page = 0; page < 4; page++) {
            mmu.map(page, page, page);
        }
        mmu.seal(6, 2);
        mmu.refused(6, List.of(new Refusal(RefusalReason.FRAME_NOT_OWNED, 1, "stale")));
        assertThat(mmu.takeDue(7)).isEmpty();
        assertThat(mmu.takeDue(8)).containsExactly(2, 3);
        assertThat(mmu.takeDue(9)).isEmpty();
    }
}
