package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Refusal;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.migration.GuestTransfer;
import ballast.host.sharing.SharingCounters;
import ballast.host.translation.GuestMemory;
import org.junit.jupiter.api.Test;

/** The host's and its guests' figures as the statistics messages carry them, on a plain core. */
class HostFiguresTest {
    private final HypervisorCore core = new HypervisorCore(TestHosts.settings(
            TestHosts.guest(0, "full", TranslationMode.FULL, 64, 1),
            TestHosts.guest(1, "para", TranslationMode.PARA, 32, 1)));

    @Test
    void aGuestOnItsWayInIsNotTheHostsYetButItsFramesAreCounted() {
        assertThat(core.boot(1, "para", new Refusal[1])).hasSize(32);
        int arriving = GuestTransfer.admit(core, TestHosts.guest(2, "in", TranslationMode.FULL, 16, 1));
        core.guest(arriving).backing(0);

        HostStats stats = core.hostStats(null);
        assertThat(stats.guestPages()).isEqualTo(64 + 32);
        assertThat(stats.guestPagesBacked()).isEqualTo(32 + 1);
        assertThat(stats.framesTotal()).isEqualTo(TestHosts.TOTAL_FRAMES);
        assertThat(stats.framesFree()).isEqualTo(TestHosts.TOTAL_FRAMES - TestHosts.RESERVED_FRAMES - 33);
        assertThat(stats.fullScans()).isZero(); // no daemon counters: zero
    }

    @Test
    void theDaemonsCountersAreCarriedAsGiven() {
        SharingCounters daemon = new SharingCounters(3, 4, 5, 6);
        HostStats stats = core.hostStats(daemon);
        assertThat(stats.pagesUnshared()).isEqualTo(daemon.pagesUnshared());
        assertThat(stats.pagesVolatile()).isEqualTo(daemon.pagesVolatile());
        assertThat(stats.fullScans()).isEqualTo(daemon.fullScans());
        assertThat(stats.pagesScanned()).isEqualTo(daemon.pagesScanned());
    }

    @Test
    void aHostThatDoesNotReclaimReportsItsPolicyAsOffAndSumsItsGuestsBalloons() {
        GuestMemory full = core.guest(0);
        full.backing(1);
        full.backing(2);
        full.paging().inflate(1);
        full.paging().inflate(2);
        assertThat(core.hostReclaim().policy()).isEqualTo("off");
        assertThat(core.hostReclaim().balloonedPages()).isEqualTo(2);
    }

    @Test
    void aGuestsFiguresJoinItsOwnCountersWithTheHypervisors() {
        core.guest(0).backing(4);
        core.countRefusal(0, ballast.abi.RefusalReason.MALFORMED);
        GuestStats s = core.guestStats(0, null);
        assertThat(s.name()).isEqualTo("full");
        assertThat(s.configuredPages()).isEqualTo(64);
        assertThat(s.allocatedPages()).isEqualTo(1);
        assertThat(s.refusedHypercalls()).isEqualTo(1);
        assertThat(s.reads()).isZero(); // no counters from the guest: zero
    }
}
