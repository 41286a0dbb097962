package ballast.scheduler.run;

import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.host.HostSettings;
import ballast.host.Hypervisor;
import ballast.host.abi.GuestCall;
import ballast.host.abi.TranslationMode;
import ballast.host.control.GuestGone;
import ballast.scheduler.clock.Clock;
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
 */
final class Guardian extends AbstractBehavior<Guardian.Message> {

    sealed interface Message permits GuestTerminated {
    }

    /** A watched guest actor stopped. */
    record GuestTerminated(GuestSettings guest, int incarnation) implements Message {
    }

    private final Scenario scenario;
    private final Simulation.Options options;
    private final Map<String, ActorRef<Hypervisor.Command>> hosts = new LinkedHashMap<>();
    private final Map<String, HostSettings> hostSettings = new HashMap<>();
    private final ActorRef<Clock.Command> clock;

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
        for (GuestSettings guest : scenario.guests()) {
            long crash = options.injectedCrashes().getOrDefault(guest.name(), GuestVm.NO_CRASH);
            startGuest(guest, 0, crash);
        }
        Clock.Plan plan = new Clock.Plan(scenario.ticks(), scenario.sampleEveryTicks(), scenario.tickSeconds(),
                options.checkEveryTick(), options.barrierTimeout(), hostNames,
                Scenario.FREE_RUNNING.equals(scenario.mode()),
                Math.max(Simulation.FREE_RUNNING_CHECK_EVERY, scenario.guests().size()));
        this.clock = context.spawn(Clock.create(plan, hosts, result, control), "clock");
    }

    private void startGuest(GuestSettings guest, int incarnation, long crashAtTick) {
        ActorRef<GuestCall> hypervisor = hosts.get(guest.host()).narrow();
        HostSettings host = hostSettings.get(guest.host());
        // A para-virtual guest on a sharing host needs this tick's remap notices to write next
        // tick's page tables: it does not work ahead.
        boolean workAhead = !(guest.mode() == TranslationMode.PARA && host.sharing().enabled());
        Behavior<GuestVm.Command> behavior = Behaviors.supervise(
                        GuestVm.create(guest, hypervisor, host.maxMmuUpdateEntries(), workAhead, crashAtTick))
                .onFailure(SupervisorStrategy.stop().withLoggingEnabled(false)); // the clock logs the fault in one line
        String name = "guest-" + Simulation.actorName(guest.name()) + (incarnation == 0 ? "" : "-" + incarnation);
        ActorRef<GuestVm.Command> ref = getContext().spawn(behavior, name);
        getContext().watchWith(ref, new GuestTerminated(guest, incarnation));
    }

    @Override
    public Receive<Message> createReceive() {
        return newReceiveBuilder()
                .onMessage(GuestTerminated.class, this::onGuestTerminated)
                .build();
    }

    private Behavior<Message> onGuestTerminated(GuestTerminated t) {
        // free-running guests have no common tick to rejoin at: a failed one is always stopped
        boolean restart = options.onGuestFailure() == Simulation.OnGuestFailure.RESTART
                && !Scenario.FREE_RUNNING.equals(scenario.mode());
        hosts.get(t.guest().host()).tell(new GuestGone(t.guest().index(), restart));
        clock.tell(new Clock.GuestFault(t.guest().name(), "guest actor stopped (failure)",
                restart ? "restarted from a fresh boot; its memory was released" : "stopped; its memory was released"));
        if (restart) {
            startGuest(t.guest(), t.incarnation() + 1, GuestVm.NO_CRASH);
        }
        return this;
    }
}
