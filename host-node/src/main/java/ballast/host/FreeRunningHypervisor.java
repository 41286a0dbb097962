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
import ballast.host.migration.AdmitGuest;
import ballast.host.migration.CancelMigration;
import ballast.host.migration.FreeMigration;
import ballast.host.migration.GuestTransfer;
import ballast.host.migration.MigrationCommand;
import ballast.host.migration.MigrationReply;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.SharingWork;
import ballast.host.tick.FreeRun;
import ballast.host.tick.HostAudit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
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
    /** The final report went out. */
    private boolean finished;
    /** Guests to hold (live migration's stop-and-copy) at their next acknowledgement, and whom to tell. */
    private final Map<Integer, ActorRef<FreeMigration.GuestHeld>> holdRequests = new HashMap<>();
    /** Held guests: the tick each plays next, kept back until it leaves. */
    private final Map<Integer, Long> held = new HashMap<>();
    /** Guests arriving by live migration (admitted, not playing yet): the run does not end before they join. */
    private final Set<Integer> arriving = new HashSet<>();
    /** Guests whose last {@code TickStart} let them work ahead (not "audit"): not held before their next tick. */
    private final Set<Integer> workedAhead = new HashSet<>();
    /** The tick each arriving guest plays next, once it boots. */
    private final Map<Integer, Long> joinTicks = new HashMap<>();
    /** The guests this run knows (more arrive by live migration). */
    private int known;
    /** Guests may still arrive ({@link FreeMigration.HoldEnd}): the final report waits for {@link FreeMigration.ReleaseEnd}. */
    private boolean endHeld;
    /** The progress report saying every guest has played every tick went out (once, while the end is held). */
    private boolean doneReported;

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
        this.known = host.roster.count();
        this.endHeld = host.holdEnd;
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
                .onMessage(ballast.host.control.ResizeMemory.class, r -> {
                    host.resize(r);
                    return this;
                })
                .onMessage(MigrationCommand.class, this::onMigration)
                .onMessage(FreeMigration.HoldGuest.class, this::onHold)
                .onMessage(FreeMigration.JoinRun.class, this::onJoin)
                .onMessage(FreeMigration.ReleaseEnd.class, this::onReleaseEnd)
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
                workedAhead.add(g);
                host.toGuest(g, host.core.tickStart(g, 0, run.ticks() == 1));
            }
        }
        finishIfDone();
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
        if (!host.boot(boot)) {
            return this;
        }
        if (arriving.remove(g)) {
            join(g, joinTicks.containsKey(g) ? joinTicks.remove(g) : free.hostTick());
            return this;
        }
        if (!restarting) {
            return this;
        }
        long join = Math.max(free.hostTick(), Math.max(host.roster.lastWorkTick(g), host.roster.lastAckTick(g)) + 1);
        if (free.rejoin(g, join)) {
            workedAhead.add(g);
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
            if (host.holdEnd && !free.checkDue()) { // guests may move: the clock plays a boundary per round
                run.replyTo().tell(host.report(free.completedTick(), List.of(), 0, List.of()));
            }
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
        // Live migration's stop-and-copy: held once the tick just acknowledged was started with
        // "audit" (the guest worked nothing ahead of it), so that nothing is in flight from now on.
        ActorRef<FreeMigration.GuestHeld> hold = holdRequests.get(g);
        if (hold != null && (next < 0 || !workedAhead.contains(g))) {
            holdRequests.remove(g);
            held.put(g, next < 0 ? free.ticks() : next);
            hold.tell(new FreeMigration.GuestHeld(host.core.settings().guests().get(g).name(), next));
            if (next >= 0) {
                return this;
            }
        }
        if (next >= 0) {
            // a guest being migrated out does not work ahead (its last tick here must leave nothing pending)
            boolean audit = free.isLast(next) || GuestTransfer.tracked(host.core, g);
            if (audit) {
                workedAhead.remove(g);
            } else {
                workedAhead.add(g);
            }
            host.toGuest(g, host.core.tickStart(g, next, audit));
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

    /**
     * A live migration's step, between works. Once the run is over here no guest is admitted (it
     * could not play). A guest admitted joins the run's bookkeeping as arriving; a held guest that
     * left is finished here.
     */
    private Behavior<ToHypervisor> onMigration(MigrationCommand command) {
        if (finished && command instanceof AdmitGuest a) {
            a.replyTo().tell(new MigrationReply(a.migration(), host.hostName, -1, 0, 0,
                    "the free run is over on " + host.hostName));
            return this;
        }
        host.migration.handle(command);
        for (; known < host.roster.count(); known++) {
            free.admit(known);
            arriving.add(known);
        }
        if (command instanceof CancelMigration c && c.arriving()) {
            arriving.remove(c.guest());
            joinTicks.remove(c.guest());
        }
        held.keySet().removeIf(g -> {
            if (host.roster.running(g)) {
                return false;
            }
            free.gone(g); // it left: it plays on at its destination
            return true;
        });
        finishIfDone();
        return this;
    }

    /** Live migration: hold guest {@code g} at its next acknowledgement (at once when it has finished). */
    private Behavior<ToHypervisor> onHold(FreeMigration.HoldGuest h) {
        int g = h.guest();
        if (!host.core.isGuest(g) || !host.roster.running(g)) {
            getContext().getLog().warn("{}: hold of guest {}, which is not running here, ignored", host.hostName, g);
            return this;
        }
        if (free.expectedTick(g) >= free.ticks()) {
            held.put(g, free.ticks());
            h.replyTo().tell(new FreeMigration.GuestHeld(h.name(), free.ticks()));
        } else {
            holdRequests.put(g, h.replyTo());
        }
        return this;
    }

    /**
     * Whether an arriving guest was installed (its stop-and-copy is over) and has not joined yet: the
     * run waits for it. One still in pre-copy when the run ends stays unfinished, as in the
     * deterministic mode.
     */
    private boolean installedArrival() {
        for (int g : arriving) {
            if (host.core.isResident(g)) {
                return true;
            }
        }
        return false;
    }

    /** No guest will arrive any more: the run may end here. */
    private Behavior<ToHypervisor> onReleaseEnd(FreeMigration.ReleaseEnd release) {
        endHeld = false;
        finishIfDone();
        return this;
    }

    /** Live migration: the arriving guest {@code g} plays on from {@code tick} once it boots. */
    private Behavior<ToHypervisor> onJoin(FreeMigration.JoinRun j) {
        if (arriving.contains(j.guest())) {
            joinTicks.put(j.guest(), j.tick());
        }
        return this;
    }

    /**
     * An arriving guest booted: it plays on from {@code tick}; a guest that had played every tick
     * where it was plays the last one once more here (so that it is audited where it ends).
     */
    private void join(int g, long tick) {
        if (free.rejoin(g, Math.min(tick, free.ticks() - 1))) {
            tick = Math.min(tick, free.ticks() - 1);
            doneReported = false;
            workedAhead.add(g);
            host.toGuest(g, host.core.tickStart(g, tick, free.isLast(tick)));
        } else {
            getContext().getLog().warn("{}: arriving guest {} has no tick left to play (tick {})", host.hostName, g,
                    tick);
            finishIfDone();
        }
    }

    /** Finishes once every guest and the daemon have played every tick and no restarted guest is still booting. */
    private void finishIfDone() {
        if (finished || !free.done(host.roster.count()) || host.restarts.anyOutstanding() || installedArrival()) {
            return;
        }
        if (endHeld) { // a guest may still arrive: say how far this host is, and wait for the clock
            if (!doneReported) {
                doneReported = true;
                run.replyTo().tell(host.report(free.completedTick(), List.of(), 0, List.of()));
            }
            return;
        }
        finish();
    }

    /** Every guest played every tick: final audit of the guests still running, invariants, and the final report. */
    private void finish() {
        finished = true;
        List<String> violations = free.violations();
        long checks = free.checks() + HostAudit.auditAll(host.core, HostInvariants.CHECKS, host.roster,
                host.roster.runningNow(), violations);
        run.replyTo().tell(host.report(free.ticks() - 1, host.rows(), checks, List.copyOf(violations)));
    }
}
