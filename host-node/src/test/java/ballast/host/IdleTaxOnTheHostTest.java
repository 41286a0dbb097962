package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.reclaim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import ballast.abi.TranslationMode;
import ballast.host.control.GuestReclaim;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ESX's idle memory tax experiment (Waldspurger, OSDI 2002, section 5.2) played on the hypervisor
 * core, with f measured by the core's own working-set sampling: two guests of 256 MB (65,536
 * pages), equal shares, on a host with about 360 MB for guests (98,570 frames, less the high
 * state's free reserve of 6% plus 0.5% hysteresis: 92,162 pages). The idle guest writes its whole
 * memory at boot and then touches nothing; the busy guest sweeps its whole memory (but for the
 * pages in its balloon) every sampling period. Each guest runs a balloon driver that moves up to
 * 4,096 pages a tick toward the hypervisor's target. Sampling: 100 PPNs every 2 s; rebalancing
 * every 4 s; 40 simulated seconds (400 ticks of 0.1 s).
 *
 * <p>Expected, from the paper: with tau = 0 both near 179 MB; with tau = 0.75 the idle guest falls
 * to about 100 MB and the busy one rises to about 245 MB.
 */
class IdleTaxOnTheHostTest {
    static final int PAGES = 65_536;
    static final int FRAMES = 98_570;
    static final int TICKS = 400;
    static final int SWEEP = PAGES / 20; // the busy guest's whole memory every 20 ticks (one sampling period)
    static final int DRIVER_PAGES_PER_TICK = 4096;

    static double mb(long pages) {
        return pages / 256.0;
    }

    record Outcome(long idleTarget, long busyTarget, long idleBacked, long busyBacked, GuestReclaim idle,
                   GuestReclaim busy, List<String> trace) {
    }

    static Outcome play(double tau) {
        HypervisorCore core = new HypervisorCore(host(FRAMES, 0,
                reclaim(true, "idle-tax", tau, 4, 2, 100, PAGES, 4096), false,
                new GuestSpec(0, "idle", TranslationMode.NESTED, PAGES, 1),
                new GuestSpec(1, "busy", TranslationMode.NESTED, PAGES, 1)));
        ModelGuest idle = new ModelGuest(core, 0);
        ModelGuest busy = new ModelGuest(core, 1);
        List<String> trace = new ArrayList<>();
        idle.touch(0, PAGES, true); // boot: the idle guest writes all its memory once
        int sweep = 0;
        for (int tick = 0; tick < TICKS; tick++) {
            drive(idle, core.balloonTarget(0));
            drive(busy, core.balloonTarget(1));
            // the busy guest: the next stretch of its memory, written the first time, read after
            for (int i = 0; i < SWEEP; i++) {
                int ppn = sweep;
                sweep = (sweep + 1) % PAGES;
                if (busy.inBalloon[ppn]) {
                    continue;
                }
                if (busy.mapped[ppn]) {
                    busy.read(ppn);
                } else {
                    busy.write(ppn);
                }
            }
            idle.play();
            busy.play();
            core.endTick();
            if (tick == 9 || tick == 19 || tick == 29 || tick == 49 || tick == TICKS - 1) {
                trace.add(String.format("t=%.1fs %s idle target %.0f MB backed %.0f MB est %d, busy target %.0f MB backed %.0f MB est %d",
                        (tick + 1) / 10.0, core.hostReclaim().state(), mb(core.targetPages(0)),
                        mb(idle.memory().pmap().backedPages()), core.reclamation().workingSetEstimate(0),
                        mb(core.targetPages(1)), mb(busy.memory().pmap().backedPages()), core.reclamation().workingSetEstimate(1)));
            }
        }
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(idle.audit()).isZero();
        assertThat(busy.audit()).isZero();
        return new Outcome(core.targetPages(0), core.targetPages(1), idle.memory().pmap().backedPages(),
                busy.memory().pmap().backedPages(), core.guestStats(0, null).reclaim(), core.guestStats(1, null).reclaim(), trace);
    }

    /** The balloon driver: up to {@link #DRIVER_PAGES_PER_TICK} pages toward the target, from the top PPN down. */
    static void drive(ModelGuest g, int target) {
        int credit = Math.min(DRIVER_PAGES_PER_TICK, Math.abs(target - g.balloonSize));
        if (g.balloonSize < target) {
            for (int ppn = g.pages - 1; ppn >= 0 && credit > 0; ppn--) {
                if (!g.inBalloon[ppn]) {
                    g.inflate(ppn);
                    credit--;
                }
            }
        } else if (g.balloonSize > target) {
            for (int ppn = 0; ppn < g.pages && credit > 0; ppn++) {
                if (g.inBalloon[ppn]) {
                    g.deflate(ppn);
                    credit--;
                }
            }
        }
    }

    @Test
    void withoutTaxBothGuestsAreTargetedNear179Mb() {
        Outcome o = play(0);
        System.out.println("idle tax, tau 0: " + String.join("; ", o.trace()));
        assertThat(mb(o.idleTarget())).isCloseTo(179, withinPercentage(15));
        assertThat(mb(o.busyTarget())).isCloseTo(179, withinPercentage(15));
        // and their memory followed: the balloons brought both down to their targets
        assertThat(mb(o.idleBacked())).isCloseTo(mb(o.idleTarget()), withinPercentage(5));
        assertThat(o.busyBacked()).isLessThanOrEqualTo(o.busyTarget());
    }

    @Test
    void withTaxTheIdleGuestFallsToAbout100MbAndTheBusyRisesToAbout245Mb() {
        Outcome o = play(0.75);
        System.out.println("idle tax, tau 0.75: " + String.join("; ", o.trace()));
        assertThat(mb(o.idleTarget())).isCloseTo(100, withinPercentage(15));
        assertThat(mb(o.busyTarget())).isCloseTo(245, withinPercentage(15));
        assertThat(mb(o.idleBacked())).isCloseTo(mb(o.idleTarget()), withinPercentage(5));
        // the estimates: the idle guest touches nothing, the busy one everything it holds
        assertThat(o.idle().workingSetEstimatePages()).isLessThan(PAGES / 20);
        assertThat(o.busy().workingSetEstimatePages()).isGreaterThan(PAGES * 9 / 10);
        assertThat(o.idle().targetPages()).isEqualTo(o.idleTarget());
        assertThat(o.idle().balloonTargetPages()).isEqualTo(PAGES - o.idleTarget());
        assertThat(o.idle().balloonPages()).isEqualTo(PAGES - o.idleTarget());
        assertThat(o.busy().balloonPages()).isZero();
    }
}
