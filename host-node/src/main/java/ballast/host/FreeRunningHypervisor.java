package ballast.host;

import ballast.abi.Boot;
import ballast.abi.TickAck;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToHypervisor;
import ballast.host.HypervisorCommon.DaemonAck;
import ballast.host.HypervisorCommon.DaemonWork;
import ballast.host.control.GuestGone;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.RunFree;
import ballast.host.control.RunTick;
import ballast.host.control.StopFree;
import ballast.host.migration.MigrationCommand;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.SharingWork;
import ballast.host.tick.FreeRun;
import ballast.host.tick.HostAudit;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A {@link Hypervisor} playing a free run ({@link RunFree}), for concurrency stress: no barrier;
 * each guest (and the daemon) moves to its next tick as soon as its last was acknowledged, and
 * work is applied in arrival order. The reclaimer runs once per {@code guests} works applied (a
 * tick's worth of work), and each {@link TickStart} carries its latest decisions; every
 * {@code checkEvery} works the invariants are checked and progress is reported; at the end every
 * guest is audited and the final {@link HostTickDone} goes out ({@link FreeRun} keeps the count).
 * A guest that is gone is no longer waited for; free-running runs do not wait for late guests. A
 * failed guest restarted after a backoff ({@link GuestGone#restartTo}) is told to start afresh once
 * the host has played that many ticks (rounds of applied works) and plays on from there; the run
 * does not end while such a fresh incarnation is booting.
 *
 * <p>The host stays in this behaviour once the run is over (every further call is for a tick not
 * being played). A {@link RunTick} or a second {@link RunFree} is not played here.
 */
final class FreeRunningHypervisor extends AbstractBehavior<ToHypervisor> {

    private final HypervisorCommon host;
    private final RunFree run;
    private final FreeRun free;

    /** Starts {@code run} with the guests running now; the host's behaviour from now on. */
    static Behavior<ToHypervisor> start(ActorContext<ToHypervisor> context, HypervisorCommon host, RunFree run) {
        FreeRunningHypervisor behavior = new FreeRunningHypervisor(context, host, run);
        behavior.begin();
        return behavior;
    }

    private FreeRunningHypervisor(ActorContext<ToHypervisor> context, HypervisorCommon host, RunFree run) {
        super(context);
        this.host = host;
        this.run = run;
        this.free = new FreeRun(run.ticks(), run.checkEvery(), host.roster.runningNow(), host.hasDaemon());
    }

    @Override
    public Receive<ToHypervisor> createReceive() {
        return newReceiveBuilder()
                .onMessage(Boot.class, this::onBoot)
                .onMessage(TickWork.class, this::onTickWork)
                .onMessage(TickAck.class, this::onTickAck)
                .onMessage(DaemonWork.class, this::onDaemonWork)
                .onMessage(DaemonAck.class, this::onDaemonAck)
                .onMessage(RunTick.class, this::onAnotherRun)
                .onMessage(RunFree.class, this::onAnotherRun)
                .onMessage(StopFree.class, this::onStopFree)
                .onMessage(GuestGone.class, this::onGuestGone)
                .onMessage(Reconfigure.class, this::onReconfigure)
                .onMessage(MigrationCommand.class, this::onMigration)
                .build();
    }

    private void begin() {
        if (run.ticks() == 0) {
            finish();
            return;
        }
        if (host.hasDaemon()) {
            host.core.setParavirtualMergeable(this::quiet); // a remap notice must reach the guest before its next work
            host.toDaemon(new SharingTickStart(0));
        }
        for (int g = 0; g < host.roster.count(); g++) {
            if (host.roster.running(g)) {
                host.toGuest(g, host.core.tickStart(g, 0, run.ticks() == 1));
            }
        }
        if (free.done(host.roster.count())) {
            finish();
        }
    }

    /**
     * Whether guest {@code g} has no work in flight, so that its frames may move: its work for the
     * tick it plays is applied and its next {@code TickStart} not sent yet (a para-virtual guest on a
     * sharing host never works ahead), or it has finished. A remap notice sent now reaches it before
     * that {@code TickStart}, on the same channel, so its next page-table writes use the new frames.
     */
    private boolean quiet(int g) {
        long tick = free.expectedTick(g); // Long.MIN_VALUE for a guest not in this run: never quiet
        return tick != Long.MIN_VALUE && (tick >= free.ticks() || host.roster.lastWorkTick(g) == tick);
    }

    /**
     * A guest booting during a free run is registered; the run does not wait for it. A restarted
     * guest's fresh incarnation (its restart was due) plays on from the host's tick, or from the
     * tick after the last its earlier incarnation called for, whichever is later.
     */
    private Behavior<ToHypervisor> onBoot(Boot boot) {
        int g = boot.guest();
        boolean restarting = host.restarts.outstanding(g);
        if (!host.boot(boot) || !restarting) {
            return this;
        }
        long join = Math.max(free.hostTick(), Math.max(host.roster.lastWorkTick(g), host.roster.lastAckTick(g)) + 1);
        if (free.rejoin(g, join)) {
            host.toGuest(g, host.core.tickStart(g, join, free.isLast(join)));
        } else { // no tick left for it to play: it is gone again
            getContext().getLog().info("{}: restarted guest {} has no tick left to play", host.hostName, g);
            host.release(new GuestGone(g, false));
            finishIfDone();
        }
        return this;
    }

    /**
     * Applies one guest's work at once; every {@code guests} works, runs the reclaimer; every
     * {@code checkEvery} works, checks the invariants and reports progress.
     */
    private Behavior<ToHypervisor> onTickWork(TickWork w) {
        if (host.refused(w.guest(), w.tick(), w.replyTo(), free.expectedTick(w.guest()), false)) {
            return this;
        }
        host.roster.workSent(w.guest(), w.tick());
        host.applier.applyNow(w);
        if (free.workApplied(host.roster.count())) {
            host.core.endTick();
            host.triggerRestarts(free.hostTick());
        }
        if (free.checkDue()) {
            List<String> found = host.core.checkInvariants();
            free.checked(HostInvariants.CHECKS, found);
            run.replyTo().tell(host.report(free.completedTick(), List.of(), HostInvariants.CHECKS, List.copyOf(found)));
        }
        return this;
    }

    /** A guest finished a tick: start its next one, or on its last, keep its audit. */
    private Behavior<ToHypervisor> onTickAck(TickAck ack) {
        int g = ack.guest();
        boolean early = host.core.isGuest(g) && host.roster.lastWorkTick(g) != ack.tick(); // before its work
        if (host.refused(g, early ? -1 : ack.tick(), ack.replyTo(), free.expectedTick(g), true)) {
            return this;
        }
        host.roster.counters(g, ack.counters());
        long next = free.acknowledged(g, ack.tick());
        if (next >= 0) {
            host.toGuest(g, host.core.tickStart(g, next, free.isLast(next)));
            return this;
        }
        host.roster.audit(g, ack.audit());
        finishIfDone();
        return this;
    }

    private Behavior<ToHypervisor> onDaemonWork(DaemonWork m) {
        SharingWork w = m.work();
        if (!host.takeDaemonWork(w, free.daemonTick())) {
            return this;
        }
        host.applier.applySharingNow(w, free, host.roster.count());
        return this;
    }

    private Behavior<ToHypervisor> onDaemonAck(DaemonAck m) {
        SharingAck ack = m.ack();
        if (!host.takeDaemonAck(ack, free.daemonTick())) {
            return this;
        }
        if (free.daemonAcknowledged()) {
            host.toDaemon(new SharingTickStart(free.daemonTick()));
        } else {
            finishIfDone();
        }
        return this;
    }

    private Behavior<ToHypervisor> onAnotherRun(ToHypervisor another) {
        getContext().getLog().error("{}: {} asked while a free run is playing; ignored", host.hostName,
                another.getClass().getSimpleName());
        return this;
    }

    /**
     * Ends the run early: its last tick becomes the one after the furthest a playing guest has
     * got (every guest was told of its ticks so far that they are not the last, so each still plays
     * one tick that is, and is audited there).
     */
    private Behavior<ToHypervisor> onStopFree(StopFree stop) {
        long last = free.stopEarly();
        if (last >= 0) {
            getContext().getLog().info("{}: free run stopped early: last tick {}", host.hostName, last);
        }
        return this;
    }

    /** A guest is gone: released; with a backoff, its restart is due that many of the host's ticks from now. */
    private Behavior<ToHypervisor> onGuestGone(GuestGone gone) {
        if (!host.release(gone)) {
            return this;
        }
        free.gone(gone.guest());
        host.scheduleRestart(gone, free.hostTick());
        finishIfDone();
        return this;
    }

    private Behavior<ToHypervisor> onReconfigure(Reconfigure r) {
        host.reconfigure(r);
        return this;
    }

    private Behavior<ToHypervisor> onMigration(MigrationCommand command) {
        host.migration.handle(command);
        return this;
    }

    /** Finishes once every guest and the daemon have played every tick and no restarted guest is still booting. */
    private void finishIfDone() {
        if (free.done(host.roster.count()) && !host.restarts.anyOutstanding()) {
            finish();
        }
    }

    /** Every guest played every tick: final audit of the guests still running, invariants, and the final report. */
    private void finish() {
        List<String> violations = free.violations();
        long checks = free.checks() + HostAudit.auditAll(host.core, HostInvariants.CHECKS, host.roster,
                host.roster.runningNow(), violations);
        run.replyTo().tell(host.report(free.ticks() - 1, host.rows(), checks, List.copyOf(violations)));
    }
}
