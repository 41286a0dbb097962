package ballast.host;

import ballast.host.migration.GuestTransfer;
import ballast.abi.Boot;
import ballast.abi.GuestCall;
import ballast.abi.RemapNotice;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToHypervisor;
import ballast.host.HypervisorCommon.DaemonAck;
import ballast.host.HypervisorCommon.DaemonWork;
import ballast.host.control.GuestGone;
import ballast.host.control.GuestStats;
import ballast.host.control.HostControl;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.control.RunFree;
import ballast.host.control.RunTick;
import ballast.host.control.StopFree;
import ballast.host.migration.FreeMigration;
import ballast.host.migration.MigrationCommand;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.SharingWork;
import ballast.host.tick.GuestRoster;
import ballast.host.tick.HostAudit;
import ballast.host.tick.TickBarrier;
import ballast.host.tick.WorkApplier;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The hypervisor of one host: owns the machine frames and every guest's pmap, tables and TLB
 * (all inside a {@link HypervisorCore}), and plays the deterministic two-phase tick. This
 * behaviour is the deterministic one (and the host's behaviour before any run);
 * {@link FreeRunningHypervisor} is the other.
 *
 * <p>Protocol ({@link ToHypervisor}): the guest ABI's {@link GuestCall}s ({@link Boot},
 * {@link TickWork}, {@link TickAck}); the scheduler's {@link HostControl} ({@link RunTick},
 * {@link RunFree}, {@link StopFree}, {@link GuestGone}, {@link Reconfigure}); live migration's
 * {@link MigrationCommand}s; and the page-sharing daemon's calls, which reach it only through its
 * message adapter as private messages ({@link DaemonWork}, {@link DaemonAck}).
 *
 * <ol>
 *   <li>{@link RunTick} from the clock: send {@link TickStart} to every guest (and
 *       {@link SharingTickStart} to the page-sharing daemon, when sharing is on);</li>
 *   <li>collect one {@link TickWork} per guest and the daemon's {@link SharingWork} (the
 *       {@link TickBarrier}); when all are in, apply them in canonical order, guests by index then
 *       the daemon, whatever order they arrived in ({@link WorkApplier}); send each para-virtual
 *       guest whose frames changed a {@link RemapNotice}, each guest its {@link TickResult} and the
 *       daemon its {@link SharingResult};</li>
 *   <li>collect one {@link TickAck} per guest (the guest has verified its reads) and the daemon's
 *       {@link SharingAck}; then, when asked, audit every guest and check the invariants
 *       ({@link HostAudit}), and report {@link HostTickDone}.</li>
 * </ol>
 *
 * <p>Reclamation: once a tick's work is applied, the core's reclaimer runs
 * ({@link HypervisorCore#endTick}); its balloon targets and stalls go to each guest with its next
 * {@link TickStart}. A {@link Reconfigure} between ticks changes the reclamation settings (or is
 * refused) and is answered with {@link Reconfigured}.
 *
 * <p>A guest that is gone ({@link GuestGone}) has its memory released and is no longer waited for;
 * one stopped before a run may boot later (a guest started by a timed event) and joins at the next
 * tick ({@link GuestRoster}). A run waits for every guest that will boot.
 *
 * <p>Every guest call is checked against the guest that sent it (its reply address) and the tick
 * being played; a call that fails is refused with a typed reason and changes nothing.
 */
public final class Hypervisor extends AbstractBehavior<ToHypervisor> {

    private final HypervisorCommon host;
    private final TickBarrier barrier;
    /** The tick being played, or null between ticks. */
    private RunTick current;
    /** A tick, or a free run, asked for before every guest booted. */
    private RunTick pending;
    private RunFree pendingFree;
    /** The tick after the last one finished: the next to be played. */
    private long nextTick;

    public static Behavior<ToHypervisor> create(HostSettings settings) {
        return Behaviors.setup(context -> {
            context.setLoggerName(Hypervisor.class); // both behaviours log as the hypervisor
            return new Hypervisor(context, new HypervisorCommon(context, settings));
        });
    }

    /**
     * As {@link #create}, and hands {@code inspect} the host's core as soon as it exists: a test that
     * delivers this actor's messages itself checks the invariants between two of them.
     */
    static Behavior<ToHypervisor> create(HostSettings settings, java.util.function.Consumer<HypervisorCore> inspect) {
        return Behaviors.setup(context -> {
            context.setLoggerName(Hypervisor.class);
            HypervisorCommon host = new HypervisorCommon(context, settings);
            inspect.accept(host.core);
            return new Hypervisor(context, host);
        });
    }

    private Hypervisor(ActorContext<ToHypervisor> context, HypervisorCommon host) {
        super(context);
        this.host = host;
        this.barrier = host.barrier;
    }

    @Override
    public Receive<ToHypervisor> createReceive() {
        return newReceiveBuilder()
                .onMessage(Boot.class, this::onBoot)
                .onMessage(TickWork.class, this::onTickWork)
                .onMessage(TickAck.class, this::onTickAck)
                .onMessage(DaemonWork.class, this::onDaemonWork)
                .onMessage(DaemonAck.class, this::onDaemonAck)
                .onMessage(RunTick.class, this::onRunTick)
                .onMessage(RunFree.class, this::onRunFree)
                .onMessage(StopFree.class, this::onStopFree)
                .onMessage(GuestGone.class, this::onGuestGone)
                .onMessage(Reconfigure.class, this::onReconfigure)
                .onMessage(ballast.host.control.ResizeMemory.class, r -> {
                    host.resize(r);
                    return this;
                })
                .onMessage(MigrationCommand.class, this::onMigration)
                .onMessage(FreeMigration.HoldEnd.class, hold -> {
                    host.holdEnd = true; // the free run to come may move guests
                    return this;
                })
                .build();
    }

    private Behavior<ToHypervisor> onBoot(Boot boot) {
        if (host.boot(boot) && host.roster.allBooted()) {
            return startPending();
        }
        return this;
    }

    private Behavior<ToHypervisor> onTickWork(TickWork w) {
        if (host.refused(w.guest(), w.tick(), w.replyTo(), barrier.expectedTick(), false)) {
            return this;
        }
        host.roster.workSent(w.guest(), w.tick());
        if (barrier.offerWork(w.guest(), w)) { // else booted again during this tick: it joins at the next one
            advance();
        }
        return this;
    }

    private Behavior<ToHypervisor> onTickAck(TickAck ack) {
        long tick = barrier.applied() ? ack.tick() : -1; // an acknowledgement before the tick was applied is early
        if (host.refused(ack.guest(), tick, ack.replyTo(), barrier.expectedTick(), true)) {
            return this;
        }
        host.roster.acknowledged(ack.guest(), ack.tick());
        if (barrier.ack(ack.guest())) {
            host.roster.counters(ack.guest(), ack.counters());
            host.roster.audit(ack.guest(), ack.audit());
            advance();
        }
        return this;
    }

    private Behavior<ToHypervisor> onDaemonWork(DaemonWork m) {
        SharingWork w = m.work();
        if (!host.takeDaemonWork(w, barrier.expectedTick())) {
            return this;
        }
        barrier.offerDaemonWork(w);
        advance();
        return this;
    }

    private Behavior<ToHypervisor> onDaemonAck(DaemonAck m) {
        SharingAck ack = m.ack();
        if (!host.takeDaemonAck(ack, barrier.expectedTick())) {
            return this;
        }
        barrier.daemonAcked();
        advance();
        return this;
    }

    private Behavior<ToHypervisor> onRunTick(RunTick run) {
        if (current != null) {
            getContext().getLog().error("{}: tick {} asked while tick {} is running; ignored", host.hostName, run.tick(),
                    current.tick());
        } else {
            host.triggerRestarts(run.tick()); // a restarted guest joins this tick: it waits for its boot
            if (!host.roster.allBooted()) {
                pending = run;
            } else {
                startTick(run);
            }
        }
        return this;
    }

    private Behavior<ToHypervisor> onRunFree(RunFree run) {
        if (current != null) {
            getContext().getLog().error("{}: free run asked while another run is playing; ignored", host.hostName);
            return this;
        }
        if (!host.roster.everyGuestBooted()) {
            pendingFree = run;
            return this;
        }
        return FreeRunningHypervisor.start(getContext(), host, run);
    }

    /** A free run not started yet is shortened to one tick; there is nothing else to stop. */
    private Behavior<ToHypervisor> onStopFree(StopFree stop) {
        if (pendingFree != null) {
            pendingFree = new RunFree(Math.min(1, pendingFree.ticks()), pendingFree.checkEvery(), pendingFree.replyTo());
        }
        return this;
    }

    /**
     * A guest's actor failed and was stopped: release its memory and play on without it. In the
     * middle of a tick, its work (if any) is dropped and the barrier no longer waits for it.
     */
    private Behavior<ToHypervisor> onGuestGone(GuestGone gone) {
        if (!host.release(gone)) {
            return this;
        }
        int g = gone.guest();
        host.scheduleRestart(gone, current != null ? current.tick() : pending != null ? pending.tick() : nextTick);
        if (current != null) {
            if (barrier.leave(g, host.roster.lastAckTick(g) == current.tick())) {
                advance();
            }
            return this;
        }
        return host.roster.allBooted() ? startPending() : this;
    }

    private Behavior<ToHypervisor> onReconfigure(Reconfigure r) {
        host.reconfigure(r);
        return this;
    }

    private Behavior<ToHypervisor> onMigration(MigrationCommand command) {
        host.migration.handle(command);
        return this;
    }

    /** Every guest has booted or is gone for good: starts the tick or the free run asked for meanwhile. */
    private Behavior<ToHypervisor> startPending() {
        if (pending != null) {
            RunTick run = pending;
            pending = null;
            startTick(run);
        } else if (pendingFree != null) {
            RunFree run = pendingFree;
            pendingFree = null;
            return FreeRunningHypervisor.start(getContext(), host, run);
        }
        return this;
    }

    private void startTick(RunTick run) {
        current = run;
        barrier.start(run.tick(), host.roster.runningNow());
        for (int g = 0; g < host.roster.count(); g++) {
            if (barrier.takesPart(g)) {
                // a guest being migrated out does not work ahead (its last tick here must leave nothing pending)
                host.toGuest(g, host.core.tickStart(g, run.tick(), run.audit() || GuestTransfer.tracked(host.core, g)));
            }
        }
        if (host.hasDaemon()) {
            host.toDaemon(new SharingTickStart(run.tick()));
        }
        advance();
    }

    /** Applies the tick once everything is in, and finishes it once everything is acknowledged. */
    private void advance() {
        if (barrier.readyToApply()) {
            host.applier.applyTick(barrier, host.roster.count(), host.hasDaemon());
        }
        if (barrier.done()) {
            finishTick();
        }
    }

    /** Audits (when asked) the guests that took part, reports the tick and forgets its integrity records. */
    private void finishTick() {
        RunTick run = current;
        long checks = 0;
        List<String> violations = List.of();
        if (run.audit()) {
            List<String> found = new ArrayList<>();
            checks += HostAudit.auditAll(host.core, HostInvariants.CHECKS, host.roster, barrier.participants(), found);
            violations = List.copyOf(found);
        }
        List<GuestStats> rows = run.sample() ? host.rows() : List.of();
        host.roster.clearAudits();
        current = null;
        nextTick = run.tick() + 1;
        barrier.finish();
        run.replyTo().tell(host.report(run.tick(), rows, checks, violations));
    }
}
