package ballast.scheduler.clock;

import ballast.abi.ToHypervisor;
import ballast.host.control.GuestGone;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.control.RunTick;
import ballast.host.node.GuestChanged;
import ballast.host.node.GuestFault;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.Scenario;
import ballast.scheduler.scenario.TimedEvent;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Simulated time, deterministic mode (the free-running mode is {@link FreeRunningClock}). Asks
 * every host to play tick n, waits until every host has reported it ({@link TickBarrier}), collects
 * the samples and invariant results ({@link ResultAssembly}), then moves to tick n + 1. A host that
 * does not report within the barrier timeout ends the run, naming the missing hosts.
 *
 * <p>Progress goes to a {@link RunControl} after every tick. When the control asks to stop (Ctrl-C),
 * the next tick to start becomes the last one: it is sampled and audited like the planned last
 * tick, so an interrupted run still ends with its final figures and its invariants checked.
 *
 * <p>Timed events ({@link Timeline}, {@link EventSchedule}) are applied between ticks: those due at
 * tick n, one after the other, before tick n is played, each waited for (a host's
 * {@link Reconfigured}, a guest's {@link GuestChanged}) so that it lands at the same tick in every
 * run. A stopped guest's hypervisor is told to release it ({@link GuestGone}) by the clock itself,
 * so the release reaches the host before the next tick does; so are, before tick 0, the hypervisors
 * of guests that boot later. A boundary actor plays each tick boundary first ({@link TickEnded}).
 */
public final class Clock extends AbstractBehavior<Clock.Command> {

    public sealed interface Command permits HostDone, BarrierTimeout, Faulted, Proceed, Abort, HostsLost, GuestMoved,
            GuestAnswered, HostReconfigured, EventTimeout {
    }

    /** A node agent's answer to a {@link GuestControl} request, through this clock's adapter. */
    record GuestAnswered(GuestChanged changed) implements Command {
    }

    /**
     * A guest now runs on {@code host} at {@code index} (a live migration, or a restart after its
     * node was lost): the timed events that follow address it there.
     */
    public record GuestMoved(String guest, String host, int index)
            implements Command, NoSerializationVerificationNeeded {
    }

    /** A host's answer to {@link Reconfigure}, through this clock's adapter. */
    record HostReconfigured(Reconfigured reconfigured) implements Command {
    }

    /** Private: the event being applied got no answer in time. */
    record EventTimeout(long serial) implements Command {
    }

    /** A guest actor failed (or a migration was refused) and how it was handled; reported under {@code faults}. */
    public record Faulted(GuestFault fault) implements Command, NoSerializationVerificationNeeded {
    }

    /**
     * The boundary actor is done: play the next tick, or end the run with {@code failure} (when not
     * null); {@code migrating}: a live migration is still under way (a free run plays boundaries
     * until it is over).
     */
    public record Proceed(String failure, boolean migrating) implements Command, NoSerializationVerificationNeeded {
        public Proceed(String failure) {
            this(failure, false);
        }
    }

    /** End the run now with {@code failure} (a node was lost), whatever is in progress. */
    public record Abort(String failure) implements Command, NoSerializationVerificationNeeded {
    }

    /**
     * These hosts are gone with their node (their guests restart elsewhere): the barrier no longer
     * waits for them; their last figures stay in the result, their guests' rows do not.
     */
    public record HostsLost(List<String> hosts) implements Command, NoSerializationVerificationNeeded {
    }

    /** A host's report, through this clock's (or the free-running clock's) adapter. */
    record HostDone(HostTickDone done) implements Command {
    }

    /** Private: the barrier of {@code tick} timed out. */
    record BarrierTimeout(long tick) implements Command {
    }

    private final ClockPlan plan;
    private final Map<String, ActorRef<ToHypervisor>> hosts;
    private final CompletableFuture<RunResult> result;
    private final RunControl control;
    private final TimerScheduler<Command> timers;
    /** Who plays the tick boundaries (live migration), or null. */
    private final ActorRef<TickEnded> boundary;
    private final ActorRef<HostTickDone> reports;
    private final ActorRef<Reconfigured> reconfigured;
    private final ActorRef<GuestChanged> answers;
    private final TickBarrier barrier;
    private final EventSchedule schedule;
    private final ResultAssembly assembly;
    private final Timeline timeline;
    /** Where each guest runs now (the timeline's places, followed through migrations). */
    private final Map<String, Timeline.Place> places;
    private final long startNanos;
    private boolean atBoundary;

    /**
     * A clock over {@code hosts} that applies {@code timeline}'s events between ticks and lets
     * {@code boundary} (when not null) play every tick boundary ({@link TickEnded}, {@link Proceed})
     * before them; free-running, the {@link FreeRunningClock}.
     */
    public static Behavior<Command> create(ClockPlan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                                           CompletableFuture<RunResult> result, RunControl control, Timeline timeline,
                                           ActorRef<TickEnded> boundary) {
        if (plan.freeRunning()) {
            return FreeRunningClock.create(plan, hosts, result, control, timeline, boundary);
        }
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new Clock(context, timers, plan, hosts, result, control, timeline, boundary)));
    }

    private Clock(ActorContext<Command> context, TimerScheduler<Command> timers, ClockPlan plan,
                  Map<String, ActorRef<ToHypervisor>> hosts, CompletableFuture<RunResult> result,
                  RunControl control, Timeline timeline, ActorRef<TickEnded> boundary) {
        super(context);
        this.plan = plan;
        this.hosts = hosts;
        this.result = result;
        this.control = control;
        this.timers = timers;
        this.boundary = boundary;
        this.timeline = timeline;
        this.places = new HashMap<>(timeline.places());
        this.barrier = new TickBarrier(plan);
        this.schedule = new EventSchedule(timeline.events());
        this.assembly = new ResultAssembly(plan);
        this.reports = context.messageAdapter(HostTickDone.class, HostDone::new);
        this.reconfigured = context.messageAdapter(Reconfigured.class, HostReconfigured::new);
        this.answers = context.messageAdapter(GuestChanged.class, GuestAnswered::new);
        this.startNanos = System.nanoTime();
        if (plan.ticks() == 0) {
            finish(null);
        } else {
            for (String guest : timeline.notAtStart()) {
                release(guest);
            }
            advance();
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(HostDone.class, this::onHostDone)
                .onMessage(BarrierTimeout.class, this::onBarrierTimeout)
                .onMessage(Faulted.class, this::onGuestFault)
                .onMessage(Proceed.class, this::onProceed)
                .onMessage(Abort.class, this::onAbort)
                .onMessage(HostsLost.class, this::onHostsLost)
                .onMessage(GuestAnswered.class, this::onGuestChanged)
                .onMessage(HostReconfigured.class, this::onHostReconfigured)
                .onMessage(EventTimeout.class, this::onEventTimeout)
                .onMessage(GuestMoved.class, this::onGuestMoved)
                .build();
    }

    /** Tells a guest's hypervisor to release it (sent by the clock, so it lands before the next tick). */
    private void release(String guest) {
        Timeline.Place place = places.get(guest);
        hosts.get(place.host()).tell(GuestGone.stoppedByScenario(place.index()));
    }

    // ---------------------------------------------------------------- timed events

    /** Applies the next event due before the tick to play, or plays the tick when none is left. */
    private void advance() {
        TimedEvent event = schedule.nextDue(barrier.tick());
        if (event == null) {
            startTick();
            return;
        }
        long serial = schedule.send(event, barrier.tick(), hosts, reconfigured, timeline.guests(), answers);
        if (schedule.answered()) {
            completeEvent();
        } else {
            timers.startSingleTimer("event", new EventTimeout(serial), plan.barrierTimeout());
        }
    }

    private Behavior<Command> onGuestChanged(GuestAnswered answered) {
        GuestChanged changed = answered.changed();
        if (!schedule.awaitsGuest(changed.guest())) {
            getContext().getLog().warn("unexpected answer about guest {}: {}", changed.guest(), changed.problem());
            return this;
        }
        if (changed.problem() == null && schedule.applying().change() instanceof TimedEvent.StopGuest) {
            release(changed.guest());
        }
        return answered(changed.problem());
    }

    private Behavior<Command> onHostReconfigured(HostReconfigured message) {
        Reconfigured r = message.reconfigured();
        if (!schedule.awaitsHost(r.host())) {
            getContext().getLog().warn("unexpected reconfiguration answer of host {}", r.host());
            return this;
        }
        return answered(r.problem() == null ? null : "refused by " + r.host() + ": " + r.problem());
    }

    private Behavior<Command> answered(String problem) {
        if (schedule.answer(problem)) {
            completeEvent();
        }
        return this;
    }

    private void completeEvent() {
        timers.cancel("event");
        schedule.complete(barrier.tick());
        advance();
    }

    private Behavior<Command> onEventTimeout(EventTimeout timeout) {
        TimedEvent stuck = schedule.timedOut(timeout.serial(), barrier.tick());
        if (stuck == null) {
            return this;
        }
        return finish("the event at " + stuck.atSeconds() + " s (" + stuck.what() + ") got no answer within "
                + plan.barrierTimeout().toSeconds() + " s" + (stuck.change() instanceof TimedEvent.ChangeReclaim
                        ? " from its host(s): does the hypervisor take Reconfigure?" : ""));
    }

    // ---------------------------------------------------------------- ticks

    private void startTick() {
        TickBarrier.TickKind kind = barrier.start(control.stopRequested());
        RunTick run = new RunTick(kind.tick(), kind.sampling(), kind.audit(), reports);
        for (String name : barrier.live()) {
            hosts.get(name).tell(run);
        }
        timers.startSingleTimer("barrier", new BarrierTimeout(barrier.tick()), plan.barrierTimeout());
    }

    private Behavior<Command> onHostDone(HostDone message) {
        HostTickDone done = message.done();
        if (!barrier.report(done)) {
            getContext().getLog().warn("unexpected report of {} for tick {} during tick {}", done.hostName(),
                    done.tick(), barrier.tick());
            return this;
        }
        return completeTick();
    }

    private Behavior<Command> onHostsLost(HostsLost lost) {
        assembly.hostsLost(lost.hosts());
        if (barrier.lose(lost.hosts())) {
            return finish("every host was lost");
        }
        return atBoundary ? this : completeTick();
    }

    /** When every live host has reported the tick: collects it and moves on. */
    private Behavior<Command> completeTick() {
        if (!barrier.complete()) {
            return this;
        }
        timers.cancel("barrier");
        long played = barrier.tick();
        assembly.tickPlayed(played, barrier.reports(), barrier.kind().sampling());
        barrier.advance();
        control.tickDone(barrier.tick());
        if (assembly.violated("invariants violated at tick " + played + " (" + (played + 1) * plan.tickSeconds()
                + " s simulated)") || barrier.over()) {
            return finish(null);
        }
        if (boundary != null) {
            atBoundary = true;
            boundary.tell(new TickEnded(barrier.tick(), assembly.lastHosts(), assembly.lastGuests(),
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

    // ---------------------------------------------------------------- faults and the end

    private Behavior<Command> onAbort(Abort abort) {
        timers.cancel("barrier");
        return finish(abort.failure());
    }

    private Behavior<Command> onGuestFault(Faulted faulted) {
        GuestFault fault = faulted.fault();
        getContext().getLog().warn("guest {} failed at tick {}: {}", fault.guest(), barrier.tick(), fault.handling());
        assembly.fault(new RunResult.Fault(fault.guest(), barrier.tick(), fault.cause(), fault.handling()));
        if (fault.failsRun()) {
            assembly.failRun("guest " + fault.guest() + " " + fault.handling() + " (" + fault.cause() + ")");
        }
        return this;
    }

    private Behavior<Command> onBarrierTimeout(BarrierTimeout timeout) {
        if (timeout.tick() != barrier.tick()) {
            return this;
        }
        return finish(barrier.timedOut(plan.barrierTimeout()));
    }

    private Behavior<Command> finish(String failure) {
        control.finish();
        double wall = (System.nanoTime() - startNanos) / 1e9;
        result.complete(assembly.build(barrier.tick(), failure, barrier.interrupted(), wall, schedule.applied()));
        return Behaviors.stopped();
    }
}
