package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.FreePageReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Free page reporting's batches and delay (Linux 5.7's page_reporting.c): which blocks, when, how many a report. */
class FreePageReporterTest {

    /** A reporter over 64 PPNs, every one in use (none never used). */
    static FreePageReporter reporter(int order, int delay, int capacity) {
        return new FreePageReporter(64, order, delay, capacity, 64);
    }

    static List<Integer> blocks(List<FreePageReport> reports) {
        List<Integer> out = new ArrayList<>();
        for (FreePageReport r : reports) {
            for (int b : r.blocks()) {
                out.add(b);
            }
        }
        return out;
    }

    @Test
    void onlyWholeAlignedFreeBlocksAreReportedAndOnlyAfterTheDelay() {
        FreePageReporter r = reporter(2, 3, 32);
        for (int ppn : new int[] {0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 13}) {
            r.freed(ppn);
        }
        // freed in tick 10: the pass is due at 13
        assertThat(r.endOfTick(10)).isEmpty();
        assertThat(r.endOfTick(11)).isEmpty();
        assertThat(r.endOfTick(12)).isEmpty();
        List<FreePageReport> reports = r.endOfTick(13);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).order()).isEqualTo(2);
        // 4..7 (4 in use) and 12..15 are not whole: only 0..3 and 8..11
        assertThat(blocks(reports)).containsExactly(0, 8);
        assertThat(r.pagesReported()).isEqualTo(8);
        assertThat(r.endOfTick(14)).isEmpty();
        assertThat(r.endOfTick(30)).as("nothing freed since: no pass").isEmpty();
    }

    @Test
    void aReportCarriesAtMostCapacityBlocks() {
        FreePageReporter r = reporter(1, 0, 3);
        for (int ppn = 0; ppn < 20; ppn++) {
            r.freed(ppn);
        }
        List<FreePageReport> reports = r.endOfTick(5);
        assertThat(reports).extracting(x -> x.blocks().length).containsExactly(3, 3, 3, 1);
        assertThat(blocks(reports)).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18);
    }

    @Test
    void pagesFreedAfterAPassWaitForTheNextOneAndReportedPagesAreNotReportedAgain() {
        FreePageReporter r = reporter(2, 2, 32);
        for (int ppn = 0; ppn < 4; ppn++) {
            r.freed(ppn);
        }
        assertThat(blocks(r.endOfTick(0))).isEmpty();
        assertThat(blocks(r.endOfTick(2))).containsExactly(0);
        for (int ppn = 4; ppn < 8; ppn++) {
            r.freed(ppn);
        }
        assertThat(r.endOfTick(3)).isEmpty();
        assertThat(r.endOfTick(4)).isEmpty();
        assertThat(blocks(r.endOfTick(5))).as("block 0 was reported and stayed free: only 4").containsExactly(4);
        // a reported page allocated and freed again is reported again; its block mates were reported already
        r.allocated(1);
        assertThat(r.isFree(1)).isFalse();
        r.freed(1);
        assertThat(r.isUnreported(1)).isTrue();
        assertThat(r.isUnreported(0)).isFalse();
        r.endOfTick(6);
        assertThat(blocks(r.endOfTick(8))).containsExactly(0);
        assertThat(r.pagesReported()).isEqualTo(12);
    }

    @Test
    void neverUsedPagesAndDeflatedPagesAreFreeButNotReportedOnTheirOwn() {
        // PPNs 32.. never used: free, nothing behind them at the hypervisor
        FreePageReporter r = new FreePageReporter(64, 3, 0, 32, 32);
        r.freedClean(8);
        assertThat(r.isFree(8)).isTrue();
        assertThat(r.endOfTick(1)).as("no page was freed that the hypervisor may back").isEmpty();
        // one page freed next to the never-used ones: its whole block goes
        for (int ppn = 24; ppn < 32; ppn++) {
            r.freed(ppn);
        }
        assertThat(blocks(r.endOfTick(2))).containsExactly(24);
    }

    @Test
    void aRefusedReportIsReportedAgainForItsPagesStillFree() {
        FreePageReporter r = reporter(1, 1, 1);
        for (int ppn = 0; ppn < 4; ppn++) {
            r.freed(ppn);
        }
        r.endOfTick(0);
        List<FreePageReport> sent = r.endOfTick(1);
        assertThat(blocks(sent)).containsExactly(0, 2);
        r.allocated(3); // block 2 is no longer whole
        r.answered(1, 0b11L); // both refused
        assertThat(r.pagesReported()).isZero();
        assertThat(r.isUnreported(0)).isTrue();
        assertThat(r.isUnreported(3)).isFalse();
        r.endOfTick(2);
        assertThat(blocks(r.endOfTick(3))).containsExactly(0);
    }

    @Test
    void aPassLongerThanATickCarriesGoesOnInTheNextTick() {
        FreePageReporter r = new FreePageReporter(FreePageReport.MAX_REPORTS + 10, 0, 0, 1, FreePageReport.MAX_REPORTS + 10);
        for (int ppn = 0; ppn < FreePageReport.MAX_REPORTS + 10; ppn++) {
            r.freed(ppn);
        }
        assertThat(r.endOfTick(0)).hasSize(FreePageReport.MAX_REPORTS);
        assertThat(blocks(r.endOfTick(1))).hasSize(10).first().isEqualTo(FreePageReport.MAX_REPORTS);
        assertThat(r.endOfTick(2)).isEmpty();
    }
}
