package ballast.scheduler.clock;

import ballast.abi.ToHypervisor;
import ballast.host.control.HostTickDone;
import ballast.host.node.GuestFault;
import ballast.host.control.RunFree;
import ballast.host.control.StopFree;
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
 * ({@link StopFree}). Timed events and tick boundaries belong to the deterministic mode only.
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

    static Behavior<Clock.Command> create(ClockPlan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                                          CompletableFuture<RunResult> result, RunControl control) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new FreeRunningClock(context, timers, plan, hosts, result, control)));
    }

    private FreeRunningClock(ActorContext<Clock.Command> context, TimerScheduler<Clock.Command> timers,
                             ClockPlan plan, Map<String, ActorRef<ToHypervisor>> hosts,
                             CompletableFuture<RunResult> result, RunControl control) {
        super(context);
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
            hosts.get(name).tell(run);
        }
        timers.startSingleTimer("barrier", new Clock.BarrierTimeout(0), plan.barrierTimeout());
    }

    @Override
    public Receive<Clock.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Clock.HostDone.class, this::onReport)
                .onMessage(Clock.BarrierTimeout.class, this::onSilence)
                .onMessage(Clock.Faulted.class, this::onGuestFault)
                .onMessage(Clock.Abort.class, abort -> finish(abort.failure(), 0, false))
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
        control.tickDone(assembly.freeReport(done, stopSent)); // the slowest guest's ticks
        if (assembly.violated("invariants violated during the free-running run")) {
            return finish(null, 0, false);
        }
        if (assembly.allFinal()) {
            long played = assembly.freeFinish();
            return finish(null, played, played < plan.ticks());
        }
        return this;
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

    private Behavior<Clock.Command> finish(String failure, long ticks, boolean interrupted) {
        timers.cancelAll();
        control.finish();
        result.complete(assembly.build(ticks, failure, interrupted, (System.nanoTime() - startNanos) / 1e9, List.of()));
        return Behaviors.stopped();
    }
}
