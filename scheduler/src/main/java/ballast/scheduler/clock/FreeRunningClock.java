package ballast.scheduler.clock;

import ballast.abi.ToHypervisor;
import ballast.host.control.HostTickDone;
import ballast.host.node.GuestFault;
import ballast.host.control.RunFree;
import ballast.host.control.StopFree;
import ballast.host.migration.FreeMigration;
import ballast.host.control.GuestGone;
import ballast.host.control.Reconfigured;
import ballast.host.node.GuestChanged;
import ballast.scheduler.scenario.TimedEvent;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The {@link Clock} of the free-running mode: no tick barrier. Each host plays the whole run as
 * fast as its guests go ({@link RunFree}), reporting invariant checks every {@code checkEvery}
 * applied works and its figures once at the end; the run ends when every host's final report is in
 * ({@link ResultAssembly}), at the first violation, when a host is silent for the barrier timeout,
 * or on {@link Clock.Abort}. A stop request (Ctrl-C) asks every host to end its run early
 * ({@link StopFree}).
 *
 * <p>Timed events (a host's reclamation settings, a guest's workload, a guest stopped) are applied
 * while the guests run: an event is due once the slowest guest of every host has completed the
 * tick before the event's (the hosts' progress reports say how far they are), and it lands while
 * the faster guests are already further on, so the tick it takes effect at differs from guest to
 * guest and from run to run. One event is applied at a time, as in the deterministic mode; it is
 * recorded with the slowest guests' tick when it was answered. Guests that start later belong to
 * the deterministic mode. Live migrations are played at the slowest guests' progress as if it were
 * a tick boundary ({@link TickEnded}), without stopping anything: each host takes the steps between
 * its guests' works and holds a leaving guest itself for its stop-and-copy; once every guest has
 * played every tick, boundaries go on while a migration is under way, and only then are the hosts
 * released to end.
 */
final class FreeRunningClock extends AbstractBehavior<Clock.Command> {
    private final ClockPlan plan;
    private final Map<String, ActorRef<ToHypervisor>> hosts;
    private final CompletableFuture<RunResult> result;
    private final RunControl control;
    private final TimerScheduler<Clock.Command> timers;
    private final ResultAssembly assembly;
    private final long startNanos = System.nanoTime();
    /** The hosts were asked to end their runs early. */
    private boolean stopSent;
    private final Timeline timeline;
    private final EventSchedule schedule;
    private final ActorRef<Reconfigured> reconfigured;
    private final ActorRef<GuestChanged> answers;
    /** The ticks every guest of every host has completed, by the latest progress reports. */
    private long reached;
    /** Who plays the boundaries (live migrations), or null. */
    private final ActorRef<TickEnded> boundary;
    /** A boundary was sent and its {@link Clock.Proceed} has not come back. */
    private boolean atBoundary;
    /** The last boundary sent: the tick after it. */
    private long boundarySent;
    /** A live migration was under way at the last boundary. */
    private boolean migrating;
    /** Where each guest runs now (the timeline's places, followed through migrations). */
    private final Map<String, Timeline.Place> places;
    /** The hosts were told that no guest will arrive any more ({@link FreeMigration.ReleaseEnd}). */
    private boolean released;

    static Behavior<Clock.Command> create(ClockPlan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                                          CompletableFuture<RunResult> result, RunControl control,
                                          Timeline timeline, ActorRef<TickEnded> boundary) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new FreeRunningClock(context, timers, plan, hosts, result, control, timeline, boundary)));
    }

    private FreeRunningClock(ActorContext<Clock.Command> context, TimerScheduler<Clock.Command> timers,
                             ClockPlan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                             CompletableFuture<RunResult> result, RunControl control, Timeline timeline,
                             ActorRef<TickEnded> boundary) {
        super(context);
        this.boundary = boundary;
        this.places = new java.util.HashMap<>(timeline.places());
        this.timeline = timeline;
        this.schedule = new EventSchedule(timeline.events());
        this.reconfigured = context.messageAdapter(Reconfigured.class, Clock.HostReconfigured::new);
        this.answers = context.messageAdapter(GuestChanged.class, Clock.GuestAnswered::new);
        this.plan = plan;
        this.hosts = hosts;
        this.result = result;
        this.control = control;
        this.timers = timers;
        this.assembly = new ResultAssembly(plan);
        if (plan.ticks() == 0) {
            finish(null, 0, false);
            return;
        }
        RunFree run = new RunFree(plan.ticks(), plan.checkEvery(),
                context.messageAdapter(HostTickDone.class, Clock.HostDone::new));
        for (String name : plan.hostNames()) {
            if (boundary != null) { // guests may move: the hosts wait for releaseEnd() at their end
                hosts.get(name).tell(new FreeMigration.HoldEnd());
            }
            hosts.get(name).tell(run);
        }
        timers.startSingleTimer("barrier", new Clock.BarrierTimeout(0), plan.barrierTimeout());
        applyDue();
    }

    @Override
    public Receive<Clock.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Clock.HostDone.class, this::onReport)
                .onMessage(Clock.BarrierTimeout.class, this::onSilence)
                .onMessage(Clock.Faulted.class, this::onGuestFault)
                .onMessage(Clock.Abort.class, abort -> finish(abort.failure(), 0, false))
                .onMessage(Clock.GuestAnswered.class, this::onGuestChanged)
                .onMessage(Clock.HostReconfigured.class, this::onHostReconfigured)
                .onMessage(Clock.EventTimeout.class, this::onEventTimeout)
                .onMessage(Clock.Proceed.class, this::onProceed)
                .onMessage(Clock.GuestMoved.class, this::onGuestMoved)
                .build();
    }

    /** Progress reports carry periodic invariant checks; the final one carries the figures. */
    private Behavior<Clock.Command> onReport(Clock.HostDone message) {
        HostTickDone done = message.done();
        if (!hosts.containsKey(done.hostName()) || assembly.finalReported(done.hostName())) {
            return this;
        }
        timers.startSingleTimer("barrier", new Clock.BarrierTimeout(0), plan.barrierTimeout());
        if (control.stopRequested() && !stopSent) { // Ctrl-C: every host ends its run early
            stopSent = true;
            for (String name : plan.hostNames()) {
                hosts.get(name).tell(new StopFree());
            }
        }
        reached = assembly.freeReport(done, stopSent); // the slowest guest's ticks
        control.tickDone(reached);
        if (assembly.violated("invariants violated during the free-running run")) {
            return finish(null, 0, false);
        }
        if (assembly.allFinal()) {
            long played = assembly.freeFinish();
            return finish(null, played, played < plan.ticks());
        }
        applyDue();
        nextBoundary();
        releaseEnd();
        return this;
    }

    /**
     * With live migrations, the hosts wait at the end of their runs (a guest may still arrive): once
     * every guest has played every tick (or the run is stopping) and no boundary is being played (no
     * migration step in flight, so every stop-and-copy is over), each is told to end.
     */
    private void releaseEnd() {
        if (boundary == null || released || atBoundary || !stopSent && (reached < plan.ticks() || migrating)) {
            return;
        }
        released = true;
        for (String name : plan.hostNames()) {
            hosts.get(name).tell(new FreeMigration.ReleaseEnd());
        }
    }

    // ---------------------------------------------------------------- boundaries (live migration)

    /**
     * Lets the boundary actor play the boundary before the tick the slowest guest plays now, when it
     * is not playing one already: its migrations' steps go to the hosts while the guests run (each
     * host holds a leaving guest itself for the stop-and-copy), and it answers {@link Clock.Proceed}
     * without the guests waiting for it. Nothing after the last tick nor once the run is stopping.
     */
    private void nextBoundary() {
        if (boundary == null || atBoundary || stopSent) {
            return;
        }
        long next;
        if (reached < plan.ticks()) {
            next = reached;
        } else if (migrating) {
            // every guest has played every tick, a migration is still under way: boundaries go on
            // (after the run's last tick) until it is over, so that it never depends on how fast
            // the guests went whether it finishes
            next = Math.max(boundarySent + 1, plan.ticks());
        } else {
            return;
        }
        if (next <= boundarySent) {
            return;
        }
        boundarySent = next;
        atBoundary = true;
        boundary.tell(new TickEnded(next, Map.of(), Map.of(), getContext().getSelf()));
    }

    private Behavior<Clock.Command> onProceed(Clock.Proceed proceed) {
        if (!atBoundary) {
            return this;
        }
        atBoundary = false;
        migrating = proceed.migrating();
        if (proceed.failure() != null) {
            return finish(proceed.failure(), 0, false);
        }
        nextBoundary();
        releaseEnd();
        return this;
    }

    private Behavior<Clock.Command> onGuestMoved(Clock.GuestMoved moved) {
        places.put(moved.guest(), new Timeline.Place(moved.host(), moved.index()));
        return this;
    }

    // ---------------------------------------------------------------- timed events

    /** Applies the next event that is due (every guest has completed the ticks before it), unless one is being applied. */
    private void applyDue() {
        if (schedule.applying() != null || stopSent) {
            return;
        }
        TimedEvent event = schedule.nextDue(reached);
        if (event == null) {
            return;
        }
        long serial = schedule.send(event, reached, hosts, reconfigured, timeline.guests(), answers);
        if (schedule.answered()) {
            completeEvent();
        } else {
            timers.startSingleTimer("event", new Clock.EventTimeout(serial), plan.barrierTimeout());
        }
    }

    private Behavior<Clock.Command> onGuestChanged(Clock.GuestAnswered answered) {
        GuestChanged changed = answered.changed();
        if (!schedule.awaitsGuest(changed.guest())) {
            getContext().getLog().warn("unexpected answer about guest {}: {}", changed.guest(), changed.problem());
            return this;
        }
        if (changed.problem() == null && schedule.applying().change() instanceof TimedEvent.StopGuest) {
            Timeline.Place place = places.get(changed.guest());
            hosts.get(place.host()).tell(GuestGone.stoppedByScenario(place.index()));
        }
        return answered(changed.problem());
    }

    private Behavior<Clock.Command> onHostReconfigured(Clock.HostReconfigured message) {
        Reconfigured r = message.reconfigured();
        if (!schedule.awaitsHost(r.host())) {
            getContext().getLog().warn("unexpected reconfiguration answer of host {}", r.host());
            return this;
        }
        return answered(r.problem() == null ? null : "refused by " + r.host() + ": " + r.problem());
    }

    private Behavior<Clock.Command> answered(String problem) {
        if (schedule.answer(problem)) {
            completeEvent();
        }
        return this;
    }

    private void completeEvent() {
        timers.cancel("event");
        schedule.complete(reached);
        applyDue();
    }

    private Behavior<Clock.Command> onEventTimeout(Clock.EventTimeout timeout) {
        TimedEvent stuck = schedule.timedOut(timeout.serial(), reached);
        if (stuck == null) {
            return this;
        }
        return finish("the event at " + stuck.atSeconds() + " s (" + stuck.what() + ") got no answer within "
                + plan.barrierTimeout().toSeconds() + " s", 0, false);
    }

    private Behavior<Clock.Command> onSilence(Clock.BarrierTimeout timeout) {
        StringBuilder missing = new StringBuilder();
        for (String name : plan.hostNames()) {
            if (!assembly.finalReported(name)) {
                missing.append(missing.length() == 0 ? "" : ", ").append(name);
            }
        }
        return finish("tick 0 barrier timed out after " + plan.barrierTimeout().toSeconds() + " s waiting for host(s) "
                + missing, 0, false);
    }

    private Behavior<Clock.Command> onGuestFault(Clock.Faulted faulted) {
        GuestFault fault = faulted.fault();
        getContext().getLog().warn("guest {} failed at tick {}: {}", fault.guest(), 0, fault.handling());
        assembly.fault(new RunResult.Fault(fault.guest(), 0, fault.cause(), fault.handling()));
        if (fault.failsRun()) {
            assembly.failRun("guest " + fault.guest() + " " + fault.handling() + " (" + fault.cause() + ")");
        }
        return this;
    }

    /** The result of a timed event the free run ended before: its slowest guests never reached its tick. */
    static final String NOT_BEGUN = "not applied: the run ended before every guest had completed the ticks before it";

    private Behavior<Clock.Command> finish(String failure, long ticks, boolean interrupted) {
        timers.cancelAll();
        control.finish();
        result.complete(assembly.build(ticks, failure, interrupted, (System.nanoTime() - startNanos) / 1e9,
                schedule.appliedThenNotBegun(NOT_BEGUN)));
        return Behaviors.stopped();
    }
}
