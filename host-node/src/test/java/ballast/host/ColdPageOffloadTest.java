package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.host.memory.Pmap;
import ballast.host.offload.OffloadSettings;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Proactive offload through the hypervisor core, without actors: a guest whose pages are written
 * once and then mostly left alone, on a host that reclaims nothing by itself (high state, long
 * periods) and offloads with a 1 s cold threshold (aggregations of 5 ticks, a period of 5 ticks).
 */
class ColdPageOffloadTest {
    static final int PAGES = 256;
    static final int HOT = 64;

    static HypervisorCore host(double target, Kind kind) {
        ReclaimSettings reclaim = ReclaimHosts.quiet();
        OffloadSettings offload = new OffloadSettings(true, 1.0, target, 0.5, 4, 64, 0.5, 0.1, 0.1);
        SharingSettings share = new SharingSettings(false, 200, 50, SharingSettings.Order.RANDOM, 64, 0.1);
        return new HypervisorCore(new HostSettings("offload-host", 42L, 2 * PAGES, 8, 64, 1 << 20, 4096,
                TestHosts.COSTS, List.of(kind.spec(0, PAGES)), share, reclaim, null, offload));
    }

    static void tick(HypervisorCore core, ModelGuest g) {
        g.play();
        core.endTick();
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(g.audit()).isZero();
    }

    @Test
    void theColdPagesOfAGuestGoOutAndComeBackWithTheirContent() {
        for (Kind kind : List.of(Kind.FULL, Kind.NESTED, Kind.NESTED_SHADOW)) {
            HypervisorCore core = host(0.5, kind);
            ModelGuest g = new ModelGuest(core, 0);
            g.touch(0, PAGES, true);
            tick(core, g);
            for (int t = 0; t < 60; t++) { // 6 s on the hot quarter alone
                g.touch(0, HOT, false);
                tick(core, g);
            }
            long out = core.offload().savedPages();
            assertThat(out).as("%s: cold pages out", kind).isGreaterThanOrEqualTo(150);
            assertThat(core.hostStats().offload().savedPages()).isEqualTo(out);
            assertThat(core.guest(0).pmap().swappedPages()).isEqualTo(out);
            assertThat(core.offload().coldPages(0)).as("%s: cold pages seen", kind).isGreaterThanOrEqualTo(out);
            long swapInsBefore = core.guest(0).counters().hostSwapIns();
            // every cold page read back, checked against what was written (the digest and the audit)
            for (int from = HOT; from < PAGES; from += 32) {
                g.touch(0, HOT, false).touch(from, from + 32, false);
                tick(core, g);
            }
            long refaults = core.guest(0).offloaded().refaults();
            assertThat(refaults).as("%s: refaults", kind).isGreaterThanOrEqualTo(out);
            assertThat(core.guest(0).counters().hostSwapIns() - swapInsBefore).isGreaterThanOrEqualTo(out);
            assertThat(core.guestStats(0, null).offload().refaults()).isEqualTo(refaults);
        }
    }

    @Test
    void paraVirtualGuestsAreNeverOffloaded() {
        HypervisorCore core = host(0.5, Kind.PARA);
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, PAGES, true);
        tick(core, g);
        for (int t = 0; t < 40; t++) {
            g.touch(0, HOT, false);
            tick(core, g);
        }
        assertThat(core.offload().savedPages()).isZero();
        assertThat(core.guest(0).pmap().swappedPages()).isZero();
    }

    /** The hot quarter every tick, and four pages of the cold rest now and then: refaults once they are out. */
    static long[] playWithRefaults(double target) {
        HypervisorCore core = host(target, Kind.FULL);
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, PAGES, true);
        tick(core, g);
        SplittableRandom random = new SplittableRandom(5);
        for (int t = 0; t < 150; t++) {
            g.touch(0, HOT, false);
            if (t % 5 == 0) {
                for (int k = 0; k < 4; k++) {
                    g.read(HOT + random.nextInt(PAGES - HOT));
                }
            }
            tick(core, g);
        }
        return new long[] {core.guest(0).offloaded().offloadedPages(), core.offload().controller().backoffs(),
                core.guest(0).offloaded().refaults()};
    }

    @Test
    void theControllerOffloadsUnderLowPressureAndBacksOffAboveItsTarget() {
        long[] lax = playWithRefaults(0.9);
        long[] strict = playWithRefaults(0.001);
        assertThat(lax[2]).as("refaults").isPositive();
        assertThat(lax[1]).as("back-offs with a 90% target").isZero();
        assertThat(strict[1]).as("back-offs with a 0.1% target").isPositive();
        assertThat(strict[0]).as("pages offloaded with a 0.1% target").isLessThan(lax[0]);
    }

    @Test
    void aGuestReleasedForgetsItsOffloadedPages() {
        HypervisorCore core = host(0.5, Kind.FULL);
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, PAGES, true);
        tick(core, g);
        for (int t = 0; t < 40; t++) {
            g.touch(0, HOT, false);
            tick(core, g);
        }
        assertThat(core.offload().savedPages()).isPositive();
        core.releaseGuest(0);
        assertThat(core.offload().savedPages()).isZero();
        assertThat(core.swap().used()).isZero();
        assertThat(core.checkInvariants()).isEmpty();
        for (int ppn = 0; ppn < PAGES; ppn++) {
            assertThat(core.guest(0).pmap().state(ppn)).isEqualTo(Pmap.UNBACKED);
        }
    }
}
