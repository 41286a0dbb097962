package ballast.scheduler.cluster;

import ballast.host.node.GuestFault;
import ballast.host.node.NodeAgent;
import ballast.abi.ToHypervisor;
import ballast.guest.GuestSettings;
import ballast.host.HostSettings;
import ballast.host.migration.MigrationReply;
import ballast.host.migration.PageBatchAck;
import ballast.scheduler.clock.Clock;
import ballast.scheduler.clock.ClockPlan;
import ballast.scheduler.clock.GuestControl;
import ballast.scheduler.clock.TickEnded;
import ballast.scheduler.clock.Timeline;
import ballast.scheduler.migration.HostCommitments;
import ballast.scheduler.placement.Placements;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;

/**
 * The scheduler of a run, above the hosts: assigns the scenario's hosts to the node agents
 * ({@link HostAssignment}), has each start its hypervisors and guests, starts the {@link Clock} and
 * plays every tick boundary: live migrations ({@link LiveMigration}, one step at a time in the
 * order {@link MigrationBoard} gives, so that every deployment does the same), migrate events and
 * the hotspot trigger; it passes the clock's timed guest changes on to the agent of the guest's
 * host ({@link GuestRoster} decides whether they may happen). It watches the node agents: a node
 * that is lost (its process died) ends the run with the node's guests reported lost, or, with
 * {@code on-node-loss = restart}, boots them afresh elsewhere ({@link NodeLoss}); never a hang.
 *
 * <p>Every message comes through an adapter: the agents' reports, the hypervisors' migration
 * replies, the clock's boundaries and guest requests, cluster reachability.
 */
public final class RunManager extends AbstractBehavior<RunManager.Command> {

    /** A node agent and how many hosts it takes at most (0: no limit). */
    public record Agent(String node, ActorRef<NodeAgent.Command> ref, int capacity) {
    }

    /** How the run goes, beyond the scenario. */
    public record Settings(long run, boolean checkEveryTick, Duration barrierTimeout, boolean restartFailedGuests,
                           Map<String, Long> crashes, RunControl control) {
    }

    /** What the manager handles: only its own wrappers, made by its adapters and timers. */
    public sealed interface Command extends NoSerializationVerificationNeeded {
    }

    private record AgentReported(NodeAgent.Report report) implements Command {
    }

    private record HostReplied(MigrationReply reply) implements Command {
    }

    private record Installed(PageBatchAck ack) implements Command {
    }

    private record BoundaryReached(TickEnded ended) implements Command {
    }

    private record ControlRequested(GuestControl request) implements Command {
    }

    /** An agent's node is gone (its actor terminated, or its member unreachable). */
    record NodeLost(String node, String how) implements Command {
    }

    private record ClockFinished(RunResult result) implements Command {
    }

    private record StepTimeout(long step) implements Command {
    }

    private final Scenario scenario;
    private final Settings settings;
    private final CompletableFuture<RunResult> result;
    private final TimerScheduler<Command> timers;
    private final List<Agent> agents;
    private final Map<String, Agent> agentOfHost = new HashMap<>();
    private final Map<String, ActorRef<ToHypervisor>> hypervisors = new LinkedHashMap<>();
    private final GuestRoster roster;
    private final MigrationBoard board;
    private final NodeLoss nodeLoss;
    private final ActorRef<NodeAgent.Report> reports;
    private final BoundaryPlayer player;
    private int started;
    private ActorRef<Clock.Command> clock;
    private boolean finished;
    /** Every guest fault told to the clock, in order: those the clock had no time to take are added at the end. */
    private final List<GuestFault> faultsToClock = new ArrayList<>();

    public static Behavior<Command> create(Scenario scenario, Settings settings, List<Agent> agents,
                                           CompletableFuture<RunResult> result) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new RunManager(context, timers, scenario, settings, agents, result)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private RunManager(ActorContext<Command> context, TimerScheduler<Command> timers, Scenario scenario,
                       Settings settings, List<Agent> agents, CompletableFuture<RunResult> result) {
        super(context);
        this.scenario = scenario;
        this.settings = settings;
        this.result = result;
        this.timers = timers;
        this.agents = List.copyOf(agents);
        this.roster = new GuestRoster(scenario);
        this.board = new MigrationBoard(scenario, roster,
                new HostCommitments(scenario.hosts(), scenario.cluster().autoSwapHosts()),
                Placements.byName(scenario.cluster().placement()));
        this.nodeLoss = new NodeLoss(scenario, roster, board);
        this.reports = context.messageAdapter(NodeAgent.Report.class, AgentReported::new);
        // a hypervisor answers an installation (PageBatchAck) on a ToHypervisor ref, as it answers its peer
        StepMessages messages = new StepMessages(roster, board, scenario.cluster().migration(),
                context.messageAdapter(MigrationReply.class, HostReplied::new),
                (ActorRef) context.messageAdapter(PageBatchAck.class, Installed::new), reports);
        this.player = new BoundaryPlayer(scenario, roster, board, messages, hypervisors, new BoundaryPlayer.Port(
                this::deliver, this::toClock, seq -> timers.startSingleTimer("step", new StepTimeout(seq),
                settings.barrierTimeout()), () -> timers.cancel("step"), this::fail, context.getLog()));
        if ("cluster".equals(context.getSystem().settings().config().getString("pekko.actor.provider"))) {
            ActorRef<ClusterEvent.UnreachableMember> unreachable = context.messageAdapter(
                    ClusterEvent.UnreachableMember.class,
                    e -> new NodeLost(e.member().address().toString(), "unreachable"));
            org.apache.pekko.cluster.typed.Cluster.get(context.getSystem()).subscriptions().tell(
                    org.apache.pekko.cluster.typed.Subscribe.create(unreachable, ClusterEvent.UnreachableMember.class));
        }
        assignAndStart();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(AgentReported.class, this::onAgentReport)
                .onMessage(BoundaryReached.class, this::onTickEnded)
                .onMessage(HostReplied.class, this::onMigrationReply)
                .onMessage(Installed.class, this::onInstalled)
                .onMessage(ControlRequested.class, this::onGuestControl)
                .onMessage(NodeLost.class, this::onNodeLost)
                .onMessage(StepTimeout.class, this::onStepTimeout)
                .onMessage(ClockFinished.class, this::onClockFinished)
                .build();
    }

    private void assignAndStart() {
        List<String> hostNames = scenario.hosts().stream().map(HostSettings::name).toList();
        HostAssignment.Result assignment = HostAssignment.assign(hostNames,
                agents.stream().map(Agent::capacity).toList());
        if (assignment.unplaced() != null) {
            fail("no node has room for host " + assignment.unplaced() + ": " + agents.size()
                    + " node(s), all at their --hosts limit");
            return;
        }
        HostAssignment.agentOfHost(assignment).forEach((host, a) -> agentOfHost.put(host, agents.get(a)));
        for (int a = 0; a < agents.size(); a++) {
            List<HostSettings> theirHosts = new ArrayList<>();
            List<GuestSettings> theirGuests = new ArrayList<>();
            for (HostSettings h : scenario.hosts()) {
                if (assignment.hostsOfAgent().get(a).contains(h.name())) {
                    theirHosts.add(h);
                    theirGuests.addAll(roster.bootingWithRun(h.name()));
                }
            }
            Agent agent = agents.get(a);
            getContext().watchWith(agent.ref(), new NodeLost(agent.node(), "its agent stopped"));
            agent.ref().tell(NodeAgent.StartHosts.of(settings.run(), theirHosts, theirGuests,
                    settings.restartFailedGuests(), settings.crashes(), reports,
                    Scenario.FREE_RUNNING.equals(scenario.mode())));
        }
        timers.startSingleTimer("start", new StepTimeout(-1), settings.barrierTimeout());
    }

    private Behavior<Command> onAgentReport(AgentReported reported) {
        NodeAgent.Report report = reported.report();
        if (report instanceof NodeAgent.HostsStarted s) {
            onHostsStarted(s);
        } else if (report instanceof NodeAgent.Evacuated e && !finished) {
            player.onEvacuated(e);
        } else if (report instanceof NodeAgent.Resumed r && !finished) {
            player.onResumed(r);
        } else if (report instanceof GuestFault fault && clock != null) {
            toClock(new Clock.Faulted(fault));
        }
        return this;
    }

    private void onHostsStarted(NodeAgent.HostsStarted started) {
        if (started.run() != settings.run()) {
            return;
        }
        for (NodeAgent.HostRef h : started.hosts()) {
            hypervisors.put(h.host(), h.hypervisor());
        }
        if (++this.started < agents.size()) {
            return;
        }
        timers.cancel("start");
        Map<String, ActorRef<ToHypervisor>> ordered = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (HostSettings h : scenario.hosts()) {
            ordered.put(h.name(), hypervisors.get(h.name()));
            names.add(h.name());
        }
        ClockPlan plan = ClockPlan.of(scenario, names, settings.checkEveryTick(), settings.barrierTimeout());
        CompletableFuture<RunResult> clockResult = new CompletableFuture<>();
        ActorRef<Command> self = getContext().getSelf();
        clockResult.whenComplete((r, e) -> self.tell(new ClockFinished(r)));
        Timeline timeline = new Timeline(scenario.events(), roster.places(), scenario.startingLater(),
                getContext().messageAdapter(GuestControl.class, ControlRequested::new));
        clock = getContext().spawn(Clock.create(plan, ordered, clockResult, settings.control(), timeline,
                movesGuests() ? getContext().messageAdapter(TickEnded.class, BoundaryReached::new) : null),
                "clock");
    }

    /**
     * Whether the run plays tick boundaries: always in the deterministic mode; free-running, only when
     * a guest may move (a migrate event, the hotspot trigger), since its hosts then wait at their end.
     */
    private boolean movesGuests() {
        return !Scenario.FREE_RUNNING.equals(scenario.mode()) || !scenario.cluster().events().isEmpty()
                || scenario.cluster().hotspot().enabled();
    }

    /**
     * The clock starts, stops or changes a guest (a timed event, between two ticks): the request
     * goes to the node agent of the guest's current host, which answers the clock.
     */
    private Behavior<Command> onGuestControl(ControlRequested requested) {
        GuestRoster.Routed routed = roster.route(requested.request(), board::of, agentOfHost::containsKey,
                settings.crashes(), settings.run());
        if (routed.command() == null) {
            routed.replyTo().tell(routed.refusal());
        } else {
            agentOfHost.get(routed.host()).ref().tell(routed.command());
        }
        return this;
    }

    // ---------------------------------------------------------------- tick boundaries

    /** Sends a migration step's message to the hypervisor of its host, or to the agent running its host. */
    private void deliver(StepMessages.Outgoing out) {
        if (out instanceof StepMessages.ToHost h) {
            hypervisors.get(h.host()).tell(h.message());
        } else if (out instanceof StepMessages.ToAgent a) {
            agentOfHost.get(a.host()).ref().tell(a.message());
        }
    }

    private Behavior<Command> onTickEnded(BoundaryReached reached) {
        player.tickEnded(reached.ended());
        return this;
    }

    private Behavior<Command> onMigrationReply(HostReplied replied) {
        if (!finished) {
            player.onReply(replied.reply());
        }
        return this;
    }

    private Behavior<Command> onInstalled(Installed installed) {
        if (!finished) {
            player.onInstalled(installed.ack());
        }
        return this;
    }

    private Behavior<Command> onStepTimeout(StepTimeout t) {
        if (finished) {
            return this;
        }
        String failure = t.step() == -1 ? "the host-node agents did not all start their hosts within "
                + settings.barrierTimeout().toSeconds() + " s" : player.timedOut(t.step(), settings.barrierTimeout());
        if (failure != null) {
            fail(failure);
        }
        return this;
    }

    // ---------------------------------------------------------------- node loss and the end

    private Behavior<Command> onNodeLost(NodeLost lost) {
        if (finished || agents.stream().noneMatch(a -> a.node().equals(lost.node()))) {
            return this;
        }
        List<String> hosts = new ArrayList<>();
        agentOfHost.forEach((host, agent) -> {
            if (agent.node().equals(lost.node())) {
                hosts.add(host);
            }
        });
        hosts.sort(String::compareTo);
        NodeLoss.Outcome outcome = nodeLoss.lost(lost.node(), lost.how(), hosts, clock != null);
        if (outcome == null) {
            return this; // already handled (unreachable, then terminated)
        }
        getContext().getLog().error("{}", outcome.note());
        if (outcome.restart()) {
            for (String h : hosts) {
                agentOfHost.remove(h);
                hypervisors.remove(h);
            }
            clock.tell(new Clock.HostsLost(List.copyOf(hosts)));
            outcome.faults().forEach(f -> toClock(new Clock.Faulted(f)));
        } else if (clock != null) {
            outcome.faults().forEach(f -> toClock(new Clock.Faulted(f)));
            clock.tell(new Clock.Abort(outcome.note()));
        } else {
            fail(outcome.note());
        }
        return this;
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
                List.of()).withMigrations(board.outcomes(), Map.of()));
        getContext().stop(getContext().getSelf());
    }

    private Behavior<Command> onClockFinished(ClockFinished done) {
        finished = true;
        endRun();
        result.complete(board.complete(withLateFaults(done.result()), nodeLoss.note(), player.boundaryTick()));
        return Behaviors.stopped();
    }

    /** Tells the clock, keeping every guest fault told. */
    private void toClock(Clock.Command message) {
        if (message instanceof Clock.Faulted f) {
            faultsToClock.add(f.fault());
        }
        clock.tell(message);
    }

    /**
     * The clock's result with the faults that reached this manager before the clock's end but not
     * the clock (it had finished; a node agent reports a fault before it tells the guest's
     * hypervisor, so every fault of a run is here by the time the clock's result is): listed at the
     * last tick played, and failing the run when they say so.
     */
    private RunResult withLateFaults(RunResult r) {
        if (r == null || r.faults().size() >= faultsToClock.size()) {
            return r;
        }
        List<GuestFault> late = faultsToClock.subList(r.faults().size(), faultsToClock.size());
        long tick = Math.max(0, r.ticksPlayed() - 1);
        List<RunResult.Fault> more = new ArrayList<>();
        String failure = r.failure();
        for (GuestFault f : late) {
            getContext().getLog().warn("guest {} failed at the end of the run: {}", f.guest(), f.handling());
            more.add(new RunResult.Fault(f.guest(), tick, f.cause(), f.handling()));
            if (f.failsRun() && failure == null) {
                failure = "guest " + f.guest() + " " + f.handling() + " (" + f.cause() + ")";
            }
        }
        RunResult out = r.withFaults(more);
        return failure == null || failure.equals(r.failure()) ? out : out.withFailure(failure);
    }

    private void endRun() {
        for (Agent a : agents) {
            getContext().unwatch(a.ref());
            a.ref().tell(new NodeAgent.EndRun(settings.run()));
        }
    }
}
