package ballast.host;

import ballast.host.migration.MigrationPort;
import ballast.abi.Boot;
import ballast.abi.BootRefused;
import ballast.abi.Booted;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.ToGuest;
import ballast.abi.ToHypervisor;
import ballast.abi.Tokens;
import ballast.host.control.GuestGone;
import ballast.host.control.GuestStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.sharing.DaemonCall;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingWork;
import ballast.host.sharing.ToDaemon;
import ballast.host.tick.DaemonLedger;
import ballast.host.tick.GuestRoster;
import ballast.host.tick.RestartSchedule;
import ballast.host.migration.FreeMigration;
import ballast.host.tick.TickBarrier;
import ballast.host.tick.WorkApplier;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What both behaviours of a {@link Hypervisor} share, and the handling that does not depend on
 * the run mode: the {@link HypervisorCore}, the {@link GuestRoster}, the tick barrier, the
 * page-sharing daemon (a child, or null when sharing is off) and its {@link DaemonLedger}, this
 * host's end of live migrations ({@link MigrationPort}); booting a guest, refusing a guest's call,
 * releasing a guest that is gone, new reclamation settings, and the figures for a report.
 *
 * <p>Owned by one hypervisor actor (its behaviours hand it on), not thread-safe.
 */
final class HypervisorCommon implements WorkApplier.Outbox, MigrationPort.Host {

    /** The daemon's work, through the hypervisor's message adapter: nobody outside this package can send it. */
    record DaemonWork(SharingWork work) implements ToHypervisor {
    }

    /** The daemon's acknowledgement, through the hypervisor's message adapter. */
    record DaemonAck(SharingAck ack) implements ToHypervisor {
    }

    final ActorContext<ToHypervisor> context;
    final HypervisorCore core;
    final String hostName;
    final GuestRoster<ActorRef<ToGuest>> roster;
    final TickBarrier barrier;
    final DaemonLedger ledger = new DaemonLedger();
    final WorkApplier applier;
    final MigrationPort migration;
    /** The page-sharing daemon (a child), or null when sharing is off. */
    final ActorRef<ToDaemon> daemon;
    /** Failed guests' restarts held back for their backoff, and those whose fresh incarnation is booting. */
    final RestartSchedule<ActorRef<GuestGone.RestartDue>> restarts = new RestartSchedule<>();
    /** A free run that may move guests: its end waits for the clock ({@link FreeMigration.HoldEnd}). */
    boolean holdEnd;

    HypervisorCommon(ActorContext<ToHypervisor> context, HostSettings settings) {
        this.context = context;
        this.core = new HypervisorCore(settings);
        this.hostName = settings.name();
        this.roster = new GuestRoster<>(core.guestCount());
        boolean sharing = settings.sharing().enabled() && core.guestCount() > 0;
        this.barrier = new TickBarrier(core.guestCount(), sharing);
        this.daemon = sharing ? context.spawn(PageSharingDaemon.create(settings, daemonAdapter(context)), "page-sharing") : null;
        this.applier = new WorkApplier(core, this);
        this.migration = new MigrationPort(core, this);
    }

    private static ActorRef<DaemonCall> daemonAdapter(ActorContext<ToHypervisor> context) {
        return context.messageAdapter(DaemonCall.class,
                call -> call instanceof SharingWork w ? new DaemonWork(w) : new DaemonAck((SharingAck) call));
    }

    boolean hasDaemon() {
        return daemon != null;
    }

    /** Whether a daemon's call came from this host's own daemon. */
    boolean fromDaemon(ActorRef<ToDaemon> replyTo) {
        return daemon != null && daemon.equals(replyTo);
    }

    /** Whether the daemon's work is taken for {@code expectedTick} (its own daemon's, once); a refusal is logged. */
    boolean takeDaemonWork(SharingWork w, long expectedTick) {
        if (ledger.work(fromDaemon(w.replyTo()), w.tick(), expectedTick)) {
            return true;
        }
        context.getLog().warn("{}: page-sharing work for tick {} refused", hostName, w.tick());
        return false;
    }

    /** Whether the daemon's acknowledgement is taken for {@code expectedTick}; a refusal is logged. */
    boolean takeDaemonAck(SharingAck ack, long expectedTick) {
        if (ledger.ack(fromDaemon(ack.replyTo()), ack.tick(), expectedTick, ack.counters())) {
            return true;
        }
        context.getLog().warn("{}: page-sharing acknowledgement for tick {} refused", hostName, ack.tick());
        return false;
    }

    @Override
    public void toGuest(int g, ToGuest message) {
        ActorRef<ToGuest> ref = roster.ref(g);
        if (ref != null) {
            ref.tell(message);
        }
    }

    @Override
    public void toDaemon(ToDaemon message) {
        daemon.tell(message);
    }

    /** Boots the guest and answers it with its p2m, or refuses (and says why); returns whether it booted. */
    boolean boot(Boot boot) {
        if (boot.replyTo() == null) {
            // Nobody to answer and nobody to send ticks to: booting it would leave a guest without an address.
            context.getLog().warn("{}: ignored boot of {} without a reply address", hostName, boot.name());
            return false;
        }
        Refusal[] refusal = new Refusal[1];
        int[] p2m = core.boot(boot.guest(), boot.name(), refusal);
        if (p2m == null) {
            // Charged to the guest only when the guest itself asked (a second boot from its own address);
            // a stranger's boot under another guest's index or name is refused without touching that guest.
            if (core.isGuest(boot.guest()) && boot.replyTo().equals(roster.ref(boot.guest()))) {
                core.countRefusal(boot.guest(), refusal[0].reason());
            }
            context.getLog().warn("{}: refused boot of {}: {}", hostName, boot.name(), refusal[0].detail());
            boot.replyTo().tell(new BootRefused(boot.guest(), refusal[0].reason(), refusal[0].detail()));
            return false;
        }
        roster.booted(boot.guest(), boot.replyTo());
        restarts.settled(boot.guest());
        boot.replyTo().tell(new Booted(boot.guest(), p2m));
        return true;
    }

    /**
     * Checks a guest's call against the guest that sent it and the tick it may call for now
     * ({@code expected}); a refused call is counted (unless from an impostor), answered with its
     * reason and changes nothing. Returns whether it was refused.
     */
    boolean refused(int guest, long tick, ActorRef<ToGuest> sender, long expected, boolean ack) {
        Refusal refusal = roster.check(core.isGuest(guest), guest, sender, tick, expected, ack, hostName);
        if (refusal == null) {
            return false;
        }
        if (refusal.reason() != RefusalReason.NOT_SENDER) {
            core.countRefusal(guest, refusal.reason());
        }
        context.getLog().debug("{}: refused call: {}", hostName, refusal.detail());
        if (sender != null) {
            sender.tell(new TickResult(tick, Tokens.EMPTY_DIGEST, 0, List.of(refusal)));
        }
        return true;
    }

    /** A guest's actor failed and was stopped: releases its memory; false when it is no guest of this host. */
    boolean release(GuestGone gone) {
        int g = gone.guest();
        if (!core.isGuest(g)) {
            return false;
        }
        boolean ran = roster.running(g);
        int released = core.releaseGuest(g);
        if (gone.stopped() && (ran || released > 0)) { // as the scenario asked: nothing to warn of
            context.getLog().info("{}: guest {} stopped; {} frames released", hostName,
                    core.settings().guests().get(g).name(), released);
        } else if (ran || released > 0) { // a guest that starts later is "gone" until then: nothing to say
            context.getLog().warn("{}: guest {} is gone; {} frames released{}", hostName,
                    core.settings().guests().get(g).name(), released, gone.reboot() ? "; it boots afresh" : "");
        }
        roster.gone(g, gone.reboot() && !gone.backsOff()); // held back: not waited for until its restart is due
        restarts.settled(g);
        return true;
    }

    /**
     * Schedules the restart of guest {@code gone} (gone with a backoff) at tick {@code tick} plus its
     * backoff; nothing for a guest gone without one.
     */
    void scheduleRestart(GuestGone gone, long tick) {
        if (gone.backsOff() && core.isGuest(gone.guest())) {
            restarts.schedule(gone.guest(), tick + Math.max(1, gone.backoffTicks()), gone.restartTo());
        }
    }

    /**
     * Tells the node agent of every guest whose restart is due by {@code tick} to start it afresh;
     * the tick waits for each one's boot (or its failure). Returns whether any was due.
     */
    boolean triggerRestarts(long tick) {
        int[] due = restarts.takeDue(tick);
        for (int g : due) {
            roster.expectBoot(g);
            context.getLog().info("{}: guest {} restarts at tick {}", hostName, core.settings().guests().get(g).name(),
                    tick);
            restarts.replyTo(g).tell(new GuestGone.RestartDue(g, core.settings().guests().get(g).name()));
        }
        return due.length > 0;
    }

    /** A timed change of the reclamation settings, between ticks: taken (and a rebalance) or refused, and answered. */
    void reconfigure(Reconfigure r) {
        String problem = core.reconfigure(r.reclaim());
        if (problem != null) {
            context.getLog().warn("{}: reclamation settings refused: {}", hostName, problem);
        }
        if (r.replyTo() != null) {
            r.replyTo().tell(new Reconfigured(hostName, problem));
        }
    }

    /** A timed resize of a guest's memory hotplug device, between ticks: taken or refused, and answered. */
    void resize(ballast.host.control.ResizeMemory r) {
        int index = -1;
        List<GuestSpec> specs = core.settings().guests();
        for (int g = 0; g < specs.size(); g++) {
            if (specs.get(g).name().equals(r.guest()) && core.isResident(g)) {
                index = g;
            }
        }
        String problem = index < 0 ? r.guest() + " does not run on " + hostName : core.resize(index, r.pages());
        if (problem != null) {
            context.getLog().warn("{}: resize refused: {}", hostName, problem);
        }
        if (r.replyTo() != null) {
            r.replyTo().tell(new Reconfigured(hostName, problem));
        }
    }

    /** Every resident guest's figures, in guest order (a guest on its way in, or gone to another host, is reported there). */
    List<GuestStats> rows() {
        List<GuestStats> rows = new ArrayList<>(roster.count());
        for (int g = 0; g < roster.count(); g++) {
            if (core.isResident(g)) {
                rows.add(stats(g));
            }
        }
        return List.copyOf(rows);
    }

    /** The report of {@code tick}: the host's figures now, with the daemon's counters. */
    HostTickDone report(long tick, List<GuestStats> guests, long checks, List<String> violations) {
        return new HostTickDone(hostName, tick, core.hostStats(ledger.counters()), guests, checks, violations);
    }

    // ---------------------------------------------------------------- what the migration port may do

    @Override
    public void admitted(int index) {
        roster.admitted(index);
        barrier.grow(roster.count());
    }

    @Override
    public void departed(int index) {
        roster.departed(index);
    }

    @Override
    public void abandoned(int index) {
        roster.abandoned(index);
    }

    @Override
    public void installed(int index) {
        roster.installed(index);
    }

    @Override
    public GuestStats stats(int index) {
        return migration.withHistory(index, core.guestStats(index, roster.counters(index)));
    }

    @Override
    public ActorRef<ToHypervisor> self() {
        return context.getSelf();
    }
}
