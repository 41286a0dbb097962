package ballast.guest;

import ballast.host.abi.Boot;
import ballast.host.abi.BootRefused;
import ballast.host.abi.Booted;
import ballast.host.abi.GuestCall;
import ballast.host.abi.RemapNotice;
import ballast.host.abi.TickAck;
import ballast.host.abi.TickResult;
import ballast.host.abi.TickStart;
import ballast.host.abi.TickWork;
import ballast.host.abi.ToGuest;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One guest VM: a thin actor around its {@link GuestOs}. It boots with its hypervisor, and for
 * every tick sends its work when told to start, checks the hypervisor's result against its own
 * record, and acknowledges with its counters (and its whole record when the tick audits).
 * It talks to its hypervisor only through the hypercall ABI ({@link GuestCall}).
 */
public final class GuestVm extends AbstractBehavior<GuestVm.Command> {

    /** What a guest accepts: only what its hypervisor sends, wrapped by the message adapter. */
    public sealed interface Command permits FromHypervisor, Migrate {
    }

    /** A hypervisor message, delivered through this guest's adapter. */
    public record FromHypervisor(ToGuest message) implements Command {
    }

    /**
     * Live migration's stop-and-copy, between two ticks: reply with the guest OS's state and stop.
     * The scheduler sends it only after a tick the guest did not work ahead of.
     */
    public record Migrate(org.apache.pekko.actor.typed.ActorRef<GuestHandover> replyTo) implements Command,
            ballast.host.wire.WireMessage {
    }

    private final GuestOs os;
    private final ActorRef<GuestCall> hypervisor;
    private final ActorRef<ToGuest> self;
    private final int maxMmuUpdateEntries;
    private final boolean workAhead;
    private boolean auditThisTick;
    /** Tick n + 1's work, generated while the hypervisor applies tick n; null when none. */
    private TickWork ahead;

    public static Behavior<Command> create(GuestSettings settings, ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries) {
        return create(settings, hypervisor, maxMmuUpdateEntries, true, NO_CRASH);
    }

    /**
     * @param workAhead   whether to generate tick n + 1 while the hypervisor applies tick n; off for a
     *                    para-virtual guest on a host that shares pages, whose next tick needs the
     *                    remap notices of this one (its p2m)
     * @param crashAtTick fault injection for reliability tests: throw {@link InjectedFault} when this
     *                    tick starts ({@link #NO_CRASH} for never)
     */
    public static Behavior<Command> create(GuestSettings settings, ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries,
                                           boolean workAhead, long crashAtTick) {
        return Behaviors.setup(context -> new GuestVm(context, settings, hypervisor, maxMmuUpdateEntries, workAhead,
                crashAtTick));
    }

    /**
     * A new incarnation of a migrated guest on its destination host: it takes over {@code snapshot}
     * (taken on the source, see {@link Migrate}) before it boots with {@code hypervisor}.
     */
    public static Behavior<Command> restored(GuestSettings settings, GuestOsSnapshot snapshot,
                                             ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries, boolean workAhead) {
        return Behaviors.setup(context -> new GuestVm(context, settings, hypervisor, maxMmuUpdateEntries, workAhead,
                NO_CRASH, snapshot));
    }

    public static final long NO_CRASH = -1;

    /** The failure a guest injected with a crash throws. */
    public static final class InjectedFault extends RuntimeException {
        public InjectedFault(String message) {
            super(message);
        }
    }

    private final long crashAtTick;

    private GuestVm(ActorContext<Command> context, GuestSettings settings, ActorRef<GuestCall> hypervisor,
                    int maxMmuUpdateEntries, boolean workAhead, long crashAtTick) {
        this(context, settings, hypervisor, maxMmuUpdateEntries, workAhead, crashAtTick, null);
    }

    private GuestVm(ActorContext<Command> context, GuestSettings settings, ActorRef<GuestCall> hypervisor,
                    int maxMmuUpdateEntries, boolean workAhead, long crashAtTick, GuestOsSnapshot snapshot) {
        super(context);
        this.crashAtTick = crashAtTick;
        this.os = new GuestOs(settings);
        if (snapshot != null) {
            os.restore(snapshot);
        }
        this.hypervisor = hypervisor;
        this.maxMmuUpdateEntries = maxMmuUpdateEntries;
        this.workAhead = workAhead;
        this.self = context.messageAdapter(ToGuest.class, FromHypervisor::new);
        hypervisor.tell(new Boot(settings.index(), settings.name(), self));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(FromHypervisor.class, this::onHypervisor)
                .onMessage(Migrate.class, this::onMigrate)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onMigrate(Migrate migrate) {
        migrate.replyTo().tell(new GuestHandover(os.settings().name(), os.snapshot()));
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop() {
        os.close();
        return this;
    }

    private Behavior<Command> onHypervisor(FromHypervisor wrapped) {
        ToGuest message = wrapped.message();
        if (message instanceof TickStart) {
            onTickStart((TickStart) message);
        } else if (message instanceof TickResult) {
            onTickResult((TickResult) message);
        } else if (message instanceof RemapNotice) {
            RemapNotice notice = (RemapNotice) message;
            os.remapped(notice.ppns(), notice.mpns());
        } else if (message instanceof Booted) {
            os.booted(((Booted) message).p2m());
        } else if (message instanceof BootRefused) {
            BootRefused refused = (BootRefused) message;
            getContext().getLog().error("{}: boot refused ({}): {}", os.settings().name(), refused.reason(), refused.detail());
            return Behaviors.stopped();
        }
        return this;
    }

    /**
     * Sends the tick's work (generated ahead if it was), then, unless this tick is audited, generates
     * the next tick's work while the hypervisor is busy with this one. Generation depends only on
     * the guest's own state, never on a tick's result, so working ahead changes no figure; it only
     * overlaps the guests' work with the hypervisor's. An audited tick (every tick with
     * --check-every-tick, and the last one) is never worked ahead of, so that its audit sees exactly
     * the state after it; nor is any tick of a guest created without {@code workAhead}.
     */
    private void onTickStart(TickStart start) {
        if (start.tick() == crashAtTick) {
            throw new InjectedFault(os.settings().name() + ": injected fault at tick " + start.tick());
        }
        auditThisTick = start.audit();
        TickWork work = ahead != null && ahead.tick() == start.tick() ? ahead : generate(start.tick());
        ahead = null;
        hypervisor.tell(work);
        if (workAhead && !start.audit()) {
            ahead = generate(start.tick() + 1);
        }
    }

    private TickWork generate(long tick) {
        GuestOs.Work work = os.generate(tick, maxMmuUpdateEntries);
        String traceError = os.takeTraceError();
        if (traceError != null) {
            getContext().getLog().error("{}: {}", os.settings().name(), traceError);
        }
        return new TickWork(os.settings().index(), tick, work.mmuUpdates(), work.ops(), work.values(), work.kernel(),
                self);
    }

    private void onTickResult(TickResult result) {
        if (!result.refusals().isEmpty()) {
            getContext().getLog().warn("{}: tick {} refused: {}", os.settings().name(), result.tick(), result.refusals());
        }
        if (!os.verify(result)) {
            getContext().getLog().error("{}: tick {} reads differ from what the guest wrote", os.settings().name(), result.tick());
        }
        hypervisor.tell(new TickAck(os.settings().index(), result.tick(), os.counters(),
                auditThisTick ? os.audit() : null, self));
    }
}
