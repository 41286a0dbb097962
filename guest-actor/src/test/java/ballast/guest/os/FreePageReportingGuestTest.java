package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.FreePageReport;
import ballast.abi.Ops;
import ballast.abi.TranslationMode;
import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.OsProfile;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guest OS with free page reporting: its processes free the pages beyond a shrunk working set
 * (free-on-shrink), and the reporter hands whole free blocks back after the delay; every block
 * reported is free in the guest and none of its PPNs is mapped; reads verify throughout.
 */
class FreePageReportingGuestTest {
    static final int PAGES = 4096;

    /** 1 s over 3000 pages, then 200 pages; 0.1 s ticks. */
    static GuestOs guest(TranslationMode mode, boolean reporting, int order, boolean freeOnShrink) {
        WorkloadSettings phases = new WorkloadSettings("phases", List.of(
                new Phase(1.0, 3000, 60_000, 0.3, 1.0, 1.0),
                new Phase(Double.POSITIVE_INFINITY, 200, 2_000, 0.3, 1.0, 1.0)));
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", mode, PAGES, 1, 7, 0.1,
                new ContentSettings("linux", 0.25, 0.1), phases, OsProfile.NONE,
                new GuestMemorySettings(true, 64, 2, 400, 1.0).withReporting(reporting, order, 20, 32, freeOnShrink));
        GuestOs os = new GuestOs(settings);
        os.booted(mode == TranslationMode.PARA ? new PerfectHost(mode, PAGES).bootP2m() : new int[0]);
        return os;
    }

    @Test
    void aShrunkWorkingSetIsFreedAndReportedTwoSecondsLaterInBlocksOfFreePages() {
        GuestOs os = guest(TranslationMode.FULL, true, 0, true);
        PerfectHost host = new PerfectHost(TranslationMode.FULL, PAGES);
        long firstReportTick = -1;
        for (long tick = 0; tick < 60; tick++) {
            GuestOs.Work w = os.generate(tick, 100);
            if (!w.reports().isEmpty() && firstReportTick < 0) {
                firstReportTick = tick;
            }
            for (FreePageReport r : w.reports()) {
                assertThat(r.blocks().length).isBetween(1, 32);
                for (int ppn : r.blocks()) {
                    assertThat(os.pager().reporter().isFree(ppn)).as("PPN %d reported is free", ppn).isTrue();
                }
            }
            GuestOsPagingTest.run(host, os, tick, w);
            for (FreePageReport r : w.reports()) {
                for (int ppn : r.blocks()) {
                    assertThat(host.mappedPpns()).as("a reported PPN is mapped by no page").doesNotContain(ppn);
                }
            }
        }
        // the working set shrinks at tick 10 (1 s): 2800 pages freed, reported from tick 30 (2 s later)
        assertThat(os.pagesFreed()).isEqualTo(2800);
        assertThat(firstReportTick).isEqualTo(30);
        assertThat(os.pagesReported()).as("every freed page, in blocks of one page").isEqualTo(2800);
        assertThat(os.residentPages()).isEqualTo(200);
        assertThat(os.counters().readMismatches()).isZero();
        assertThat(os.audit().keys()).hasSize(200);
    }

    @Test
    void withTwoMegabyteBlocksOnlyWholeFreeBlocksAreReported() {
        GuestOs os = guest(TranslationMode.NESTED, true, 9, true);
        PerfectHost host = new PerfectHost(TranslationMode.NESTED, PAGES);
        for (long tick = 0; tick < 40; tick++) {
            GuestOs.Work w = os.generate(tick, 100);
            for (FreePageReport r : w.reports()) {
                assertThat(r.order()).isEqualTo(9);
                for (int first : r.blocks()) {
                    assertThat(first % 512).isZero();
                    for (int ppn = first; ppn < first + 512; ppn++) {
                        assertThat(os.pager().reporter().isFree(ppn)).isTrue();
                    }
                }
            }
            GuestOsPagingTest.run(host, os, tick, w);
        }
        // the 200 pages left are scattered over the 3000 PPNs touched: some 512-page blocks stay whole
        // only beyond them (PPNs 3000.. never used count as free: block 3072.. holds no page freed)
        long whole = 0;
        for (int first = 0; first < PAGES; first += 512) {
            boolean free = true;
            boolean freed = false;
            for (int ppn = first; ppn < first + 512; ppn++) {
                free &= os.pager().reporter().isFree(ppn);
                freed |= ppn < 3000;
            }
            whole += free && freed ? 512 : 0;
        }
        assertThat(os.pagesReported()).isEqualTo(whole);
        assertThat(os.counters().readMismatches()).isZero();
    }

    @Test
    void withoutFreeOnShrinkNothingIsFreedAndWithoutReportingNothingIsReported() {
        GuestOs keeps = guest(TranslationMode.FULL, true, 0, false);
        GuestOs silent = guest(TranslationMode.FULL, false, 0, true);
        PerfectHost h1 = new PerfectHost(TranslationMode.FULL, PAGES);
        PerfectHost h2 = new PerfectHost(TranslationMode.FULL, PAGES);
        for (long tick = 0; tick < 40; tick++) {
            GuestOs.Work a = keeps.generate(tick, 100);
            GuestOs.Work b = silent.generate(tick, 100);
            assertThat(a.reports()).isEmpty();
            assertThat(b.reports()).isEmpty();
            GuestOsPagingTest.run(h1, keeps, tick, a);
            GuestOsPagingTest.run(h2, silent, tick, b);
        }
        assertThat(keeps.pagesFreed()).isZero();
        assertThat(keeps.residentPages()).isEqualTo(3000);
        assertThat(silent.pagesFreed()).isEqualTo(2800);
        assertThat(silent.pagesReported()).isZero();
    }

    @Test
    void aFreedPageTouchedAgainIsFilledAfreshAndCountedTouchedOnce() {
        // shrink to 200 pages, then back to 3000 by a workload change: the freed pages come back as fills
        GuestOs os = guest(TranslationMode.FULL, true, 0, true);
        PerfectHost host = new PerfectHost(TranslationMode.FULL, PAGES);
        for (long tick = 0; tick < 40; tick++) {
            GuestOsPagingTest.run(host, os, tick, os.generate(tick, 100));
        }
        int touched = os.counters().pagesTouched() > 0 ? (int) os.counters().pagesTouched() : 0;
        os.changeWorkload(new WorkloadSettings("uniform", List.of(new Phase(Double.POSITIVE_INFINITY, 3000, 60_000, 0.3,
                1.0, 1.0))), 40);
        for (long tick = 40; tick < 60; tick++) {
            GuestOs.Work w = os.generate(tick, 100);
            GuestOsPagingTest.run(host, os, tick, w);
        }
        assertThat(os.counters().pagesTouched()).isEqualTo(touched);
        assertThat(os.residentPages()).isEqualTo(3000);
        assertThat(os.counters().readMismatches()).isZero();
        assertThat(os.audit().keys()).hasSize(3000);
    }

    @Test
    void aGuestMovedAfterItsShrinkReportsItsFreePagesOnItsNewHostAndFreesLikeTheOriginal() {
        GuestOs original = guest(TranslationMode.FULL, true, 0, true);
        GuestOs twin = guest(TranslationMode.FULL, true, 0, true);
        PerfectHost h1 = new PerfectHost(TranslationMode.FULL, PAGES);
        PerfectHost h2 = new PerfectHost(TranslationMode.FULL, PAGES);
        for (long tick = 0; tick < 15; tick++) {
            GuestOsPagingTest.run(h1, original, tick, original.generate(tick, 100));
            GuestOsPagingTest.run(h2, twin, tick, twin.generate(tick, 100));
        }
        // moved after its shrink (tick 10), before the pass (tick 30): its memory goes with it
        GuestOs moved = new GuestOs(twin.settings());
        moved.restore(twin.snapshot());
        moved.booted(new int[0]);
        long movedFirstReport = -1;
        for (long tick = 15; tick < 60; tick++) {
            GuestOs.Work a = original.generate(tick, 100);
            GuestOs.Work b = moved.generate(tick, 100);
            assertThat(b.ops()).as("tick %d ops", tick).isEqualTo(a.ops());
            if (!b.reports().isEmpty() && movedFirstReport < 0) {
                movedFirstReport = tick;
            }
            GuestOsPagingTest.run(h1, original, tick, a);
            GuestOsPagingTest.run(h2, moved, tick, b);
        }
        // what was pending is not known after the move: every free PPN freed is reported a delay after it
        assertThat(movedFirstReport).isEqualTo(35);
        assertThat(moved.pagesReported()).isEqualTo(original.pagesReported());
        assertThat(moved.counters().readMismatches()).isZero();
        assertThat(moved.audit().keys()).isEqualTo(original.audit().keys());
    }
}
