package ballast.scheduler.run;

import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.HostSettings;
import ballast.host.Hypervisor;
import ballast.host.abi.GuestCall;
import ballast.host.abi.TranslationMode;
import ballast.host.control.GuestGone;
import ballast.scheduler.clock.Clock;
import ballast.scheduler.clock.GuestControl;
import ballast.scheduler.clock.Timeline;
import ballast.scheduler.scenario.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The root of a one-JVM run: starts one {@link Hypervisor} per host, one {@link GuestVm} per guest
 * (next to its host) and the {@link Clock}, and supervises the guests. A guest that fails is
 * stopped (the declared strategy); the guardian tells its hypervisor, which releases the guest's
 * memory, reports the fault to the clock and, with {@link Simulation.OnGuestFailure#RESTART},
 * starts a fresh incarnation that boots again.
 *
 * <p>It also starts, stops and changes guests when the clock applies a timed event
 * ({@link GuestControl}): a guest that boots later is not started with the others; when its time
 * comes it is started and the clock is answered once it has booted. A guest stopped by an event is
 * not a fault.
 */
final class Guardian extends AbstractBehavior<Guardian.Message> {

    sealed interface Message permits GuestTerminated, Control, GuestBooted, WorkloadAnswered {
    }

    /** A watched guest actor stopped. */
    record GuestTerminated(GuestSettings guest, int incarnation) implements Message {
    }

    /** A request of the clock's, through this guardian's adapter. */
    record Control(GuestControl request) implements Message {
    }

    /** A guest started by an event has booted ({@link BootWatch}). */
    record GuestBooted(String guest, int incarnation) implements Message {
    }

    /** A guest's answer to a workload change: null when it took it. */
    record WorkloadAnswered(String guest, ActorRef<Clock.Command> replyTo, String problem) implements Message {
    }

    /** A guest actor running now, and which incarnation of the guest it is. */
    private record Running(ActorRef<GuestVm.Command> ref, int incarnation) {
    }

    private final Scenario scenario;
    private final Simulation.Options options;
    private final Map<String, ActorRef<Hypervisor.Command>> hosts = new LinkedHashMap<>();
    private final Map<String, HostSettings> hostSettings = new HashMap<>();
    private final ActorRef<Clock.Command> clock;
    private final Map<String, GuestSettings> guests = new HashMap<>();
    private final Map<String, Running> running = new HashMap<>();
    /** The last incarnation started of each guest (its actor name carries it). */
    private final Map<String, Integer> incarnations = new HashMap<>();
    /** The clock's requests waiting for a guest to boot or to stop. */
    private final Map<String, ActorRef<Clock.Command>> pendingStarts = new HashMap<>();
    private final Map<String, ActorRef<Clock.Command>> pendingStops = new HashMap<>();

    static Behavior<Message> create(Scenario scenario, Simulation.Options options, CompletableFuture<RunResult> result,
                                    RunControl control) {
        return Behaviors.setup(context -> new Guardian(context, scenario, options, result, control));
    }

    private Guardian(ActorContext<Message> context, Scenario scenario, Simulation.Options options,
                     CompletableFuture<RunResult> result, RunControl control) {
        super(context);
        this.scenario = scenario;
        this.options = options;
        List<String> hostNames = new ArrayList<>();
        for (HostSettings host : scenario.hosts()) {
            hosts.put(host.name(), context.spawn(Hypervisor.create(host), "host-" + Simulation.actorName(host.name())));
            hostSettings.put(host.name(), host);
            hostNames.add(host.name());
        }
        java.util.Set<String> later = new java.util.HashSet<>(scenario.startingLater());
        Map<String, Timeline.Place> places = new HashMap<>();
        for (GuestSettings guest : scenario.guests()) {
            guests.put(guest.name(), guest);
            places.put(guest.name(), new Timeline.Place(guest.host(), guest.index()));
            if (!later.contains(guest.name())) {
                long crash = options.injectedCrashes().getOrDefault(guest.name(), GuestVm.NO_CRASH);
                startGuest(guest, 0, crash, false);
            }
        }
        Timeline timeline = new Timeline(scenario.events(), places, scenario.startingLater(),
                context.messageAdapter(GuestControl.class, Control::new));
        Clock.Plan plan = new Clock.Plan(scenario.ticks(), scenario.sampleEveryTicks(), scenario.tickSeconds(),
                options.checkEveryTick(), options.barrierTimeout(), hostNames,
                Scenario.FREE_RUNNING.equals(scenario.mode()),
                Math.max(Simulation.FREE_RUNNING_CHECK_EVERY, scenario.guests().size()));
        this.clock = context.spawn(Clock.create(plan, hosts, result, control, timeline), "clock");
    }

    /**
     * Starts an incarnation of a guest; {@code watchBoot} tells this guardian when it has booted
     * (for a guest started by an event, whose boot the clock waits for).
     */
    private void startGuest(GuestSettings guest, int incarnation, long crashAtTick, boolean watchBoot) {
        ActorRef<GuestCall> hypervisor = hosts.get(guest.host()).narrow();
        HostSettings host = hostSettings.get(guest.host());
        // A para-virtual guest on a sharing host needs this tick's remap notices to write next
        // tick's page tables: it does not work ahead.
        boolean workAhead = !(guest.mode() == TranslationMode.PARA && host.sharing().enabled());
        Behavior<GuestVm.Command> behavior = Behaviors.supervise(
                        GuestVm.create(guest, hypervisor, host.maxMmuUpdateEntries(), workAhead, crashAtTick))
                .onFailure(SupervisorStrategy.stop().withLoggingEnabled(false)); // the clock logs the fault in one line
        if (watchBoot) {
            behavior = Behaviors.intercept(() -> new BootWatch(getContext().getSelf(), guest.name(), incarnation), behavior);
        }
        String name = "guest-" + Simulation.actorName(guest.name()) + (incarnation == 0 ? "" : "-" + incarnation);
        ActorRef<GuestVm.Command> ref = getContext().spawn(behavior, name);
        getContext().watchWith(ref, new GuestTerminated(guest, incarnation));
        running.put(guest.name(), new Running(ref, incarnation));
        incarnations.put(guest.name(), incarnation);
    }

    @Override
    public Receive<Message> createReceive() {
        return newReceiveBuilder()
                .onMessage(GuestTerminated.class, this::onGuestTerminated)
                .onMessage(Control.class, this::onControl)
                .onMessage(GuestBooted.class, this::onGuestBooted)
                .onMessage(WorkloadAnswered.class, this::onWorkloadAnswered)
                .build();
    }

    // ---------------------------------------------------------------- timed events

    private Behavior<Message> onControl(Control control) {
        GuestControl request = control.request();
        if (request instanceof GuestControl.Start start) {
            onStart(start);
        } else if (request instanceof GuestControl.Stop stop) {
            onStop(stop);
        } else if (request instanceof GuestControl.ChangeWorkload change) {
            onChangeWorkload(change);
        }
        return this;
    }

    private void onStart(GuestControl.Start start) {
        GuestSettings guest = guests.get(start.guest());
        if (guest == null || running.containsKey(start.guest())) {
            start.replyTo().tell(new Clock.GuestChanged(start.guest(), guest == null ? "no such guest" : "already running"));
            return;
        }
        Integer last = incarnations.get(guest.name());
        int incarnation = last == null ? 0 : last + 1;
        long crash = last == null ? options.injectedCrashes().getOrDefault(guest.name(), GuestVm.NO_CRASH) : GuestVm.NO_CRASH;
        pendingStarts.put(guest.name(), start.replyTo());
        startGuest(bootingAt(guest, start.tick()), incarnation, crash, true);
    }

    /**
     * The guest as it boots before tick {@code tick}: its workload's phases count from then (they are
     * played on the run's clock, so an idle stretch until its boot comes first).
     */
    static GuestSettings bootingAt(GuestSettings guest, long tick) {
        WorkloadSettings w = guest.workload();
        double seconds = tick * guest.tickSeconds();
        if (tick == 0 || w.isTrace()) {
            return guest;
        }
        List<Phase> phases = new ArrayList<>();
        phases.add(Phase.idle(seconds));
        phases.addAll(w.phases());
        return new GuestSettings(guest.name(), guest.host(), guest.index(), guest.os(), guest.mode(),
                guest.configuredPages(), guest.processes(), guest.seed(), guest.tickSeconds(), guest.content(),
                new WorkloadSettings(w.type(), phases, w.traces()), guest.osProfile(), guest.memory());
    }

    private Behavior<Message> onGuestBooted(GuestBooted booted) {
        Running r = running.get(booted.guest());
        ActorRef<Clock.Command> replyTo = pendingStarts.get(booted.guest());
        if (r != null && r.incarnation() == booted.incarnation() && replyTo != null) {
            pendingStarts.remove(booted.guest());
            replyTo.tell(new Clock.GuestChanged(booted.guest(), null));
        }
        return this;
    }

    private void onStop(GuestControl.Stop stop) {
        Running r = running.get(stop.guest());
        if (r == null) {
            stop.replyTo().tell(new Clock.GuestChanged(stop.guest(), "not running (its actor failed earlier)"));
            return;
        }
        pendingStops.put(stop.guest(), stop.replyTo());
        getContext().stop(r.ref());
    }

    private void onChangeWorkload(GuestControl.ChangeWorkload change) {
        Running r = running.get(change.guest());
        if (r == null) {
            change.replyTo().tell(new Clock.GuestChanged(change.guest(), "not running (its actor failed earlier)"));
            return;
        }
        WorkloadChange.ask(getContext(), r.ref(), change.workload(), options.barrierTimeout(),
                problem -> new WorkloadAnswered(change.guest(), change.replyTo(), problem));
    }

    private Behavior<Message> onWorkloadAnswered(WorkloadAnswered answered) {
        answered.replyTo().tell(new Clock.GuestChanged(answered.guest(), answered.problem()));
        return this;
    }

    // ---------------------------------------------------------------- guests that stop

    private Behavior<Message> onGuestTerminated(GuestTerminated t) {
        String name = t.guest().name();
        Running r = running.get(name);
        if (r == null || r.incarnation() != t.incarnation()) {
            return this; // an incarnation already replaced
        }
        running.remove(name);
        ActorRef<Clock.Command> stopped = pendingStops.remove(name);
        if (stopped != null) {
            stopped.tell(new Clock.GuestChanged(name, null)); // stopped by an event: not a fault
            return this;
        }
        ActorRef<Clock.Command> starting = pendingStarts.remove(name);
        if (starting != null) {
            // It never joined its hypervisor, which does not wait for it: nothing to release.
            starting.tell(new Clock.GuestChanged(name, "failed: the guest stopped before it booted"));
            clock.tell(new Clock.GuestFault(name, "guest actor stopped before it booted", "stopped; it never ran"));
            return this;
        }
        // free-running guests have no common tick to rejoin at: a failed one is always stopped
        boolean restart = options.onGuestFailure() == Simulation.OnGuestFailure.RESTART
                && !Scenario.FREE_RUNNING.equals(scenario.mode());
        hosts.get(t.guest().host()).tell(new GuestGone(t.guest().index(), restart));
        clock.tell(new Clock.GuestFault(t.guest().name(), "guest actor stopped (failure)",
                restart ? "restarted from a fresh boot; its memory was released" : "stopped; its memory was released"));
        if (restart) {
            startGuest(t.guest(), t.incarnation() + 1, GuestVm.NO_CRASH, false);
        }
        return this;
    }
}
