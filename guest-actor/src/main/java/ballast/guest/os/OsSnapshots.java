package ballast.guest.os;

import ballast.guest.GuestOsSnapshot;

/**
 * Saves and restores a {@link GuestOs} between two ticks, for a live migration's stop-and-copy:
 * each part gives its state and takes it back ({@link GuestOsSnapshot} lists what travels). A
 * guest OS made from the same settings and given the snapshot goes on exactly as the original
 * would have. The machine-frame view (a para-virtual guest's p2m) does not travel: the
 * destination host hands out its own. A snapshot that does not fit the guest (other sizes, PPNs
 * beyond its memory, a trace replay for a synthetic guest or the reverse) is refused with an
 * {@link IllegalArgumentException}.
 */
final class OsSnapshots {
    private OsSnapshots() {
    }

    /** The whole state of {@code os}, which has no tick generated ahead. */
    static GuestOsSnapshot take(GuestOs os) {
        PageTable pages = os.pages();
        ClockPager pager = os.pager();
        IntegrityRecord record = os.record();
        TickBuilder b = os.builder();
        WorkingSetTruth ws = os.workingSet();
        return new GuestOsSnapshot(pages.ppnOfPageCopy(), record.expectedCopy(), pages.touchedCopy(),
                pager.nextNeverUsed(), pager.givenBackCopy(), os.image().loaded(),
                os.mmu().remapPagesCopy(), os.mmu().remapTicksCopy(),
                b.accesses(), b.reads(), b.writes(), record.readsVerified(), record.readMismatches(),
                os.verifiedCounters(), b.workload().randomState(), b.workload().carry(), os.kernel().randomState(),
                os.kernel().workRemainder(), os.content().writes(),
                new GuestOsSnapshot.Paging(pages.lastAccessCopy(), pager.handStampOfPages(), pager.hand(),
                        pages.residentPages(), pages.pagesOnDisk(), pager.balloonPages(), b.pageIns(), b.pageOuts(),
                        b.stalledTicks(), ws.pages(), ws.period(), ws.periodFirstTick()),
                os.workloadState(), os.traces() == null ? null : os.traces().state());
    }

    /** Makes fresh {@code os} (before its first tick and its boot reply) take over {@code s}. */
    static void restore(GuestOs os, GuestOsSnapshot s) {
        int configured = os.settings().configuredPages();
        GuestOsSnapshot.Paging p = s.paging();
        if (s.ppnOfPage().length != s.expected().length || s.ppnOfPage().length > configured
                || p == null || p.lastAccess().length != s.ppnOfPage().length
                || p.handStampOfPage().length != s.ppnOfPage().length || s.remapPages().length != s.remapTicks().length
                || (os.traces() == null) != (s.trace() == null)) {
            throw misfit(os);
        }
        os.pages().restore(s.ppnOfPage(), p.lastAccess(), s.touched(), p.residentPages(), p.pagesOnDisk());
        int imagePages = s.imageLoaded() ? 0 : os.image().pages(); // kept off the free stack until the first tick
        if (!os.pager().restore(s.nextNeverUsed(), s.givenBack(), p.handStampOfPage(), p.hand(), p.balloonPages(),
                imagePages)) {
            throw misfit(os);
        }
        os.record().restore(s.expected(), s.readsVerified(), s.readMismatches());
        os.image().restore(s.imageLoaded());
        os.mmu().restore(s.remapPages(), s.remapTicks());
        os.builder().restoreCounters(s.accesses(), s.reads(), s.writes(), p.pageIns(), p.pageOuts(), p.stalledTicks(),
                s.verifiedCounters() == null ? 0 : s.verifiedCounters().pageFills());
        os.restoreWorkload(s.workload() == null ? GuestOsSnapshot.Workload.ORIGINAL : s.workload(),
                s.verifiedCounters());
        os.builder().workload().restore(s.workloadRandom(), s.workloadCarry());
        os.builder().restoreWorkingSetHigh();
        os.kernel().restore(s.kernelRandom(), s.kernelWorkRemainder());
        os.content().restoreWrites(s.contentWrites());
        if (os.traces() != null) {
            os.traces().restore(s.trace());
        }
        os.workingSet().restore(p.workingSetTruePages(), p.wsPeriod(), p.wsPeriodFirstTick());
    }

    private static IllegalArgumentException misfit(GuestOs os) {
        return new IllegalArgumentException(os.settings().name() + ": snapshot does not fit this guest");
    }
}
