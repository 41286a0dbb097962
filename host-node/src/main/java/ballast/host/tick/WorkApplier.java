package ballast.host.tick;

import ballast.host.GuestWork;
import ballast.abi.RemapNotice;
import ballast.abi.TickResult;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.host.HypervisorCore;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingWork;
import ballast.host.sharing.ToDaemon;

/**
 * Applies the guests' and the page-sharing daemon's work to a {@link HypervisorCore} and says, in
 * order, what goes back to whom; the order of those messages is part of the simulator's
 * determinism.
 *
 * <p>A deterministic tick ({@link #applyTick}) is applied in canonical order, guests by index then
 * the daemon, whatever order the work arrived in. A guest's result goes out as soon as it is
 * applied (the guest verifies while the next is applied), except a para-virtual guest's on a host
 * with a daemon: the daemon's merges may still move its frames, so its {@link RemapNotice} and
 * its result wait until the daemon's work is applied. A para-virtual guest whose frames moved
 * always gets its notice before its result. Then the reclaimer runs ({@link HypervisorCore#endTick}).
 *
 * <p>Free-running, each work is applied as it arrives ({@link #applyNow}, {@link #applySharingNow}).
 *
 * <p>Owned by one hypervisor actor, not thread-safe.
 */
public final class WorkApplier {

    /** Where the results go: the hypervisor actor tells the guest's or the daemon's reply address. */
    public interface Outbox {
        /** Sends {@code message} to guest {@code g}; dropped when the guest is not running. */
        void toGuest(int g, ToGuest message);

        void toDaemon(ToDaemon message);
    }

    private final HypervisorCore core;
    private final Outbox out;

    public WorkApplier(HypervisorCore core, Outbox out) {
        this.core = core;
        this.out = out;
    }

    /** Applies a complete deterministic tick (its barrier {@link TickBarrier#readyToApply}) in canonical order. */
    public void applyTick(TickBarrier barrier, int guests, boolean daemon) {
        barrier.applying();
        TickResult[] held = new TickResult[guests];
        for (int g = 0; g < guests; g++) {
            TickWork next = barrier.takeWork(g);
            if (next == null) {
                continue;
            }
            TickResult result = apply(next);
            if (daemon && core.isParavirtual(g)) {
                held[g] = result;
            } else {
                if (core.isParavirtual(g)) {
                    notice(g, result.tick()); // frames given with a balloon deflate
                }
                out.toGuest(g, result);
            }
        }
        if (daemon) {
            SharingResult sharing = core.applySharing(barrier.daemonWork());
            for (int g = 0; g < guests; g++) {
                if (held[g] != null) {
                    notice(g, held[g].tick());
                    out.toGuest(g, held[g]);
                }
            }
            out.toDaemon(sharing);
        }
        core.endTick();
    }

    /** Free-running: applies one guest's work at once and answers it (after its notice, if its frames moved). */
    public void applyNow(TickWork w) {
        TickResult result = apply(w);
        if (core.isParavirtual(w.guest())) {
            notice(w.guest(), w.tick());
        }
        out.toGuest(w.guest(), result);
    }

    /** Free-running: applies the daemon's work at once, tells every para-virtual guest what moved, answers the daemon. */
    public void applySharingNow(SharingWork w, FreeRun run, int guests) {
        SharingResult result = core.applySharing(w);
        for (int g = 0; g < guests; g++) {
            if (core.isParavirtual(g)) {
                notice(g, run.tickOf(g));
            }
        }
        out.toDaemon(result);
    }

    private TickResult apply(TickWork w) {
        return core.apply(GuestWork.from(w.guest(), w));
    }

    /** Tells a para-virtual guest which of its PPNs the hypervisor moved to other frames, if any. */
    private void notice(int g, long tick) {
        int[][] moved = core.takeNotice(g);
        if (moved != null) {
            out.toGuest(g, new RemapNotice(tick, moved[0], moved[1]));
        }
    }
}
