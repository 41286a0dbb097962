package ballast.host;

import ballast.host.reclaim.Reclamation;
import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.reclaim;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TickStart;
import ballast.abi.TranslationMode;
import ballast.host.control.HostReclaim;
import ballast.host.cpu.CpuSpec;
import ballast.host.reclaim.FreeMemoryStates;
import ballast.host.reclaim.ReclaimSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reclaimer's decisions on a small host of 1,000 frames (thresholds 60 / 40 / 20 / 10 free
 * pages, hysteresis 5; soft below 40 free, hard below 20, low below 10): two guests of 600 pages with equal shares, so the shares policy targets
 * 467 and 468 pages (1,000 less the high state's 65); balloon targets, host paging by state, the
 * paging rate and swap capacity, stalls in the low state, and the settings changing between ticks.
 */
class ReclaimerTest {
    static final int FRAMES = 1000;
    static final int PAGES = 600;

    static ReclaimSettings settings(double swapOutPerSecond, long swapPages) {
        return reclaim(true, "shares", 0, 1, 1000, 100, swapPages, swapOutPerSecond);
    }

    static HypervisorCore core(ReclaimSettings reclaim, TranslationMode modeA, TranslationMode modeB) {
        return new HypervisorCore(host(FRAMES, 0, reclaim, false,
                new GuestSpec(0, "a", modeA, PAGES, 1), new GuestSpec(1, "b", modeB, PAGES, 1)));
    }

    /** Guest a writes pages [0, a), guest b [0, b), in one tick, then the tick ends. */
    static ModelGuest[] fill(HypervisorCore core, int a, int b) {
        ModelGuest ga = new ModelGuest(core, 0);
        ModelGuest gb = new ModelGuest(core, 1);
        ga.touch(0, a, true).play();
        gb.touch(0, b, true).play();
        core.endTick();
        return new ModelGuest[] {ga, gb};
    }

    static String state(HypervisorCore core) {
        return core.hostReclaim().state();
    }

    @Test
    void targetsFollowThePolicyAndTheHighStateNeverGrowsABalloon() {
        HypervisorCore core = core(settings(0, 0), TranslationMode.FULL, TranslationMode.FULL);
        fill(core, 100, 100);
        assertThat(state(core)).isEqualTo("high");
        assertThat(core.targetPages(0) + core.targetPages(1)).isEqualTo(FRAMES - 65);
        assertThat(core.targetPages(0)).isBetween(467L, 468L);
        assertThat(core.hostReclaim().availablePages()).isEqualTo(935);
        // over-committed on paper, but the host is in the high state: balloons are not asked to grow
        assertThat(core.balloonTarget(0)).isZero();
        assertThat(core.balloonTarget(1)).isZero();
        assertThat(core.tickStart(0, 5, false)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(5, false, 0, false));
    }

    @Test
    void theSoftStateAsksForBalloonsAndPagesOnlyAGuestWhoseBalloonIsStuck() {
        HypervisorCore core = core(settings(100, 1000), TranslationMode.FULL, TranslationMode.NESTED);
        ModelGuest[] g = fill(core, 475, 490);
        assertThat(state(core)).isEqualTo("soft");
        int targetA = core.balloonTarget(0);
        assertThat(targetA).isEqualTo((int) (PAGES - core.targetPages(0)));
        assertThat(core.balloonTarget(1)).isEqualTo((int) (PAGES - core.targetPages(1)));
        int stuckTicks = (int) Math.round(Reclamation.BALLOON_PATIENCE_SECONDS / 0.1);
        int next = 475;
        int firstSwap = -1;
        for (int tick = 1; tick <= 40; tick++) {
            // a's driver hands over one page a tick while a keeps using one more: its balloon progresses
            g[0].inflate(tick - 1).write(next++);
            g[0].play();
            g[1].touch(0, 10, false).play(); // b has no balloon driver
            core.endTick();
            assertThat(state(core)).isEqualTo("soft");
            assertThat(g[0].memory().paging().hostSwapOuts()).as("a's balloon progresses").isZero();
            if (firstSwap < 0 && g[1].memory().paging().hostSwapOuts() > 0) {
                firstSwap = tick;
            }
            assertThat(g[1].memory().paging().hostSwapOuts()).isLessThanOrEqualTo(10L * Math.max(0, tick - stuckTicks + 1));
        }
        assertThat(firstSwap).isEqualTo(stuckTicks);
        // b was paged down to its target, no further
        assertThat(g[1].memory().pmap().backedPages()).isEqualTo((int) core.targetPages(1));
        // (b keeps reading pages 0 to 9: a victim among them came back in, and another went out)
        assertThat(g[1].memory().paging().hostSwapOuts() - g[1].memory().counters().hostSwapIns()).isEqualTo(490 - core.targetPages(1));
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(g[0].audit()).isZero();
        assertThat(g[1].audit()).isZero();
    }

    @Test
    void aBalloonAtItsCapIsPagedAtOnceInTheSoftState() {
        GuestAllocation capped = new GuestAllocation(0, GuestAllocation.defaults(PAGES).shares(), 0);
        HypervisorCore core = new HypervisorCore(host(FRAMES, 0, settings(100, 1000), false,
                new GuestSpec(0, "a", TranslationMode.FULL, PAGES, 1, CpuSpec.DEFAULT, capped),
                new GuestSpec(1, "b", TranslationMode.FULL, PAGES, 1)));
        ModelGuest[] g = fill(core, 475, 490);
        assertThat(state(core)).isEqualTo("soft");
        assertThat(core.balloonTarget(0)).isZero(); // capped at 0
        g[0].play();
        g[1].play();
        core.endTick();
        assertThat(g[0].memory().paging().hostSwapOuts()).isEqualTo(475 - core.targetPages(0));
        assertThat(g[1].memory().paging().hostSwapOuts()).isZero();
    }

    @Test
    void theHardStatePagesTheLargestOverageFirstAtTheConfiguredRate() {
        // a wide hysteresis (100 pages) keeps the host hard while it pages: targets 420 and 420
        ReclaimSettings wide = new ReclaimSettings(true, "shares", 0, 0.25, 1, 1000, 100, 0.06, 0.04, 0.02, 0.01, 0.1,
                1000, 1, 100, 0, 0.1);
        HypervisorCore core = core(wide, TranslationMode.FULL, TranslationMode.NESTED);
        ModelGuest[] g = fill(core, 510, 475);
        assertThat(core.targetPages(0)).isEqualTo(420);
        assertThat(core.targetPages(1)).isEqualTo(420);
        // the fill's own end of tick found the host hard and paged 10 pages of a, the larger overage
        assertThat(state(core)).isEqualTo("hard");
        assertThat(g[0].memory().paging().hostSwapOuts()).isEqualTo(10);
        assertThat(g[1].memory().paging().hostSwapOuts()).isZero();
        int ticks = 0;
        while (state(core).equals("hard")) {
            long overA = g[0].memory().pmap().backedPages() - 420;
            long overB = g[1].memory().pmap().backedPages() - 420;
            long a = g[0].memory().paging().hostSwapOuts();
            long b = g[1].memory().paging().hostSwapOuts();
            g[0].play();
            g[1].play();
            core.endTick();
            if (!state(core).equals("hard")) {
                break; // climbed to soft at this tick's start: no forced paging
            }
            long da = g[0].memory().paging().hostSwapOuts() - a;
            long db = g[1].memory().paging().hostSwapOuts() - b;
            assertThat(da + db).as("the whole budget while some guest is above target").isEqualTo(Math.min(10, overA + overB));
            if (overA >= overB + 10) {
                assertThat(db).as("tick %d: a's overage %d first, b has %d", ticks, overA, overB).isZero();
            }
            if (overB > overA) {
                assertThat(da).as("tick %d: b's overage %d first, a has %d", ticks, overB, overA).isLessThanOrEqualTo(10 - Math.min(10, overB));
            }
            ticks++;
        }
        assertThat(ticks).isGreaterThan(5);
        assertThat(g[1].memory().paging().hostSwapOuts()).as("b was paged once a's overage came down to b's").isPositive();
        assertThat(core.hostReclaim().swapOuts()).isEqualTo(g[0].memory().paging().hostSwapOuts() + g[1].memory().paging().hostSwapOuts());
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(g[0].audit()).isZero();
        assertThat(g[1].audit()).isZero();
        g[0].touch(0, 510, false).play();
        g[1].touch(0, 475, false).play();
        assertThat(core.hostReclaim().swapIns()).isEqualTo(core.hostReclaim().swapOuts());
    }

    @Test
    void theSwapCapacityBoundsHostPaging() {
        HypervisorCore core = core(settings(1000, 7), TranslationMode.FULL, TranslationMode.FULL);
        ModelGuest[] g = fill(core, 525, 460);
        for (int t = 0; t < 5; t++) {
            g[0].play();
            g[1].play();
            core.endTick();
        }
        assertThat(core.hostReclaim().swapOuts()).isEqualTo(7);
        assertThat(core.hostReclaim().hostSwappedPages()).isEqualTo(7);
        assertThat(core.hostReclaim().swapPages()).isEqualTo(7);
        assertThat(core.checkInvariants()).isEmpty();
    }

    @Test
    void paraVirtualGuestsAreNeverPaged() {
        HypervisorCore core = core(settings(1000, 1000), TranslationMode.PARA, TranslationMode.FULL);
        // the para-virtual guest has all 600 frames from boot, far above its target
        ModelGuest[] g = fill(core, 10, 395);
        assertThat(state(core)).isEqualTo("low");
        assertThat(g[0].memory().paging().hostSwapOuts()).isZero();
        assertThat(g[1].memory().paging().hostSwapOuts()).as("b is below its target").isZero();
        assertThat(core.stall(0)).isTrue();
        assertThat(core.stall(1)).isFalse();
    }

    @Test
    void theLowStateStallsTheGuestsAboveTheirTarget() {
        HypervisorCore core = core(settings(0, 0), TranslationMode.FULL, TranslationMode.NESTED);
        ModelGuest[] g = fill(core, 535, 458);
        assertThat(state(core)).isEqualTo("low");
        assertThat(core.stall(0)).isTrue();
        assertThat(core.stall(1)).isFalse();
        assertThat(core.tickStart(0, 1, false).stall()).isTrue();
        assertThat(core.tickStart(1, 1, false).stall()).isFalse();
        // a gives pages back through its balloon: the host climbs out of low and a runs again
        int[] give = new int[100];
        for (int i = 0; i < give.length; i++) {
            give[i] = i;
        }
        g[0].inflate(give).play();
        g[1].play();
        core.endTick();
        assertThat(state(core)).isEqualTo("high");
        assertThat(core.stall(0)).isFalse();
        HostReclaim r = core.hostReclaim();
        assertThat(r.secondsLow()).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.secondsHigh() + r.secondsSoft() + r.secondsHard() + r.secondsLow()).isCloseTo(0.2,
                org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void reclamationOffChangesNothingButTheFigures() {
        HypervisorCore off = core(ReclaimSettings.DISABLED, TranslationMode.FULL, TranslationMode.NESTED);
        HypervisorCore untouched = core(ReclaimSettings.DISABLED, TranslationMode.FULL, TranslationMode.NESTED);
        ModelGuest[] a = {new ModelGuest(off, 0), new ModelGuest(off, 1)};
        ModelGuest[] b = {new ModelGuest(untouched, 0), new ModelGuest(untouched, 1)};
        for (int t = 0; t < 30; t++) {
            for (ModelGuest[] g : List.of(a, b)) {
                g[0].touch(0, 20 * t, t % 2 == 0).play();
                g[1].touch(0, 14 * t, t % 3 == 0).play();
            }
            off.endTick(); // the other core never ends a tick: the behaviour of a host before reclamation
            assertThat(off.balloonTarget(0)).isZero();
            assertThat(off.stall(0)).isFalse();
            assertThat(off.tickStart(1, t, false)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(t, false));
        }
        long[] probes = new long[PAGES];
        for (int i = 0; i < PAGES; i++) {
            probes[i] = ModelGuest.key(i);
        }
        List<String> x = StateFingerprint.of(off, probes);
        List<String> y = StateFingerprint.of(untouched, probes);
        assertThat(x.subList(1, x.size())).isEqualTo(y.subList(1, y.size()));
        assertThat(off.hostReclaim().state()).as("986 of 1,000 frames used").isEqualTo("hard");
        assertThat(off.hostReclaim().policy()).isEqualTo("off");
        assertThat(off.hostReclaim().rebalances()).isZero();
        assertThat(off.hostReclaim().swapOuts()).isZero();
    }

    @Test
    void aReconfigureChangesThePolicyAtOnceAndABadOneChangesNothing() {
        ReclaimSettings shares = reclaim(true, "shares", 0, 1000, 1000, 100, 0, 0);
        HypervisorCore core = core(shares, TranslationMode.FULL, TranslationMode.FULL);
        ModelGuest[] g = fill(core, 400, 100);
        assertThat(core.targetPages(0)).isBetween(467L, 468L);
        long rebalances = core.hostReclaim().rebalances();

        // a tenth of the tick: refused, nothing changes
        ReclaimSettings badTick = new ReclaimSettings(true, "working-set", 0, 0.25, 1000, 1000, 100, 0.06, 0.04, 0.02,
                0.01, 0.005, 0, 1, 0, 0, 0.01);
        assertThat(core.reconfigure(badTick)).contains("tick");
        ReclaimSettings badSamples = new ReclaimSettings(true, "working-set", 0, 0.25, 1000, 1000, 50, 0.06, 0.04, 0.02,
                0.01, 0.005, 0, 1, 0, 0, 0.1);
        assertThat(core.reconfigure(badSamples)).contains("samples");
        assertThat(core.reconfigure(null)).isNotNull();
        assertThat(core.reclaimSettings()).isEqualTo(shares);
        assertThat(core.hostReclaim().rebalances()).isEqualTo(rebalances);
        assertThat(core.targetPages(0)).isBetween(467L, 468L);

        // working-set: a's 400 pages are all in use (estimated from the partial period: what it touches now)
        g[0].touch(0, 400, false).play();
        g[1].play();
        core.endTick();
        assertThat(core.reconfigure(shares.withPolicy("working-set", 0))).isNull();
        assertThat(core.hostReclaim().rebalances()).isEqualTo(rebalances + 1);
        assertThat(core.hostReclaim().policy()).isEqualTo("working-set");
        assertThat(core.targetPages(1)).as("b touched nothing since the period began").isZero();
        assertThat(core.targetPages(0)).isGreaterThan(468L);

        // and off: no balloon targets, no stalls
        assertThat(core.reconfigure(ReclaimSettings.DISABLED)).isNull();
        assertThat(core.balloonTarget(0)).isZero();
        assertThat(core.hostReclaim().policy()).isEqualTo("off");
    }

    @Test
    void aGuestThatIsNotRunningHasNoTargetAndGetsOneWhenItBoots() {
        HypervisorCore core = core(settings(0, 0), TranslationMode.FULL, TranslationMode.FULL);
        ModelGuest a = new ModelGuest(core, 0);
        a.touch(0, 10, true).play();
        core.endTick();
        assertThat(core.targetPages(1)).isZero();
        assertThat(core.targetPages(0)).isEqualTo(PAGES); // alone, it may have all it is configured with
        new ModelGuest(core, 1);
        core.endTick();
        assertThat(core.targetPages(0) + core.targetPages(1)).isEqualTo(935);
        core.releaseGuest(1);
        core.endTick();
        assertThat(core.targetPages(1)).isZero();
        assertThat(core.targetPages(0)).isEqualTo(PAGES);
    }

    @Test
    void statesAreReportedWithTheirThresholds() {
        HypervisorCore core = core(settings(0, 0), TranslationMode.FULL, TranslationMode.FULL);
        HostReclaim r = core.hostReclaim();
        assertThat(r.highThresholdPages()).isEqualTo(60);
        assertThat(r.softThresholdPages()).isEqualTo(40);
        assertThat(r.hardThresholdPages()).isEqualTo(20);
        assertThat(r.lowThresholdPages()).isEqualTo(10);
        assertThat(r.policy()).isEqualTo("shares");
        assertThat(FreeMemoryStates.name(FreeMemoryStates.LOW)).isEqualTo("low");
    }
}
