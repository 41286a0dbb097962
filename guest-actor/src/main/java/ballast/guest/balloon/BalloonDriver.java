package ballast.guest.balloon;

import ballast.guest.GuestMemorySettings;
import ballast.abi.TickResult;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A guest's balloon driver: the private channel between the hypervisor's reclamation and the
 * guest OS, a child of its {@link ballast.guest.GuestVm}. A thin router around {@link Balloon}, which holds the
 * algorithm, the ballooned PPNs and the back-off.
 *
 * <p>Protocol, per tick {@code n} (GuestVm is the only sender, so its messages arrive in order):
 * <ol>
 *   <li>{@link Tick}{@code (n, target, status)}: sent by GuestVm once it has sent its work for tick
 *       {@code n}; {@code target} is the {@code balloonTargetPages} of {@code TickStart(n)},
 *       {@code status} the {@code balloonStatus} of {@code TickResult(n - 1)};</li>
 *   <li>the driver replies {@link Balloon.Orders}{@code (n, pinPages, deflate, release)}: what the
 *       guest OS does at the start of its work for tick {@code n + 1};</li>
 *   <li>when those orders asked for pages, GuestVm sends {@link Pinned}{@code (n + 1, ppns)}
 *       once the guest OS generated that work (before {@code Tick(n + 1)}).</li>
 * </ol>
 * {@link GetStatus} answers with the driver's view, for tests and diagnostics; {@link Save} with its
 * whole state, for a live migration (a migrated guest's driver starts from it: {@link #restored}). The driver is always
 * its guest's local child: its messages never cross a node and are not serialized.
 *
 * <p>GuestVm may skip the exchange for a tick when the step would have nothing to do (see
 * {@link ballast.guest.GuestVm}); the driver does not hear of that tick, which changes nothing it holds.
 */
public final class BalloonDriver extends AbstractBehavior<BalloonDriver.Command> {

    /** What the driver accepts. */
    public sealed interface Command extends NoSerializationVerificationNeeded permits Tick, Pinned, GetStatus, Save {
    }

    /**
     * {@code TickStart(tick)} reached the guest.
     *
     * @param targetPages the balloon size the hypervisor wants
     * @param status      {@link TickResult#balloonStatus()} of the guest's previous tick (0 when none)
     */
    public record Tick(long tick, int targetPages, int status, ActorRef<Balloon.Orders> replyTo) implements Command {
    }

    /** The guest OS pinned {@code ppns} for the inflate of its work of {@code workTick}. */
    public record Pinned(long workTick, int[] ppns) implements Command {
    }

    /** Live migration's stop-and-copy: asks for the driver's whole {@link Balloon.State}. */
    public record Save(ActorRef<Balloon.State> replyTo) implements Command {
    }

    /** Asks for the driver's {@link Status}. */
    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /**
     * The driver's view: the balloon as it counts it ({@link Balloon#currentPages()}), the PPNs
     * confirmed in it, the last step's outcome, when it steps again, and how often the balloon
     * popped and calls were refused.
     */
    public record Status(int balloonPages, int[] ballooned, Balloon.Outcome lastOutcome, long backoffUntil,
                         long pops, long refusals) implements NoSerializationVerificationNeeded {
    }

    private final Balloon balloon;

    public static Behavior<Command> create(GuestMemorySettings settings) {
        return Behaviors.setup(context -> new BalloonDriver(context, new Balloon(settings)));
    }

    /** The driver of a migrated guest, going on from the state its previous incarnation saved. */
    public static Behavior<Command> restored(GuestMemorySettings settings, Balloon.State state) {
        return Behaviors.setup(context -> new BalloonDriver(context, new Balloon(settings, state)));
    }

    private BalloonDriver(ActorContext<Command> context, Balloon balloon) {
        super(context);
        this.balloon = balloon;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, this::onTick)
                .onMessage(Pinned.class, this::onPinned)
                .onMessage(GetStatus.class, this::onGetStatus)
                .onMessage(Save.class, this::onSave)
                .build();
    }

    private Behavior<Command> onTick(Tick tick) {
        tick.replyTo().tell(balloon.step(tick.tick(), tick.targetPages(), tick.status()));
        return this;
    }

    private Behavior<Command> onPinned(Pinned pinned) {
        balloon.pinned(pinned.workTick(), pinned.ppns());
        return this;
    }

    private Behavior<Command> onSave(Save save) {
        save.replyTo().tell(balloon.state());
        return this;
    }

    private Behavior<Command> onGetStatus(GetStatus get) {
        get.replyTo().tell(new Status(balloon.currentPages(), balloon.balloonedPpns(), balloon.lastOutcome(),
                balloon.backoffUntil(), balloon.pops(), balloon.refusals()));
        return this;
    }
}
