package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.FreePageReport;
import ballast.abi.Ops;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.OsProfile;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The guest OS's side of free page reporting: what is reported, when, in which batches. */
class FreePageReportingGuestTest {
    static final int PAGES = 4096;

    static GuestOs guest(boolean reporting, int order, int delayTicks, int capacity, boolean freeOnShrink) {
        WorkloadSettings phases = new WorkloadSettings("phases", List.of(
                new Phase(1.0, 3000, 60_000, 0.3, 1.0, 1.0),
                new Phase(Double.POSITIVE_INFINITY, 200, 2_000, 0.3, 1.0, 1.0)));
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", TranslationMode.FULL, PAGES, 1, 7, 0.1,
                new ContentSettings("linux", 0.25, 0.1), phases, OsProfile.NONE,
                new GuestMemorySettings(true, 64, 2, 400, 1.0).withReporting(reporting, order, delayTicks, capacity,
                        freeOnShrink));
        GuestOs os = new GuestOs(settings);
        os.booted(new int[0]);
        return os;
    }

    @Test
    void debug() {
        GuestOs os = guest(true, 0, 20, 32, true);
        PerfectHost host = new PerfectHost(TranslationMode.FULL, PAGES);
        for (long tick = 0; tick < 40; tick++) {
            GuestOs.Work w = os.generate(tick, 100);
            System.out.println(tick + " free " + os.freePages() + " resident " + os.residentPages() + " freed " + os.pagesFreed() + " reports " + w.reports().size());
            GuestOsPagingTest.run(host, os, tick, w);
        }
    }
}
