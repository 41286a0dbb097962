package ballast.host.node;

import ballast.abi.ToHypervisor;
import ballast.guest.GuestHandover;
import ballast.guest.GuestVmSnapshot;
import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.host.HostSettings;
import ballast.host.Hypervisor;
import ballast.abi.GuestCall;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestGone;
import ballast.host.migration.FreeMigration;
import ballast.wire.WireMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One node's agent: on the scheduler's request it starts the hypervisors of the hosts assigned to
 * its node and, next to each, the guests of that host (a guest and its hypervisor always share a
 * JVM: only clock, control and migration traffic crosses nodes). It supervises its guests as the
 * one-JVM run does (a failed guest is stopped, its hypervisor told, the fault reported, and with
 * restart a fresh incarnation boots), and plays its part of live migrations: it stops a leaving
 * guest and hands over its state, and starts the arriving guest's new incarnation from it.
 *
 * <p>In a cluster it registers with the receptionist under {@link #KEY}; in a one-JVM run the
 * scheduler spawns one directly.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

    /** Host-node agents in the cluster. */
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "ballast-node-agent");

    public interface Command {
    }

    /**
     * What an agent tells the scheduler's run manager: its hosts started, a leaving guest's state, an
     * arriving guest resumed, a guest fault ({@link GuestFault}).
     */
    public interface Report extends WireMessage {
    }

    /**
     * Start these hosts and their guests (each guest's settings name its host) for run {@code run}.
     * Guest faults go to {@code manager}; {@code crashGuests}/{@code crashTicks} inject faults (tests).
     */
    public record StartHosts(long run, List<HostSettings> hosts, List<GuestSettings> guests, boolean restartFailedGuests,
                             List<String> crashGuests, long[] crashTicks, ActorRef<Report> manager, boolean freeRunning)
            implements Command, WireMessage {

        /**
         * The request with the faults to inject as a map (guest name to the tick its actor fails);
         * {@code freeRunning}: the guests never wait for their balloon drivers ({@link GuestVm#create}).
         */
        public static StartHosts of(long run, List<HostSettings> hosts, List<GuestSettings> guests,
                                    boolean restartFailedGuests, Map<String, Long> crashes, ActorRef<Report> manager,
                                    boolean freeRunning) {
            List<String> names = new ArrayList<>(crashes.keySet());
            long[] ticks = names.stream().mapToLong(crashes::get).toArray();
            return new StartHosts(run, List.copyOf(hosts), List.copyOf(guests), restartFailedGuests, List.copyOf(names),
                    ticks, manager, freeRunning);
        }
    }

    /** The reply: the hypervisors started, by host name. */
    public record HostsStarted(long run, String node, List<HostRef> hosts) implements Report {
    }

    /** A host and its hypervisor's address. */
    public record HostRef(String host, ActorRef<ToHypervisor> hypervisor) implements WireMessage {
    }

    /** Stop-and-copy: stop guest {@code guest} after the tick just played and hand over its state. */
    public record Evacuate(long migration, String guest, ActorRef<Report> replyTo) implements Command, WireMessage {
    }

    /** The reply to {@link Evacuate}. */
    public record Evacuated(long migration, GuestHandover handover) implements Report {
    }

    /** Start the arriving guest's new incarnation (its settings name its new host and index) from its state. */
    public record Resume(long migration, GuestSettings settings, GuestVmSnapshot snapshot, ActorRef<Report> replyTo)
            implements Command, WireMessage {
    }

    /** The reply to {@link Resume}. */
    public record Resumed(long migration, String guest) implements Report {
    }

    /**
     * A timed event boots guest {@code settings} (its settings name its host and index) on a host
     * of this node; {@code replyTo} (the clock) hears {@link GuestChanged} once it has booted.
     */
    public record StartGuest(long run, GuestSettings settings, long crashAtTick, ActorRef<GuestChanged> replyTo)
            implements Command, WireMessage {
    }

    /** A timed event stops guest {@code guest}; {@code replyTo} hears {@link GuestChanged} once its actor stopped. */
    public record StopGuest(long run, String guest, ActorRef<GuestChanged> replyTo) implements Command, WireMessage {
    }

    /** A timed event switches guest {@code guest} to {@code workload}; {@code replyTo} hears the guest's answer. */
    public record ChangeWorkload(long run, String guest, ballast.guest.workload.WorkloadSettings workload,
                                 ActorRef<GuestChanged> replyTo) implements Command, WireMessage {
    }

    /** Which node this is and how many hosts it takes at most. */
    public record Hello(ActorRef<Info> replyTo) implements Command, WireMessage {
    }

    /** The reply to {@link Hello}: {@code capacity} 0 means no limit. */
    public record Info(String node, int capacity, ActorRef<Command> agent) implements WireMessage {
    }

    /** The run is over: stop every host and guest of it. */
    public record EndRun(long run) implements Command, WireMessage {
    }

    /** A watched guest actor stopped. */
    private record GuestTerminated(String guest, int incarnation) implements Command {
    }

    /** Why a guest actor failed ({@link FailureWatch}), just before it stops. */
    private record GuestCrashed(String guest, int incarnation, String cause, boolean inputLost) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** The scheduler of run {@code run} is gone (its node left or died): stop that run. */
    private record ManagerGone(long run) implements Command {
    }

    /** A guest started by an event has booted ({@link BootWatch}). */
    private record GuestBooted(String guest, int incarnation) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** A guest's answer to a workload change: null when it took it. */
    private record WorkloadAnswered(String guest, ActorRef<GuestChanged> replyTo, String problem) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** A leaving guest's state, through this agent's adapter. */
    private record Handover(GuestHandover handover) implements Command {
    }

    /** A free-running hypervisor holds a leaving guest (nothing in flight), through this agent's adapter. */
    private record Held(FreeMigration.GuestHeld held) implements Command {
    }

    /** A hypervisor says a failed guest's restart is due (its backoff is over), through this agent's adapter. */
    private record RestartNow(GuestGone.RestartDue due) implements Command {
    }

    private final String node;
    private final int capacity;
    private final Map<String, ActorRef<ToHypervisor>> hosts = new HashMap<>();
    private final Map<String, HostSettings> hostSettings = new HashMap<>();
    /** Each guest running here: its current settings, incarnation and actor. */
    private final Map<String, GuestSettings> guests = new HashMap<>();
    private final Map<String, Integer> incarnations = new HashMap<>();
    private final Map<String, ActorRef<GuestVm.Command>> guestRefs = new HashMap<>();
    /** Guests stopped on purpose (migrated away): their termination is no fault. */
    private final Set<String> leaving = new HashSet<>();
    private final Map<String, Long> evacuations = new HashMap<>();
    private final ActorRef<GuestHandover> handovers;
    private final ActorRef<GuestGone.RestartDue> restartsDue;
    private final ActorRef<FreeMigration.GuestHeld> holds;
    /** Failed guests whose restart waits for their hypervisor's word (their backoff). */
    private final Set<String> awaitingRestart = new HashSet<>();
    /** The clock's requests waiting for a guest to boot or to stop. */
    private final Map<String, ActorRef<GuestChanged>> pendingStarts = new HashMap<>();
    private final Map<String, ActorRef<GuestChanged>> pendingStops = new HashMap<>();
    /** Wall time to wait for a guest's answer to a workload change. */
    private static final java.time.Duration ANSWER_TIMEOUT = java.time.Duration.ofSeconds(60);
    /** Why the current incarnation of a guest failed, until its termination is handled. */
    private final Map<String, String> crashCauses = new HashMap<>();
    /** Guests whose input (a trace) can no longer be read: never restarted, and their failure fails the run. */
    private final Set<String> inputLost = new HashSet<>();
    /** Restarts of each guest in this run. */
    private final Map<String, Integer> restartCounts = new HashMap<>();
    /**
     * Restarts of one guest in one run at most; it is then stopped for good and the run fails: a guest
     * that fails at every boot would otherwise restart without end within one tick.
     */
    public static final int MAX_RESTARTS = 3;

    /**
     * The ticks a failed guest's hypervisor plays without it before restart {@code n} (1, 2, ...):
     * 1, 2, 4, doubling; counted from the tick it failed at (or the first tick, for a guest that
     * failed before the run started).
     */
    public static int restartBackoffTicks(int n) {
        return 1 << Math.min(30, Math.max(0, n - 1));
    }
    private ActorRef<Report> manager;
    private boolean restartFailedGuests;
    /** The run is free-running: its guests never wait for their balloon drivers. */
    private boolean freeRunning;
    private long run = -1;

    public static Behavior<Command> create(String node) {
        return create(node, 0);
    }

    /** An agent taking at most {@code capacity} hosts (0: no limit). */
    public static Behavior<Command> create(String node, int capacity) {
        return Behaviors.setup(context -> new NodeAgent(context, node, capacity));
    }

    private NodeAgent(ActorContext<Command> context, String node, int capacity) {
        super(context);
        this.node = node;
        this.capacity = capacity;
        this.handovers = context.messageAdapter(GuestHandover.class, Handover::new);
        this.restartsDue = context.messageAdapter(GuestGone.RestartDue.class, RestartNow::new);
        this.holds = context.messageAdapter(FreeMigration.GuestHeld.class, Held::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StartHosts.class, this::onStartHosts)
                .onMessage(Evacuate.class, this::onEvacuate)
                .onMessage(Handover.class, this::onHandover)
                .onMessage(Resume.class, this::onResume)
                .onMessage(GuestTerminated.class, this::onGuestTerminated)
                .onMessage(GuestCrashed.class, this::onGuestCrashed)
                .onMessage(EndRun.class, this::onEndRun)
                .onMessage(StartGuest.class, this::onStartGuest)
                .onMessage(StopGuest.class, this::onStopGuest)
                .onMessage(ChangeWorkload.class, this::onChangeWorkload)
                .onMessage(GuestBooted.class, this::onGuestBooted)
                .onMessage(WorkloadAnswered.class, this::onWorkloadAnswered)
                .onMessage(Hello.class, this::onHello)
                .onMessage(ManagerGone.class, this::onManagerGone)
                .onMessage(RestartNow.class, this::onRestartNow)
                .onMessage(Held.class, this::onHeld)
                .build();
    }

    private static String actorName(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private Behavior<Command> onStartHosts(StartHosts start) {
        stopAll();
        if (manager != null) {
            getContext().unwatch(manager);
        }
        run = start.run();
        manager = start.manager();
        getContext().watchWith(manager, new ManagerGone(run));
        restartFailedGuests = start.restartFailedGuests();
        restartCounts.clear();
        crashCauses.clear();
        inputLost.clear();
        freeRunning = start.freeRunning();
        List<HostRef> started = new ArrayList<>();
        for (HostSettings host : start.hosts()) {
            ActorRef<ToHypervisor> ref = getContext().spawn(Hypervisor.create(host),
                    "host-" + actorName(host.name()) + "-" + run);
            hosts.put(host.name(), ref);
            hostSettings.put(host.name(), host);
            started.add(new HostRef(host.name(), ref));
        }
        Map<String, Long> crashes = new HashMap<>();
        for (int i = 0; i < start.crashGuests().size(); i++) {
            crashes.put(start.crashGuests().get(i), start.crashTicks()[i]);
        }
        for (GuestSettings guest : start.guests()) {
            startGuest(guest, null, crashes.getOrDefault(guest.name(), GuestVm.NO_CRASH), false);
        }
        start.manager().tell(new HostsStarted(run, node, List.copyOf(started)));
        return this;
    }

    /**
     * Starts an incarnation of a guest (from {@code snapshot} when it arrives by live migration);
     * {@code watchBoot} tells this agent when it has booted (a guest a timed event starts).
     */
    private void startGuest(GuestSettings guest, GuestVmSnapshot snapshot, long crashAtTick, boolean watchBoot) {
        ActorRef<GuestCall> hypervisor = hosts.get(guest.host()).narrow();
        HostSettings host = hostSettings.get(guest.host());
        // A para-virtual guest on a sharing host needs this tick's remap notices to write next
        // tick's page tables: it does not work ahead.
        boolean workAhead = !(guest.mode() == TranslationMode.PARA && host.sharing().enabled());
        Behavior<GuestVm.Command> behavior = snapshot == null
                ? GuestVm.create(guest, hypervisor, host.maxMmuUpdateEntries(), workAhead, crashAtTick, freeRunning)
                : GuestVm.restored(guest, snapshot, hypervisor, host.maxMmuUpdateEntries(), workAhead);
        leaving.remove(guest.name()); // the incarnation that left (if any) is an older one from now on
        int incarnation = incarnations.merge(guest.name(), 1, Integer::sum) - 1;
        behavior = Behaviors.intercept(() -> new FailureWatch<>(getContext().getSelf(),
                (cause, inputLost) -> new GuestCrashed(guest.name(), incarnation, cause, inputLost)), behavior);
        behavior = Behaviors.supervise(behavior).onFailure(SupervisorStrategy.stop().withLoggingEnabled(false));
        if (watchBoot) {
            behavior = Behaviors.intercept(() -> new BootWatch<>(getContext().getSelf(),
                    new GuestBooted(guest.name(), incarnation)), behavior);
        }
        String name = "guest-" + actorName(guest.name()) + "-" + run + (incarnation == 0 ? "" : "-" + incarnation);
        ActorRef<GuestVm.Command> ref = getContext().spawn(behavior, name);
        getContext().watchWith(ref, new GuestTerminated(guest.name(), incarnation));
        guests.put(guest.name(), guest);
        guestRefs.put(guest.name(), ref);
    }

    private Behavior<Command> onGuestTerminated(GuestTerminated t) {
        if (incarnations.getOrDefault(t.guest(), 0) - 1 != t.incarnation() || !guests.containsKey(t.guest())) {
            return this; // an older incarnation, or a guest of an earlier run
        }
        GuestSettings guest = guests.get(t.guest());
        if (leaving.remove(t.guest())) {
            guests.remove(t.guest());
            guestRefs.remove(t.guest());
            return this;
        }
        ActorRef<GuestChanged> stopped = pendingStops.remove(t.guest());
        if (stopped != null) {
            guests.remove(t.guest());
            guestRefs.remove(t.guest());
            stopped.tell(new GuestChanged(t.guest(), null)); // stopped by an event: not a fault
            return this;
        }
        ActorRef<GuestChanged> starting = pendingStarts.remove(t.guest());
        if (starting != null) {
            // It never joined its hypervisor, which does not wait for it: nothing to release.
            guests.remove(t.guest());
            guestRefs.remove(t.guest());
            String cause = crashCauses.remove(t.guest());
            manager.tell(new GuestFault(t.guest(), cause == null ? "guest actor stopped before it booted"
                    : "guest actor failed before it booted: " + cause, "stopped; it never ran"));
            starting.tell(new GuestChanged(t.guest(), "failed: the guest stopped before it booted"));
            return this;
        }
        String cause = crashCauses.remove(t.guest());
        cause = cause == null ? "guest actor stopped (failure)" : "guest actor failed: " + cause;
        int restarts = restartCounts.getOrDefault(t.guest(), 0);
        boolean lost = inputLost.remove(t.guest());
        boolean restart = restartFailedGuests && restarts < MAX_RESTARTS && !lost;
        int backoff = restartBackoffTicks(restarts + 1);
        // The fault goes to the manager before the hypervisor hears of it: the run cannot end (its
        // hypervisor does not go on without the guest) before the manager has the fault.
        if (lost) {
            manager.tell(new GuestFault(guest.name(), cause, "stopped: its input can no longer be read; its memory"
                    + " was released", true));
        } else if (restart) {
            restartCounts.put(t.guest(), restarts + 1);
            manager.tell(new GuestFault(guest.name(), cause, "restarted from a fresh boot (restart " + (restarts + 1)
                    + " of at most " + MAX_RESTARTS + ") after " + backoff + " tick" + (backoff == 1 ? "" : "s")
                    + "; its memory was released"));
        } else if (restartFailedGuests) {
            manager.tell(new GuestFault(guest.name(), cause, "stopped: it failed again after " + MAX_RESTARTS
                    + " restarts; its memory was released", true));
        } else {
            manager.tell(new GuestFault(guest.name(), cause, "stopped; its memory was released"));
        }
        if (restart) { // its hypervisor says when its backoff is over (onRestartNow)
            awaitingRestart.add(t.guest());
            hosts.get(guest.host()).tell(GuestGone.restartAfter(guest.index(), backoff, restartsDue));
        } else {
            hosts.get(guest.host()).tell(new GuestGone(guest.index(), false));
            guests.remove(t.guest());
            guestRefs.remove(t.guest());
        }
        return this;
    }

    /** A failed guest's backoff is over: its fresh incarnation boots now. */
    private Behavior<Command> onRestartNow(RestartNow now) {
        String name = now.due().name();
        GuestSettings guest = guests.get(name);
        if (!awaitingRestart.remove(name) || guest == null || guest.index() != now.due().guest()) {
            return this; // not awaited (an earlier run's, or the guest was stopped meanwhile)
        }
        startGuest(guest, null, GuestVm.NO_CRASH, false);
        return this;
    }

    private Behavior<Command> onGuestCrashed(GuestCrashed crashed) {
        if (incarnations.getOrDefault(crashed.guest(), 0) - 1 == crashed.incarnation()) {
            crashCauses.put(crashed.guest(), crashed.cause());
            if (crashed.inputLost()) {
                inputLost.add(crashed.guest());
            }
        }
        return this;
    }

    /** The actor of guest {@code name} running now: null when none, or while it waits to restart. */
    private ActorRef<GuestVm.Command> liveRef(String name) {
        return awaitingRestart.contains(name) ? null : guestRefs.get(name);
    }

    private Behavior<Command> onEvacuate(Evacuate e) {
        ActorRef<GuestVm.Command> ref = liveRef(e.guest());
        if (ref == null) {
            e.replyTo().tell(new Evacuated(e.migration(), null));
            return this;
        }
        leaving.add(e.guest());
        evacuations.put(e.guest(), e.migration());
        manager = e.replyTo();
        if (freeRunning) { // no tick boundary: its hypervisor holds it after its current tick first (onHeld)
            GuestSettings guest = guests.get(e.guest());
            hosts.get(guest.host()).tell(new FreeMigration.HoldGuest(guest.index(), guest.name(), holds));
            return this;
        }
        ref.tell(new GuestVm.Migrate(handovers));
        return this;
    }

    /** Free-running: the leaving guest is held, nothing in flight: it hands over its state now. */
    private Behavior<Command> onHeld(Held h) {
        String name = h.held().name();
        ActorRef<GuestVm.Command> ref = liveRef(name);
        if (ref != null && evacuations.containsKey(name)) {
            ref.tell(new GuestVm.Migrate(handovers));
        }
        return this;
    }

    private Behavior<Command> onHandover(Handover h) {
        Long migration = evacuations.remove(h.handover().guest());
        if (migration != null) {
            manager.tell(new Evacuated(migration, h.handover()));
        }
        return this;
    }

    private Behavior<Command> onResume(Resume r) {
        if (freeRunning && r.snapshot() != null) { // the tick it plays next there: told before it boots
            long last = r.snapshot().lastStartedTick();
            hosts.get(r.settings().host()).tell(new FreeMigration.JoinRun(r.settings().index(),
                    last == Long.MIN_VALUE ? 0 : last + 1));
        }
        startGuest(r.settings(), r.snapshot(), GuestVm.NO_CRASH, false);
        r.replyTo().tell(new Resumed(r.migration(), r.settings().name()));
        return this;
    }

    // ---------------------------------------------------------------- timed events

    private Behavior<Command> onStartGuest(StartGuest start) {
        GuestSettings guest = start.settings();
        if (start.run() != run || !hosts.containsKey(guest.host())) {
            start.replyTo().tell(new GuestChanged(guest.name(), "host " + guest.host() + " does not run on node "
                    + node));
            return this;
        }
        if (guestRefs.containsKey(guest.name())) {
            start.replyTo().tell(new GuestChanged(guest.name(), "already running"));
            return this;
        }
        pendingStarts.put(guest.name(), start.replyTo());
        startGuest(guest, null, start.crashAtTick(), true);
        return this;
    }

    private Behavior<Command> onGuestBooted(GuestBooted booted) {
        ActorRef<GuestChanged> replyTo = pendingStarts.get(booted.guest());
        if (replyTo != null && incarnations.getOrDefault(booted.guest(), 0) - 1 == booted.incarnation()) {
            pendingStarts.remove(booted.guest());
            replyTo.tell(new GuestChanged(booted.guest(), null));
        }
        return this;
    }

    private Behavior<Command> onStopGuest(StopGuest stop) {
        if (stop.run() == run && awaitingRestart.remove(stop.guest())) { // stopped while it waits to restart
            guests.remove(stop.guest());
            guestRefs.remove(stop.guest());
            stop.replyTo().tell(new GuestChanged(stop.guest(), null));
            return this;
        }
        ActorRef<GuestVm.Command> ref = stop.run() == run ? liveRef(stop.guest()) : null;
        if (ref == null) {
            stop.replyTo().tell(new GuestChanged(stop.guest(), "not running (its actor failed earlier)"));
            return this;
        }
        pendingStops.put(stop.guest(), stop.replyTo());
        getContext().stop(ref);
        return this;
    }

    private Behavior<Command> onChangeWorkload(ChangeWorkload change) {
        ActorRef<GuestVm.Command> ref = change.run() == run ? liveRef(change.guest()) : null;
        if (ref == null) {
            change.replyTo().tell(new GuestChanged(change.guest(), "not running (its actor failed earlier)"));
            return this;
        }
        WorkloadChange.ask(getContext(), ref, change.workload(), ANSWER_TIMEOUT,
                problem -> new WorkloadAnswered(change.guest(), change.replyTo(), problem));
        return this;
    }

    private Behavior<Command> onWorkloadAnswered(WorkloadAnswered answered) {
        answered.replyTo().tell(new GuestChanged(answered.guest(), answered.problem()));
        return this;
    }

    private Behavior<Command> onHello(Hello hello) {
        hello.replyTo().tell(new Info(node, capacity, getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onManagerGone(ManagerGone gone) {
        if (gone.run() == run) {
            getContext().getLog().info("{}: the scheduler of run {} is gone; its hosts and guests are stopped", node, run);
            stopAll();
        }
        return this;
    }

    private Behavior<Command> onEndRun(EndRun end) {
        if (end.run() == run) {
            stopAll();
            if (manager != null) {
                getContext().unwatch(manager);
            }
            run = -1;
        }
        return this;
    }

    private void stopAll() {
        for (ActorRef<GuestVm.Command> ref : guestRefs.values()) {
            getContext().unwatch(ref);
            getContext().stop(ref);
        }
        for (ActorRef<ToHypervisor> ref : hosts.values()) {
            getContext().stop(ref);
        }
        guestRefs.clear();
        guests.clear();
        hosts.clear();
        hostSettings.clear();
        leaving.clear();
        awaitingRestart.clear();
        evacuations.clear();
        pendingStarts.clear();
        pendingStops.clear();
    }
}
