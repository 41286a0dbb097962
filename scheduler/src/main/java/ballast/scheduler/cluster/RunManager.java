package ballast.scheduler.cluster;

import ballast.abi.ToHypervisor;
import ballast.guest.GuestHandover;
import ballast.guest.GuestSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.host.Hypervisor;
import ballast.host.migration.AdmitGuest;
import ballast.host.migration.DirtyPages;
import ballast.host.migration.MigrationReply;
import ballast.host.migration.SendRound;
import ballast.host.migration.TrackWrites;
import ballast.scheduler.clock.Clock;
import ballast.scheduler.clock.GuestControl;
import ballast.scheduler.clock.Timeline;
import ballast.scheduler.migration.MigrationSettings;
import ballast.scheduler.migration.PreCopy;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.ClusterPlan;
import ballast.scheduler.scenario.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The scheduler of a run, above the hosts: assigns the scenario's hosts to the node agents
 * (round-robin in host order, within each node's capacity), has each start its hypervisors and
 * guests, starts the {@link Clock} and plays every tick boundary: live migrations (pre-copy, one
 * step at a time in guest-name order, so that every deployment does the same), migrate events and
 * the hotspot trigger. It watches the node agents: a node that is lost (its process died) ends the
 * run with the node's guests reported lost, never a hang.
 *
 * <p>It accepts replies from hypervisors and agents on other nodes as they are (host-node and
 * guest classes), so its protocol is open ({@code Object}); what it sends itself is typed.
 */
public final class RunManager extends AbstractBehavior<Object> {

    /** A node agent and how many hosts it takes at most (0: no limit). */
    public record Agent(String node, ActorRef<NodeAgent.Command> ref, int capacity) {
    }

    /** How the run goes, beyond the scenario. */
    public record Settings(long run, boolean checkEveryTick, Duration barrierTimeout, boolean restartFailedGuests,
                           Map<String, Long> crashes, RunControl control) {
    }

    /** Private: an agent's node is gone (its actor terminated, or its member unreachable). */
    public record NodeLost(String node, String how) implements org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    private record ClockFinished(RunResult result) implements org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    private record StepTimeout(long step) implements org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    private enum Phase { NEW, PRECOPY, STOP, RESTART }

    /** One migration in progress. */
    private static final class Migration {
        final long id;
        final String guest;
        final String from;
        final String to;
        final PreCopy precopy;
        Phase phase = Phase.NEW;
        int destIndex = -1;
        int step;
        GuestHandover handover;
        int precopyLastPages;
        /** The pages the guest held when the migration started (counted on their way to {@code to}). */
        long footprint;
        /** Why the migration was given up, while it is being undone. */
        String abortReason;

        /** A guest lost with its node, to boot afresh on {@code to}. */
        static Migration restart(long id, String guest, String to) {
            Migration m = new Migration(id, guest, null, to, null);
            m.phase = Phase.RESTART;
            return m;
        }

        Migration(long id, String guest, String from, String to, PreCopy precopy) {
            this.id = id;
            this.guest = guest;
            this.from = from;
            this.to = to;
            this.precopy = precopy;
        }
    }

    private final Scenario scenario;
    private final Settings settings;
    private final CompletableFuture<RunResult> result;
    private final TimerScheduler<Object> timers;
    private final List<Agent> agents;
    private final Map<String, Agent> agentOfHost = new HashMap<>();
    private final Map<String, ActorRef<ToHypervisor>> hypervisors = new LinkedHashMap<>();
    private final Map<String, HostSettings> hostSettings = new LinkedHashMap<>();
    /** Each guest's current settings (host and index) and spec. */
    private final Map<String, GuestSettings> guests = new TreeMap<>();
    private final Map<String, GuestSpec> specs = new HashMap<>();
    /** What each host promised its guests (admission control), incoming migrations included. */
    private final ballast.scheduler.migration.HostCommitments commitments;
    /** Each host's and guest's figures at the last sample (live placement), and pages on their way to each host. */
    private Map<String, ballast.host.control.HostStats> lastHosts = Map.of();
    private final Map<String, ballast.host.control.GuestStats> lastGuests = new HashMap<>();
    private final Map<String, Long> incomingPages = new HashMap<>();
    private final MigrationSettings migrationSettings;
    private final List<ClusterPlan.MigrateEvent> events;
    private final ballast.scheduler.placement.PlacementPolicy placement;
    private final ballast.scheduler.migration.HotspotPolicy hotspot;
    /** Content fingerprints of the guests, made when the sharing-aware policy first needs them. */
    private final Map<String, ballast.scheduler.placement.BloomFilter> fingerprints = new HashMap<>();
    private int nextEvent;
    private final Map<String, Migration> active = new TreeMap<>();
    private final List<PreCopy.Outcome> outcomes = new ArrayList<>();
    private int started;
    private ActorRef<Clock.Command> clock;
    private boolean finished;
    private long nextMigrationId = 1;
    private long stepSeq;
    /** The boundary being played: the tick that starts after it, and what is left to do. */
    private long boundaryTick = -1;
    private final List<Migration> todo = new ArrayList<>();
    /** Guests lost with their node, to boot afresh elsewhere at the next tick boundary. */
    private final List<Migration> restarts = new ArrayList<>();
    /** Hosts gone with their node. */
    private final java.util.Set<String> lostHosts = new java.util.TreeSet<>();
    private final java.util.Set<String> lostNodes = new java.util.HashSet<>();
    /** What node losses did, for the run's failure line (restart mode), or null. */
    private String nodeLoss;
    private Migration current;
    /** Guests not running now: not booted yet (a later start), or stopped by a timed event. */
    private final java.util.Set<String> notRunning = new java.util.HashSet<>();
    /** Guests started at least once (a fault injected in a guest applies to its first incarnation only). */
    private final java.util.Set<String> everStarted = new java.util.HashSet<>();
    /**
     * The settings a guest's running incarnation was booted with, when they differ from the
     * scenario's (a guest started by a timed event: its workload begins with an idle phase up to
     * its start), so that a migration restores it into the same settings.
     */
    private final Map<String, GuestSettings> bootedAs = new HashMap<>();

    public static Behavior<Object> create(Scenario scenario, Settings settings, List<Agent> agents,
                                          CompletableFuture<RunResult> result) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new RunManager(context, timers, scenario, settings, agents, result)));
    }

    private RunManager(ActorContext<Object> context, TimerScheduler<Object> timers, Scenario scenario, Settings settings,
                       List<Agent> agents, CompletableFuture<RunResult> result) {
        super(context);
        this.scenario = scenario;
        this.settings = settings;
        this.result = result;
        this.timers = timers;
        this.agents = List.copyOf(agents);
        this.migrationSettings = scenario.cluster().migration();
        this.events = scenario.cluster().events();
        this.placement = ballast.scheduler.placement.Placements.byName(scenario.cluster().placement());
        this.hotspot = new ballast.scheduler.migration.HotspotPolicy(scenario.cluster().hotspot(), scenario.tickSeconds());
        for (GuestSettings g : scenario.guests()) {
            guests.put(g.name(), g);
        }
        notRunning.addAll(scenario.startingLater());
        for (HostSettings h : scenario.hosts()) {
            hostSettings.put(h.name(), h);
            for (GuestSpec s : h.guests()) {
                specs.put(s.name(), s);
            }
        }
        this.commitments = new ballast.scheduler.migration.HostCommitments(scenario.hosts(),
                scenario.cluster().autoSwapHosts());
        if ("cluster".equals(context.getSystem().settings().config().getString("pekko.actor.provider"))) {
            ActorRef<org.apache.pekko.cluster.ClusterEvent.UnreachableMember> unreachable = context.messageAdapter(
                    org.apache.pekko.cluster.ClusterEvent.UnreachableMember.class,
                    e -> new NodeLost(e.member().address().toString(), "unreachable"));
            org.apache.pekko.cluster.typed.Cluster.get(context.getSystem()).subscriptions().tell(
                    org.apache.pekko.cluster.typed.Subscribe.create(unreachable,
                            org.apache.pekko.cluster.ClusterEvent.UnreachableMember.class));
        }
        assignAndStart();
    }

    /** Round-robin in host order over the agents (in node order), skipping agents at capacity. */
    private void assignAndStart() {
        Map<Agent, List<HostSettings>> byAgent = new LinkedHashMap<>();
        agents.forEach(a -> byAgent.put(a, new ArrayList<>()));
        int next = 0;
        for (HostSettings h : scenario.hosts()) {
            Agent chosen = null;
            for (int tries = 0; tries < agents.size() && chosen == null; tries++) {
                Agent a = agents.get((next + tries) % agents.size());
                if (a.capacity() == 0 || byAgent.get(a).size() < a.capacity()) {
                    chosen = a;
                    next = (next + tries + 1) % agents.size();
                }
            }
            if (chosen == null) {
                fail("no node has room for host " + h.name() + ": " + agents.size() + " node(s), all at their --hosts limit");
                return;
            }
            byAgent.get(chosen).add(h);
            agentOfHost.put(h.name(), chosen);
        }
        List<String> crashNames = new ArrayList<>(settings.crashes().keySet());
        long[] crashTicks = new long[crashNames.size()];
        for (int i = 0; i < crashTicks.length; i++) {
            crashTicks[i] = settings.crashes().get(crashNames.get(i));
        }
        for (Map.Entry<Agent, List<HostSettings>> e : byAgent.entrySet()) {
            List<GuestSettings> theirGuests = new ArrayList<>();
            for (HostSettings h : e.getValue()) {
                for (GuestSettings g : scenario.guests()) {
                    if (g.host().equals(h.name()) && !notRunning.contains(g.name())) {
                        theirGuests.add(g);
                        everStarted.add(g.name());
                    }
                }
            }
            getContext().watchWith(e.getKey().ref(), new NodeLost(e.getKey().node(), "its agent stopped"));
            e.getKey().ref().tell(new NodeAgent.StartHosts(settings.run(), List.copyOf(e.getValue()),
                    List.copyOf(theirGuests), settings.restartFailedGuests(), List.copyOf(crashNames), crashTicks,
                    getContext().getSelf()));
        }
        timers.startSingleTimer("start", new StepTimeout(-1), settings.barrierTimeout());
    }

    @Override
    public Receive<Object> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeAgent.HostsStarted.class, this::onHostsStarted)
                .onMessage(Clock.TickEnded.class, this::onTickEnded)
                .onMessage(MigrationReply.class, this::onMigrationReply)
                .onMessage(NodeAgent.Evacuated.class, this::onEvacuated)
                .onMessage(ballast.host.migration.PageBatchAck.class, this::onInstalled)
                .onMessage(NodeAgent.Resumed.class, this::onResumed)
                .onMessage(Clock.GuestFault.class, this::onGuestFault)
                .onMessage(NodeLost.class, this::onNodeLost)
                .onMessage(StepTimeout.class, this::onStepTimeout)
                .onMessage(ClockFinished.class, this::onClockFinished)
                .onMessage(GuestControl.class, this::onGuestControl)
                .build();
    }

    private Behavior<Object> onHostsStarted(NodeAgent.HostsStarted started) {
        if (started.run() != settings.run()) {
            return this;
        }
        for (NodeAgent.HostRef h : started.hosts()) {
            hypervisors.put(h.host(), h.hypervisor());
        }
        if (++this.started < agents.size()) {
            return this;
        }
        timers.cancel("start");
        Map<String, ActorRef<ToHypervisor>> ordered = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (HostSettings h : scenario.hosts()) {
            ordered.put(h.name(), hypervisors.get(h.name()));
            names.add(h.name());
        }
        Clock.Plan plan = new Clock.Plan(scenario.ticks(), scenario.sampleEveryTicks(), scenario.tickSeconds(),
                settings.checkEveryTick(), settings.barrierTimeout(), names,
                Scenario.FREE_RUNNING.equals(scenario.mode()),
                Math.max(64, scenario.guests().size()));
        CompletableFuture<RunResult> clockResult = new CompletableFuture<>();
        ActorRef<Object> self = getContext().getSelf();
        clockResult.whenComplete((r, e) -> self.tell(new ClockFinished(r)));
        boolean deterministic = !Scenario.FREE_RUNNING.equals(scenario.mode());
        Map<String, Timeline.Place> places = new HashMap<>();
        guests.values().forEach(g -> places.put(g.name(), new Timeline.Place(g.host(), g.index())));
        Timeline timeline = new Timeline(scenario.events(), places, scenario.startingLater(),
                getContext().getSelf().narrow());
        clock = getContext().spawn(Clock.create(plan, ordered, clockResult, settings.control(), timeline,
                deterministic ? self : null), "clock");
        return this;
    }

    private Behavior<Object> onGuestFault(Clock.GuestFault fault) {
        if (clock != null) {
            clock.tell(fault);
        }
        return this;
    }

    // ---------------------------------------------------------------- timed events

    /**
     * The clock starts, stops or changes a guest (a timed event, between two ticks): the request
     * goes to the node agent of the guest's current host, which answers the clock.
     */
    private Behavior<Object> onGuestControl(GuestControl request) {
        if (request instanceof GuestControl.Start start) {
            GuestSettings g = guests.get(start.guest());
            String why = g == null ? "no such guest" : !notRunning.contains(g.name()) ? "already running"
                    : agentOfHost.containsKey(g.host()) ? null : "its host " + g.host() + " was lost with its node";
            if (why != null) {
                start.replyTo().tell(new Clock.GuestChanged(start.guest(), why));
                return this;
            }
            long crash = everStarted.add(g.name())
                    ? settings.crashes().getOrDefault(g.name(), ballast.guest.GuestVm.NO_CRASH)
                    : ballast.guest.GuestVm.NO_CRASH;
            notRunning.remove(g.name());
            GuestSettings booting = bootingAt(g, start.tick());
            bootedAs.put(g.name(), booting);
            agentOfHost.get(g.host()).ref().tell(new NodeAgent.StartGuest(settings.run(), booting, crash,
                    start.replyTo()));
        } else if (request instanceof GuestControl.Stop stop) {
            GuestSettings g = guests.get(stop.guest());
            String why = running(stop.guest());
            if (why != null) {
                stop.replyTo().tell(new Clock.GuestChanged(stop.guest(), why));
                return this;
            }
            notRunning.add(g.name());
            agentOfHost.get(g.host()).ref().tell(new NodeAgent.StopGuest(settings.run(), g.name(), stop.replyTo()));
        } else if (request instanceof GuestControl.ChangeWorkload change) {
            GuestSettings g = guests.get(change.guest());
            String why = running(change.guest());
            if (why != null) {
                change.replyTo().tell(new Clock.GuestChanged(change.guest(), why));
                return this;
            }
            agentOfHost.get(g.host()).ref().tell(new NodeAgent.ChangeWorkload(settings.run(), g.name(),
                    change.workload(), change.replyTo()));
        }
        return this;
    }

    /** Why a timed event cannot stop or change {@code guest} now, or null. */
    private String running(String guest) {
        GuestSettings g = guests.get(guest);
        if (g == null) {
            return "no such guest";
        }
        if (notRunning.contains(guest)) {
            return "not running";
        }
        Migration m = active.get(guest);
        if (m != null) {
            return m.from == null ? "it is restarting on " + m.to + " (its node was lost)"
                    : "it is migrating from " + m.from + " to " + m.to + " (live migration does not carry a stop or"
                    + " a workload change; the event may come once the migration is over)";
        }
        if (!agentOfHost.containsKey(g.host())) {
            return "its host " + g.host() + " was lost with its node";
        }
        return null;
    }

    /**
     * The guest as it boots before tick {@code tick}: its workload's phases count from then (they are
     * played on the run's clock, so an idle stretch until its boot comes first).
     */
    static GuestSettings bootingAt(GuestSettings guest, long tick) {
        ballast.guest.workload.WorkloadSettings w = guest.workload();
        double seconds = tick * guest.tickSeconds();
        if (tick == 0 || w.isTrace()) {
            return guest;
        }
        List<ballast.guest.workload.Phase> phases = new ArrayList<>();
        phases.add(ballast.guest.workload.Phase.idle(seconds));
        phases.addAll(w.phases());
        return new GuestSettings(guest.name(), guest.host(), guest.index(), guest.os(), guest.mode(),
                guest.configuredPages(), guest.processes(), guest.seed(), guest.tickSeconds(), guest.content(),
                new ballast.guest.workload.WorkloadSettings(w.type(), phases, w.traces()), guest.osProfile(),
                guest.memory());
    }

    // ---------------------------------------------------------------- tick boundaries

    private Behavior<Object> onTickEnded(Clock.TickEnded ended) {
        boundaryTick = ended.nextTick();
        double now = boundaryTick * scenario.tickSeconds();
        lastHosts = ended.hosts();
        ended.guests().values().forEach(rows -> rows.forEach(g -> lastGuests.put(g.name(), g)));
        while (nextEvent < events.size() && events.get(nextEvent).atSeconds() <= now + 1e-9) {
            begin(events.get(nextEvent++), "event");
        }
        for (ballast.scheduler.migration.HotspotPolicy.Decision d : hotspot.observe(boundaryTick, ended.hosts(),
                loads(ended.guests()), busyHosts())) {
            java.util.Set<String> avoid = new java.util.HashSet<>(busyHosts());
            ended.hosts().forEach((h, st) -> {
                if (scenario.cluster().hotspot().states().contains(st.reclaim().state())) {
                    avoid.add(h);
                }
            });
            String to = choose(d.guest(), avoid);
            if (to != null) {
                getContext().getLog().info("hotspot: {} moves {} to {}", d.host(), d.guest(), to);
                begin(new ClusterPlan.MigrateEvent(now, d.guest(), to), "hotspot");
            }
        }
        todo.clear();
        todo.addAll(restarts);
        restarts.clear();
        for (Migration m : active.values()) {
            if (m.phase == Phase.NEW || m.precopy.roundOver(boundaryTick)) {
                todo.add(m);
            }
        }
        nextStep();
        return this;
    }

    /** The guests of each host with the pages they hold, from the last sample. */
    private Map<String, List<ballast.scheduler.migration.HotspotPolicy.GuestLoad>> loads(
            Map<String, List<ballast.host.control.GuestStats>> sampled) {
        Map<String, List<ballast.scheduler.migration.HotspotPolicy.GuestLoad>> out = new HashMap<>();
        sampled.forEach((host, rows) -> {
            List<ballast.scheduler.migration.HotspotPolicy.GuestLoad> list = new ArrayList<>();
            for (ballast.host.control.GuestStats g : rows) {
                if (!active.containsKey(g.name()) && movable(g.name()) == null) {
                    list.add(new ballast.scheduler.migration.HotspotPolicy.GuestLoad(g.name(), g.allocatedPages()));
                }
            }
            out.put(host, list);
        });
        return out;
    }

    /** Migrations now on {@code m}'s link (between its two hosts, either way), itself included. */
    private int sharers(Migration m) {
        int n = 0;
        for (Migration other : active.values()) {
            if (other.from.equals(m.from) && other.to.equals(m.to) || other.from.equals(m.to) && other.to.equals(m.from)) {
                n++;
            }
        }
        return Math.max(1, n);
    }

    /** Hosts sending or receiving a guest now. */
    private java.util.Set<String> busyHosts() {
        java.util.Set<String> busy = new java.util.HashSet<>();
        for (Migration m : active.values()) {
            busy.add(m.from);
            busy.add(m.to);
        }
        return busy;
    }

    /**
     * Where the placement policy sends {@code guest} now, away from its host and {@code avoid};
     * null if nowhere. Only hosts whose admission control takes the guest are candidates. The
     * policy compares the room each host would have left after the guest arrived: on a host that
     * reclaims memory, with the figures of the last sample (its free frames less its high-state
     * threshold and the pages of migrations on their way to it, against the pages the guest holds
     * now, in memory or in host swap), so that a guest moved off a hot host does not make another
     * one hot; on a host that does not reclaim, what admission control has left.
     */
    private String choose(String guest, java.util.Set<String> avoid) {
        GuestSettings g = guests.get(guest);
        if (g == null) {
            return null;
        }
        GuestSpec spec = specs.get(guest);
        boolean content = placement.name().equals("sharing-aware");
        long needs = footprint(guest);
        List<ballast.scheduler.placement.PlacementPolicy.HostLoad> loads = new ArrayList<>();
        for (HostSettings h : scenario.hosts()) {
            if (h.name().equals(g.host()) || avoid.contains(h.name()) || lostHosts.contains(h.name())
                    || commitments.refusal(h.name(), spec) != null) {
                continue;
            }
            ballast.scheduler.placement.BloomFilter residents = ballast.scheduler.placement.Fingerprints.empty();
            if (content) {
                for (GuestSettings other : guests.values()) {
                    if (other.host().equals(h.name())) {
                        residents.addAll(fingerprint(other));
                    }
                }
            }
            ballast.host.control.HostStats live = lastHosts.get(h.name());
            long roomAfter = h.reclaim().enabled() && live != null
                    ? live.framesFree() - live.reclaim().highThresholdPages() - incomingPages.getOrDefault(h.name(), 0L) - needs
                    : commitments.memoryLeft(h.name()) - spec.configuredPages();
            loads.add(new ballast.scheduler.placement.PlacementPolicy.HostLoad(h.name(), roomAfter + needs, 0, residents));
        }
        return placement.place(new ballast.scheduler.placement.PlacementPolicy.Candidate(g.name(), needs,
                content ? fingerprint(g) : ballast.scheduler.placement.Fingerprints.empty()), loads);
    }

    /** The pages {@code guest} holds now (in memory or in host swap), from the last sample; its memory before one. */
    private long footprint(String guest) {
        ballast.host.control.GuestStats s = lastGuests.get(guest);
        return s == null ? guests.get(guest).configuredPages() : s.allocatedPages() + s.reclaim().hostSwappedPages();
    }

    /** Why {@code guest} cannot be live-migrated now, or null. */
    private String movable(String guest) {
        GuestSettings g = guests.get(guest);
        if (g == null) {
            return "no guest " + guest;
        }
        if (notRunning.contains(g.name())) {
            return g.name() + " is not running (it has not started yet, or an event stopped it)";
        }
        return null;
    }

    private ballast.scheduler.placement.BloomFilter fingerprint(GuestSettings g) {
        return fingerprints.computeIfAbsent(g.name(), n -> ballast.scheduler.placement.Fingerprints.of(g.content(),
                g.seed(), g.workload().maxWorkingSetPages()));
    }

    /** Starts a migration for an event, or reports why it cannot be done. */
    private void begin(ClusterPlan.MigrateEvent requested, String trigger) {
        ClusterPlan.MigrateEvent event = requested;
        if (event.to().isEmpty() && guests.containsKey(event.guest()) && !active.containsKey(event.guest())) {
            String to = choose(event.guest(), java.util.Set.of());
            event = new ClusterPlan.MigrateEvent(event.atSeconds(), event.guest(), to == null ? "" : to);
        }
        GuestSettings g = guests.get(event.guest());
        String why = null;
        if (g == null) {
            why = "no guest " + event.guest();
        } else if (active.containsKey(g.name())) {
            why = g.name() + " is already migrating";
        } else if (event.to().isEmpty()) {
            why = "no host has room for it (placement " + placement.name() + ")";
        } else if (!hostSettings.containsKey(event.to())) {
            why = "no host " + event.to();
        } else if (event.to().equals(g.host())) {
            why = g.name() + " already runs on " + event.to();
        } else if (lostHosts.contains(event.to())) {
            why = "host " + event.to() + " was lost with its node";
        } else {
            why = movable(g.name());
            if (why == null) {
                why = commitments.refusal(event.to(), specs.get(g.name()));
            }
        }
        if (why != null) {
            getContext().getLog().warn("migration of {} at {} s not done: {}", event.guest(), event.atSeconds(), why);
            if (clock != null) {
                clock.tell(new Clock.GuestFault(event.guest(), "migration refused: " + why, "stays where it is"));
            }
            return;
        }
        commitments.add(event.to(), specs.get(g.name()));
        PreCopy p = new PreCopy(g.name(), g.host(), event.to(), g.configuredPages(), migrationSettings,
                scenario.tickSeconds(), boundaryTick).triggeredBy(trigger);
        Migration m = new Migration(nextMigrationId++, g.name(), g.host(), event.to(), p);
        m.footprint = footprint(g.name());
        incomingPages.merge(event.to(), m.footprint, Long::sum);
        active.put(g.name(), m);
    }

    /** Plays the next migration step of this boundary, or lets the clock go on. */
    private void nextStep() {
        if (todo.isEmpty()) {
            current = null;
            clock.tell(new Clock.Proceed(null));
            return;
        }
        current = todo.remove(0);
        Migration m = current;
        if (m.phase == Phase.RESTART) {
            step(m, 11);
            hypervisors.get(m.to).tell(new AdmitGuest(m.id, specs.get(m.guest),
                    commitments.swapToAdd(m.to, specs.get(m.guest)), replyRef()));
        } else if (m.phase == Phase.NEW) {
            step(m, 1);
            hypervisors.get(m.to).tell(new AdmitGuest(m.id, specs.get(m.guest),
                    commitments.swapToAdd(m.to, specs.get(m.guest)), replyRef()));
        } else {
            step(m, 4);
            hypervisors.get(m.from).tell(new DirtyPages(m.id, guests.get(m.guest).index(), replyRef()));
        }
    }

    private ActorRef<MigrationReply> replyRef() {
        return getContext().getSelf().narrow();
    }

    private void step(Migration m, int step) {
        m.step = step;
        timers.startSingleTimer("step", new StepTimeout(++stepSeq), settings.barrierTimeout());
    }

    /** Wall time a round's send started (for the cross-node throughput in the log). */
    private long roundStartNanos;

    /** Logs how fast a round's pages crossed (page batches per wall second). */
    private void logRound(Migration m, int pages) {
        double ms = (System.nanoTime() - roundStartNanos) / 1e6;
        long batches = (pages + migrationSettings.batchPages() - 1) / migrationSettings.batchPages();
        getContext().getLog().info("migration of {} {} -> {}: {} pages in {} batches, {} ms wall ({} batches/s)",
                m.guest, m.from, m.to, pages, batches, String.format("%.1f", ms),
                ms > 0 ? String.format("%.0f", batches * 1000 / ms) : "-");
    }

    private SendRound round(Migration m, boolean first, boolean last) {
        roundStartNanos = System.nanoTime();
        return new SendRound(m.id, guests.get(m.guest).index(), first, last, hypervisors.get(m.to), m.destIndex,
                migrationSettings.batchPages(), migrationSettings.window(),
                last ? commitments.swapToAdd(m.from, specs.get(m.guest)) : 0, replyRef());
    }

    private Behavior<Object> onMigrationReply(MigrationReply reply) {
        Migration m = current;
        if (m == null || reply.migration() != m.id || finished) {
            return this;
        }
        if (reply.problem() != null) {
            String what = "migration of " + m.guest + " from " + m.from + " to " + m.to + " failed: " + reply.problem()
                    + " (" + reply.host() + ")";
            if (m.phase != Phase.RESTART && m.step >= 1 && m.step <= 5) {
                // before the stop-and-copy the guest still runs at the source: give the migration up
                m.abortReason = what;
                step(m, 9);
                hypervisors.get(m.from).tell(new ballast.host.migration.CancelMigration(m.id,
                        guests.get(m.guest).index(), false, replyRef()));
            } else {
                fail(what);
            }
            return this;
        }
        switch (m.step) {
            case 9 -> { // given up: the source no longer tracks it; the destination lets go of what arrived
                if (m.destIndex < 0) {
                    abandoned(m);
                } else {
                    step(m, 10);
                    hypervisors.get(m.to).tell(new ballast.host.migration.CancelMigration(m.id, m.destIndex, true,
                            replyRef()));
                }
            }
            case 10 -> abandoned(m);
            case 1 -> { // admitted at the destination: track the source's writes
                m.destIndex = reply.guest();
                step(m, 2);
                hypervisors.get(m.from).tell(new TrackWrites(m.id, guests.get(m.guest).index(), replyRef()));
            }
            case 2 -> { // tracking: the first, full round
                step(m, 3);
                hypervisors.get(m.from).tell(round(m, true, false));
            }
            case 3, 5 -> { // a round was sent; it takes its time on the link
                logRound(m, reply.pagesSent());
                m.precopy.roundSent(reply.pagesSent(), boundaryTick, sharers(m));
                m.phase = Phase.PRECOPY;
                nextStep();
            }
            case 4 -> { // the round is over: another, or stop and copy
                if (!m.precopy.stopAndCopy(reply.dirtyPages())) {
                    step(m, 5);
                    hypervisors.get(m.from).tell(round(m, false, false));
                } else {
                    m.phase = Phase.STOP;
                    step(m, 6);
                    agentOfHost.get(m.from).ref().tell(new NodeAgent.Evacuate(m.id, m.guest, getContext().getSelf()));
                }
            }
            case 7 -> { // the last pages and the page tables are in, the guest installed: resume it there
                GuestSettings old = guests.get(m.guest);
                GuestSettings moved = relocated(bootedAs.getOrDefault(m.guest, old), m.to, m.destIndex);
                step(m, 8);
                m.precopyLastPages = reply.pagesSent();
                logRound(m, reply.pagesSent());
                agentOfHost.get(m.to).ref().tell(new NodeAgent.Resume(m.id, moved, m.handover.snapshot(),
                        getContext().getSelf()));
            }
            case 11 -> { // a lost guest has room on its new host: install it empty, then boot it afresh
                m.destIndex = reply.guest();
                step(m, 12);
                @SuppressWarnings({"unchecked", "rawtypes"})
                ActorRef<ToHypervisor> self = (ActorRef) getContext().getSelf();
                hypervisors.get(m.to).tell(new ballast.host.migration.InstallGuest(m.id, m.destIndex, new long[0],
                        new int[0], null, null, self));
            }
            default -> getContext().getLog().warn("unexpected migration reply {} at step {}", reply, m.step);
        }
        return this;
    }

    /** A migration given up before its stop-and-copy: the guest runs on at its source; the fault says why. */
    private void abandoned(Migration m) {
        timers.cancel("step");
        getContext().getLog().warn("{}; {} stays on {}", m.abortReason, m.guest, m.from);
        commitments.remove(m.to, specs.get(m.guest));
        incomingPages.merge(m.to, -m.footprint, Long::sum);
        active.remove(m.guest);
        clock.tell(new Clock.GuestFault(m.guest, m.abortReason, "stays on " + m.from));
        nextStep();
    }

    /** The new host installed a restarted guest (empty): start its fresh incarnation there. */
    private Behavior<Object> onInstalled(ballast.host.migration.PageBatchAck ack) {
        Migration m = current;
        if (m == null || ack.migration() != m.id || m.step != 12 || finished) {
            return this;
        }
        if (ack.problem() != null) {
            fail("restart of " + m.guest + " on " + m.to + " failed: " + ack.problem());
            return this;
        }
        step(m, 13);
        agentOfHost.get(m.to).ref().tell(new NodeAgent.Resume(m.id, relocated(guests.get(m.guest), m.to, m.destIndex),
                null, getContext().getSelf()));
        return this;
    }

    private Behavior<Object> onEvacuated(NodeAgent.Evacuated e) {
        Migration m = current;
        if (m == null || e.migration() != m.id || m.step != 6 || finished) {
            return this;
        }
        if (e.handover() == null) {
            fail("migration of " + m.guest + ": the guest is not running on " + m.from);
            return this;
        }
        m.handover = e.handover();
        step(m, 7);
        hypervisors.get(m.from).tell(round(m, false, true));
        return this;
    }

    private Behavior<Object> onResumed(NodeAgent.Resumed r) {
        Migration m = current;
        if (m == null || r.migration() != m.id || m.step != 8 && m.step != 13 || finished) {
            return this;
        }
        timers.cancel("step");
        clock.tell(new Clock.GuestMoved(m.guest, m.to, m.destIndex));
        if (m.phase == Phase.RESTART) {
            guests.put(m.guest, relocated(guests.get(m.guest), m.to, m.destIndex));
            nextStep();
            return this;
        }
        GuestSettings old = guests.get(m.guest);
        guests.put(m.guest, relocated(old, m.to, m.destIndex));
        bootedAs.computeIfPresent(m.guest, (name, booted) -> relocated(booted, m.to, m.destIndex));
        commitments.remove(m.from, specs.get(m.guest));
        incomingPages.merge(m.to, -m.footprint, Long::sum);
        outcomes.add(m.precopy.finish(m.precopyLastPages, boundaryTick, sharers(m)));
        active.remove(m.guest);
        nextStep();
        return this;
    }

    static GuestSettings relocated(GuestSettings g, String host, int index) {
        return new GuestSettings(g.name(), host, index, g.os(), g.mode(), g.configuredPages(), g.processes(), g.seed(),
                g.tickSeconds(), g.content(), g.workload(), g.osProfile(), g.memory());
    }

    private Behavior<Object> onStepTimeout(StepTimeout t) {
        if (finished) {
            return this;
        }
        if (t.step() == -1) {
            fail("the host-node agents did not all start their hosts within " + settings.barrierTimeout().toSeconds() + " s");
        } else if (t.step() == stepSeq && current != null) {
            fail("migration of " + current.guest + " from " + current.from + " to " + current.to + " timed out after "
                    + settings.barrierTimeout().toSeconds() + " s at step " + current.step);
        }
        return this;
    }

    // ---------------------------------------------------------------- node loss and the end

    private Behavior<Object> onNodeLost(NodeLost lost) {
        if (finished || agents.stream().noneMatch(a -> a.node().equals(lost.node())) || !lostNodes.add(lost.node())) {
            return this; // not one of this run's nodes, or already handled (unreachable, then terminated)
        }
        List<String> hosts = new ArrayList<>();
        for (Map.Entry<String, Agent> e : agentOfHost.entrySet()) {
            if (e.getValue().node().equals(lost.node())) {
                hosts.add(e.getKey());
            }
        }
        hosts.sort(String::compareTo);
        List<String> lostGuests = new ArrayList<>();
        for (GuestSettings g : guests.values()) {
            Migration m = active.get(g.name());
            if (hosts.contains(g.host()) || m != null && hosts.contains(m.to)) {
                lostGuests.add(g.name());
            }
        }
        boolean migrating = active.values().stream().anyMatch(m -> hosts.contains(m.from) || hosts.contains(m.to));
        if ("restart".equals(scenario.cluster().onNodeLoss()) && clock != null && !migrating
                && !Scenario.FREE_RUNNING.equals(scenario.mode()) && lostHosts.size() + hosts.size() < hostSettings.size()) {
            restartElsewhere(lost, hosts, lostGuests);
            return this;
        }
        String reason = "node " + lost.node() + " was lost (" + lost.how() + "): host(s) " + String.join(", ", hosts)
                + (lostGuests.isEmpty() ? "" : " with guest(s) " + String.join(", ", lostGuests) + " lost");
        getContext().getLog().error("{}", reason);
        if (clock != null) {
            for (String g : lostGuests) {
                clock.tell(new Clock.GuestFault(g, "node " + lost.node() + " lost", "lost with its host "
                        + guests.get(g).host()));
            }
            clock.tell(new Clock.Abort(reason));
        } else {
            fail(reason);
        }
        return this;
    }

    /**
     * on-node-loss = restart: the clock stops waiting for the node's hosts, and each of their guests
     * boots afresh (new memory, new integrity record) at the next tick boundary on the host the
     * placement policy picks among the others; a guest with no room anywhere stays lost.
     */
    private void restartElsewhere(NodeLost lost, List<String> hosts, List<String> lostGuests) {
        lostHosts.addAll(hosts);
        for (String h : hosts) {
            agentOfHost.remove(h);
            hypervisors.remove(h);
            commitments.close(h);
        }
        clock.tell(new Clock.HostsLost(List.copyOf(hosts)));
        List<String> where = new ArrayList<>();
        for (String g : lostGuests) {
            if (notRunning.contains(g)) { // not started yet, or stopped by an event: nothing to boot again
                clock.tell(new Clock.GuestFault(g, "node " + lost.node() + " lost", "lost with its host "
                        + guests.get(g).host() + "; it was not running, so it is not restarted"));
                where.add(g + " lost (not running)");
                continue;
            }
            String to = choose(g, lostHosts);
            if (to == null) {
                clock.tell(new Clock.GuestFault(g, "node " + lost.node() + " lost", "lost with its host "
                        + guests.get(g).host() + "; no room to restart it elsewhere"));
                where.add(g + " lost");
                continue;
            }
            commitments.add(to, specs.get(g));
            bootedAs.remove(g); // it boots afresh with the scenario's settings
            restarts.add(Migration.restart(nextMigrationId++, g, to));
            clock.tell(new Clock.GuestFault(g, "node " + lost.node() + " lost", "restarted from a fresh boot on " + to));
            where.add(g + " on " + to);
        }
        String note = "node " + lost.node() + " was lost (" + lost.how() + "): host(s) " + String.join(", ", hosts)
                + (where.isEmpty() ? "" : "; guests restarted from a fresh boot: " + String.join(", ", where));
        nodeLoss = nodeLoss == null ? note : nodeLoss + "; " + note;
        getContext().getLog().error("{}", note);
    }

    /** Ends the run with a failure: through the clock once it runs (so that what was played is kept). */
    private void fail(String failure) {
        if (clock != null) {
            clock.tell(new Clock.Abort(failure));
            return;
        }
        finished = true;
        endRun();
        result.complete(new RunResult(0, List.of(), List.of(), List.of(), List.of(), 0, List.of(), failure, false, 0,
                List.of()).withMigrations(outcomes, Map.of()));
        getContext().stop(getContext().getSelf());
    }

    private Behavior<Object> onClockFinished(ClockFinished done) {
        finished = true;
        endRun();
        Map<String, String> where = new TreeMap<>();
        guests.values().forEach(g -> where.put(g.name(), g.host()));
        RunResult r = done.result() == null
                ? new RunResult(0, List.of(), List.of(), List.of(), List.of(), 0, List.of(), "the clock failed", false,
                0, List.of())
                : done.result();
        if (nodeLoss != null && r.failure() == null) {
            r = r.withFailure(nodeLoss);
        }
        List<RunResult.Fault> unfinished = new ArrayList<>();
        for (Migration m : active.values()) {
            if (m.phase != Phase.RESTART) {
                unfinished.add(new RunResult.Fault(m.guest, boundaryTick, "migration to " + m.to + " unfinished: the run ended"
                        + " after " + m.precopy.rounds() + " pre-copy round(s), " + m.precopy.pagesSent() + " pages sent",
                        "stays on " + m.from));
            }
        }
        result.complete(r.withFaults(unfinished).withMigrations(outcomes, where));
        return Behaviors.stopped();
    }

    private void endRun() {
        for (Agent a : agents) {
            getContext().unwatch(a.ref());
            a.ref().tell(new NodeAgent.EndRun(settings.run()));
        }
    }

    /** The address of an agent's node (for cluster membership events). */
    static Address addressOf(ActorRef<?> ref) {
        return ref.path().address();
    }
}
