package ballast.scheduler.clock;

import ballast.abi.ToHypervisor;
import ballast.host.Hypervisor;
import ballast.host.control.GuestGone;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.control.RunFree;
import ballast.host.control.RunTick;
import ballast.wire.WireMessage;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.TimedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Simulated time. Asks every host to play tick n, waits until every host has reported it
 * (the barrier), collects the samples and invariant results, then moves to tick n + 1. A host
 * that does not report within the barrier timeout ends the run, naming the missing hosts.
 *
 * <p>Progress goes to a {@link RunControl} after every tick. When the control asks to stop (Ctrl-C),
 * the next tick to start becomes the last one: it is sampled and audited like the planned last
 * tick, so an interrupted run still ends with its final figures and its invariants checked.
 *
 * <p>Timed events ({@link Timeline}) are applied between ticks: those due at tick n, one after the
 * other, before tick n is played, each waited for (a host's {@link Reconfigured}, a guest's
 * {@link GuestChanged}) so that it lands at the same tick in every run. A stopped guest's hypervisor
 * is told to release it ({@link GuestGone}) by the clock itself, so the release reaches the host
 * before the next tick does; so are, before tick 0, the hypervisors of guests that boot later.
 */
public final class Clock extends AbstractBehavior<Clock.Command> {

    public sealed interface Command permits HostDone, BarrierTimeout, GuestFault, Proceed, Abort, HostsLost, GuestMoved,
            GuestChanged, HostReconfigured, EventTimeout {
    }

    /**
     * The answer to a {@link GuestControl} request: the guest was started, stopped or changed
     * ({@code problem} null), or why not. Sent by the node agent that runs the guest.
     */
    public record GuestChanged(String guest, String problem) implements Command, WireMessage {
    }

    /**
     * A guest now runs on {@code host} at {@code index} (a live migration, or a restart after its
     * node was lost): the timed events that follow address it there.
     */
    public record GuestMoved(String guest, String host, int index) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** A host's answer to {@link Reconfigure}, through this clock's adapter. */
    record HostReconfigured(Reconfigured reconfigured) implements Command {
    }

    /** Private: the event being applied got no answer in time. */
    record EventTimeout(long serial) implements Command {
    }

    /** A guest actor failed and how it was handled; reported under {@code faults}. */
    public record GuestFault(String guest, String cause, String handling) implements Command, WireMessage {
    }

    /**
     * Sent to the boundary actor (when there is one) after every tick but the last: tick
     * {@code nextTick} starts when it answers {@link Proceed}. Migrations happen here, between ticks.
     *
     * @param hosts  every host's figures after the tick just played
     * @param guests every host's guests' figures at the last sampling point
     */
    public record TickEnded(long nextTick, Map<String, HostStats> hosts, Map<String, List<GuestStats>> guests,
                            ActorRef<Command> clock)
            implements org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** The boundary actor is done: play the next tick, or end the run with {@code failure} (when not null). */
    public record Proceed(String failure) implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** End the run now with {@code failure} (a node was lost), whatever is in progress. */
    public record Abort(String failure) implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /**
     * These hosts are gone with their node (their guests restart elsewhere): the barrier no longer
     * waits for them; their last figures stay in the result, their guests' rows do not.
     */
    public record HostsLost(List<String> hosts) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** A host's report, through this clock's adapter. */
    record HostDone(HostTickDone done) implements Command {
    }

    /** Private: the barrier of {@code tick} timed out. */
    record BarrierTimeout(long tick) implements Command {
    }

    /**
     * What the clock needs to know about the run.
     *
     * @param freeRunning    no tick barrier: each host plays the whole run as fast as its guests go
     *                       (reports progress every {@code checkEvery} applied works, then once at the end)
     * @param barrierTimeout how long to wait for a host's next report before failing the run
     */
    public record Plan(long ticks, long sampleEveryTicks, double tickSeconds, boolean auditEveryTick,
                       Duration barrierTimeout, List<String> hostNames, boolean freeRunning, long checkEvery) {
    }

    private final Plan plan;
    /** The hosts still taking part (all of the plan's but those lost with their node). */
    private final List<String> live;
    /** Who plays the tick boundaries (live migration), or null. */
    private final ActorRef<Object> boundary;
    private boolean atBoundary;
    private final Map<String, ActorRef<ToHypervisor>> hosts;
    private final CompletableFuture<RunResult> result;
    private final TimerScheduler<Command> timers;
    private final ActorRef<HostTickDone> self;
    private final Map<String, HostTickDone> arrived = new TreeMap<>();
    private final List<RunResult.Sample> samples = new ArrayList<>();
    private final List<RunResult.HostSample> hostSamples = new ArrayList<>();
    private final RunControl control;
    private final List<String> violations = new ArrayList<>();
    private final List<RunResult.Fault> faults = new ArrayList<>();
    private final Map<String, HostStats> lastHostStats = new TreeMap<>();
    private final Map<String, List<GuestStats>> lastGuestStats = new TreeMap<>();
    /** Free-running: hosts that sent their final report. */
    private final Map<String, HostTickDone> finalReports = new TreeMap<>();
    private long checks;
    private long tick;
    private long startNanos;
    /** Whether the tick being played is a sampling point. */
    private boolean sampling;
    /** Whether the tick being played is the last (planned, or the one after a stop request). */
    private boolean lastStarted;
    /** Whether the run ends early because a stop was requested. */
    private boolean interrupted;
    /** Free-running: the hosts were asked to end their runs early; and each host's slowest guest's ticks. */
    private boolean freeStopSent;
    private final Map<String, Long> freeProgress = new java.util.HashMap<>();
    private final Timeline timeline;
    /** Where each guest runs now (the timeline's places, followed through migrations). */
    private final Map<String, Timeline.Place> places;
    private final ActorRef<Reconfigured> reconfigured;
    /** The next event of the timeline to apply. */
    private int nextEvent;
    /** The event being applied (null between events), the answers it still waits for, and what went wrong. */
    private TimedEvent applying;
    private int awaiting;
    private long eventSerial;
    private final List<String> eventProblems = new ArrayList<>();
    private final List<RunResult.AppliedEvent> applied = new ArrayList<>();

    public static Behavior<Command> create(Plan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                                           CompletableFuture<RunResult> result, RunControl control) {
        return create(plan, hosts, result, control, Timeline.none(), null);
    }

    /** A clock that also applies {@code timeline}'s events between ticks. */
    public static Behavior<Command> create(Plan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                                           CompletableFuture<RunResult> result, RunControl control, Timeline timeline) {
        return create(plan, hosts, result, control, timeline, null);
    }

    /**
     * A clock that applies {@code timeline}'s events between ticks and lets {@code boundary} (when
     * not null) play every tick boundary ({@link TickEnded}, {@link Proceed}) before them.
     */
    public static Behavior<Command> create(Plan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                                           CompletableFuture<RunResult> result, RunControl control, Timeline timeline,
                                           ActorRef<Object> boundary) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new Clock(context, timers, plan, hosts, result, control, timeline, boundary)));
    }

    private Clock(ActorContext<Command> context, TimerScheduler<Command> timers, Plan plan,
                  Map<String, ActorRef<ToHypervisor>> hosts, CompletableFuture<RunResult> result,
                  RunControl control, Timeline timeline, ActorRef<Object> boundary) {
        super(context);
        this.plan = plan;
        this.live = new ArrayList<>(plan.hostNames());
        this.boundary = boundary;
        this.hosts = hosts;
        this.result = result;
        this.timers = timers;
        this.control = control;
        this.timeline = timeline;
        this.places = new java.util.HashMap<>(timeline.places());
        this.self = context.messageAdapter(HostTickDone.class, HostDone::new);
        this.reconfigured = context.messageAdapter(Reconfigured.class, HostReconfigured::new);
        this.startNanos = System.nanoTime();
        if (plan.ticks() == 0) {
            finish(null);
        } else if (plan.freeRunning()) {
            startFree();
        } else {
            for (String guest : timeline.notAtStart()) {
                Timeline.Place place = places.get(guest);
                hosts.get(place.host()).tell(new GuestGone(place.index(), false));
            }
            advance();
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(HostDone.class, this::onHostDone)
                .onMessage(BarrierTimeout.class, this::onBarrierTimeout)
                .onMessage(GuestFault.class, this::onGuestFault)
                .onMessage(Proceed.class, this::onProceed)
                .onMessage(Abort.class, this::onAbort)
                .onMessage(HostsLost.class, this::onHostsLost)
                .onMessage(GuestChanged.class, this::onGuestChanged)
                .onMessage(HostReconfigured.class, this::onHostReconfigured)
                .onMessage(EventTimeout.class, this::onEventTimeout)
                .onMessage(GuestMoved.class, this::onGuestMoved)
                .build();
    }

    // ---------------------------------------------------------------- timed events

    /** Applies the next event due before the tick to play, or plays the tick when none is left. */
    private void advance() {
        List<TimedEvent> events = timeline.events();
        if (nextEvent < events.size() && events.get(nextEvent).tick() <= tick) {
            apply(events.get(nextEvent++));
        } else {
            startTick();
        }
    }

    private void apply(TimedEvent event) {
        applying = event;
        eventProblems.clear();
        eventSerial++;
        ActorRef<Command> me = getContext().getSelf();
        TimedEvent.Change change = event.change();
        if (change instanceof TimedEvent.ChangeReclaim c) {
            awaiting = c.hosts().size();
            c.hosts().forEach((host, settings) -> hosts.get(host).tell(new Reconfigure(settings, reconfigured)));
        } else if (change instanceof TimedEvent.StartGuest s) {
            awaiting = 1;
            timeline.guests().tell(new GuestControl.Start(s.guest(), tick, me));
        } else if (change instanceof TimedEvent.StopGuest s) {
            awaiting = 1;
            timeline.guests().tell(new GuestControl.Stop(s.guest(), me));
        } else if (change instanceof TimedEvent.ChangeWorkload w) {
            awaiting = 1;
            timeline.guests().tell(new GuestControl.ChangeWorkload(w.guest(), w.workload(), tick, me));
        }
        if (awaiting == 0) {
            completeEvent();
        } else {
            timers.startSingleTimer("event", new EventTimeout(eventSerial), plan.barrierTimeout());
        }
    }

    private Behavior<Command> onGuestChanged(GuestChanged changed) {
        String guest = applying == null ? null : guestOf(applying.change());
        if (guest == null || !guest.equals(changed.guest())) {
            getContext().getLog().warn("unexpected answer about guest {}: {}", changed.guest(), changed.problem());
            return this;
        }
        if (changed.problem() != null) {
            eventProblems.add(changed.problem());
        } else if (applying.change() instanceof TimedEvent.StopGuest) {
            // Sent by the clock, so it reaches the host before the next tick does.
            Timeline.Place place = places.get(guest);
            hosts.get(place.host()).tell(new GuestGone(place.index(), false));
        }
        return answered();
    }

    private Behavior<Command> onHostReconfigured(HostReconfigured message) {
        Reconfigured r = message.reconfigured();
        if (!(applying != null && applying.change() instanceof TimedEvent.ChangeReclaim c) || !c.hosts().containsKey(r.host())) {
            getContext().getLog().warn("unexpected reconfiguration answer of host {}", r.host());
            return this;
        }
        if (r.problem() != null) {
            eventProblems.add("refused by " + r.host() + ": " + r.problem());
        }
        return answered();
    }

    private Behavior<Command> answered() {
        if (--awaiting == 0) {
            completeEvent();
        }
        return this;
    }

    private void completeEvent() {
        timers.cancel("event");
        TimedEvent done = applying;
        applying = null;
        applied.add(new RunResult.AppliedEvent(done.atSeconds(), tick, done.what(),
                eventProblems.isEmpty() ? "ok" : String.join("; ", eventProblems)));
        advance();
    }

    private Behavior<Command> onEventTimeout(EventTimeout timeout) {
        if (applying == null || timeout.serial() != eventSerial) {
            return this;
        }
        TimedEvent stuck = applying;
        applying = null;
        applied.add(new RunResult.AppliedEvent(stuck.atSeconds(), tick, stuck.what(), "no answer"));
        return finish("the event at " + stuck.atSeconds() + " s (" + stuck.what() + ") got no answer within "
                + plan.barrierTimeout().toSeconds() + " s" + (stuck.change() instanceof TimedEvent.ChangeReclaim
                        ? " from its host(s): does the hypervisor take Reconfigure?" : ""));
    }

    private static String guestOf(TimedEvent.Change change) {
        if (change instanceof TimedEvent.StartGuest s) {
            return s.guest();
        }
        if (change instanceof TimedEvent.StopGuest s) {
            return s.guest();
        }
        if (change instanceof TimedEvent.ChangeWorkload w) {
            return w.guest();
        }
        return null;
    }

    private void startTick() {
        arrived.clear();
        boolean stop = control.stopRequested();
        boolean last = tick == plan.ticks() - 1 || stop;
        interrupted = stop && tick < plan.ticks() - 1;
        lastStarted = last;
        sampling = last || (tick + 1) % plan.sampleEveryTicks() == 0;
        boolean audit = last || plan.auditEveryTick();
        RunTick run = new RunTick(tick, sampling, audit, self);
        for (String name : live) {
            hosts.get(name).tell(run);
        }
        timers.startSingleTimer("barrier", new BarrierTimeout(tick), plan.barrierTimeout());
    }

    private void startFree() {
        RunFree run = new RunFree(plan.ticks(), plan.checkEvery(), self);
        for (String name : plan.hostNames()) {
            hosts.get(name).tell(run);
        }
        timers.startSingleTimer("barrier", new BarrierTimeout(tick), plan.barrierTimeout());
    }

    /** Free-running: progress reports carry periodic invariant checks; the final one carries the figures. */
    private Behavior<Command> onFreeReport(HostTickDone done) {
        if (!hosts.containsKey(done.hostName()) || finalReports.containsKey(done.hostName())) {
            return this;
        }
        timers.startSingleTimer("barrier", new BarrierTimeout(tick), plan.barrierTimeout());
        checks += done.invariantChecks();
        violations.addAll(done.violations());
        if (control.stopRequested() && !freeStopSent) { // Ctrl-C: every host ends its run early
            freeStopSent = true;
            for (String name : plan.hostNames()) {
                hosts.get(name).tell(new ballast.host.control.StopFree());
            }
        }
        freeProgress.put(done.hostName(), done.tick() + 1);
        control.tickDone(java.util.Collections.min(freeProgress.values())); // the slowest guest's ticks
        // progress reports carry no guest rows; the final one does, at the planned last tick or earlier once stopped
        boolean last = (done.tick() == plan.ticks() - 1 || freeStopSent) && !done.guests().isEmpty();
        if (last) {
            finalReports.put(done.hostName(), done);
            lastHostStats.put(done.hostName(), done.host());
            lastGuestStats.put(done.hostName(), done.guests());
        }
        if (!violations.isEmpty()) {
            violations.add(0, "invariants violated during the free-running run");
            return finish(null);
        }
        if (finalReports.size() == hosts.size()) {
            long played = 0;
            for (HostTickDone report : finalReports.values()) {
                played = Math.max(played, report.tick() + 1);
            }
            tick = played;
            interrupted = played < plan.ticks();
            double simulatedSeconds = played * plan.tickSeconds();
            for (String name : plan.hostNames()) {
                for (GuestStats g : finalReports.get(name).guests()) {
                    samples.add(new RunResult.Sample(simulatedSeconds, name, g));
                }
            }
            timers.cancel("barrier");
            return finish(null);
        }
        return this;
    }

    private Behavior<Command> onHostDone(HostDone message) {
        HostTickDone done = message.done();
        if (plan.freeRunning()) {
            return onFreeReport(done);
        }
        if (done.tick() != tick || !live.contains(done.hostName()) || arrived.containsKey(done.hostName())) {
            getContext().getLog().warn("unexpected report of {} for tick {} during tick {}", done.hostName(), done.tick(), tick);
            return this;
        }
        arrived.put(done.hostName(), done);
        return completeTick();
    }

    private Behavior<Command> onHostsLost(HostsLost lost) {
        live.removeAll(lost.hosts());
        for (String h : lost.hosts()) {
            lastGuestStats.remove(h);
            arrived.remove(h);
        }
        if (live.isEmpty()) {
            return finish("every host was lost");
        }
        return atBoundary || plan.freeRunning() ? this : completeTick();
    }

    /** When every live host has reported the tick: collects it and moves on. */
    private Behavior<Command> completeTick() {
        if (arrived.size() < live.size()) {
            return this;
        }
        timers.cancel("barrier");
        double simulatedSeconds = (tick + 1) * plan.tickSeconds();
        for (String name : live) {
            HostTickDone d = arrived.get(name);
            checks += d.invariantChecks();
            violations.addAll(d.violations());
            lastHostStats.put(name, d.host());
            if (sampling) {
                hostSamples.add(new RunResult.HostSample(simulatedSeconds, name, d.host()));
            }
            if (sampling) { // a host whose guests all left reports none: its old rows must go
                lastGuestStats.put(name, d.guests());
                for (GuestStats g : d.guests()) {
                    samples.add(new RunResult.Sample(simulatedSeconds, name, g));
                }
            }
        }
        tick++;
        control.tickDone(tick);
        if (!violations.isEmpty()) {
            violations.add(0, "invariants violated at tick " + (tick - 1) + " (" + simulatedSeconds + " s simulated)");
            return finish(null);
        }
        if (tick == plan.ticks() || lastStarted) {
            return finish(null);
        }
        if (boundary != null) {
            atBoundary = true;
            boundary.tell(new TickEnded(tick, Map.copyOf(lastHostStats), Map.copyOf(lastGuestStats),
                    getContext().getSelf()));
            return this;
        }
        advance();
        return this;
    }

    private Behavior<Command> onProceed(Proceed proceed) {
        if (!atBoundary) {
            return this;
        }
        atBoundary = false;
        if (proceed.failure() != null) {
            return finish(proceed.failure());
        }
        advance();
        return this;
    }

    private Behavior<Command> onGuestMoved(GuestMoved moved) {
        places.put(moved.guest(), new Timeline.Place(moved.host(), moved.index()));
        return this;
    }

    private Behavior<Command> onAbort(Abort abort) {
        timers.cancel("barrier");
        return finish(abort.failure());
    }

    private Behavior<Command> onGuestFault(GuestFault fault) {
        getContext().getLog().warn("guest {} failed at tick {}: {}", fault.guest(), tick, fault.handling());
        faults.add(new RunResult.Fault(fault.guest(), tick, fault.cause(), fault.handling()));
        return this;
    }

    private Behavior<Command> onBarrierTimeout(BarrierTimeout timeout) {
        if (timeout.tick() != tick) {
            return this;
        }
        List<String> missing = new ArrayList<>();
        for (String name : plan.freeRunning() ? plan.hostNames() : live) {
            if (!(plan.freeRunning() ? finalReports : arrived).containsKey(name)) {
                missing.add(name);
            }
        }
        return finish("tick " + tick + " barrier timed out after " + plan.barrierTimeout().toSeconds()
                + " s waiting for host(s) " + String.join(", ", missing));
    }

    private Behavior<Command> finish(String failure) {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        List<HostStats> hostStats = new ArrayList<>();
        List<GuestStats> guestStats = new ArrayList<>();
        for (String name : plan.hostNames()) {
            if (lastHostStats.containsKey(name)) {
                hostStats.add(lastHostStats.get(name));
            }
            guestStats.addAll(lastGuestStats.getOrDefault(name, List.of()));
        }
        control.finish();
        result.complete(new RunResult(tick, List.copyOf(samples), List.copyOf(hostSamples), List.copyOf(hostStats),
                List.copyOf(guestStats), checks, List.copyOf(violations), failure, interrupted, wall,
                List.copyOf(faults), List.copyOf(applied)));
        return Behaviors.stopped();
    }
}
