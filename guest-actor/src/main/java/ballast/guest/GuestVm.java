package ballast.guest;

import ballast.guest.os.GuestOs;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.Boot;
import ballast.abi.BootRefused;
import ballast.abi.Booted;
import ballast.abi.GuestCall;
import ballast.abi.RemapNotice;
import ballast.abi.Reservation;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import java.util.function.Function;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One guest VM: a thin actor around its {@link GuestOs} and, when ballooning is enabled, its
 * {@link BalloonDriver} child. It boots with its hypervisor, and for every tick sends its work
 * when told to start, checks the hypervisor's result against its own record, and acknowledges
 * with its counters (and its whole record when the tick audits). It talks to its hypervisor only
 * through the hypercall ABI ({@link GuestCall}).
 *
 * <h2>The tick, and when work is generated</h2>
 *
 * On {@code TickStart(n)}:
 * <ol>
 *   <li>send the work of tick {@code n}: generated ahead if it was, else generated now (which first
 *       waits for the driver's step of {@code TickStart(n - 1)}, should it not be in yet);</li>
 *   <li>tell the driver {@code Tick(n, balloonTargetPages, balloonStatus of TickResult(n - 1))};</li>
 *   <li>on the driver's reply (its {@link Balloon.Orders} for tick {@code n}): unless tick {@code n}
 *       audits (or the guest does not work ahead), generate the work of tick {@code n + 1} now,
 *       carrying out those orders first (so it overlaps the hypervisor's work on tick
 *       {@code n}); else keep the orders for when {@code TickStart(n + 1)} comes. After generating,
 *       tell the driver which PPNs were pinned ({@link BalloonDriver.Pinned}).</li>
 * </ol>
 * The exchange with the driver is skipped, as a step with nothing to do, when no balloon call is
 * unresolved (neither the work of tick {@code n - 1} nor of {@code n} carried an inflate or a
 * deflate), the result of tick {@code n - 1} carried no balloon status, and the target (within the
 * cap) equals the balloon; the work of tick {@code n + 1} is then generated at once. Without a
 * driver (ballooning disabled) the same holds with no exchange at all.
 *
 * <p>So the work of tick {@code n + 1} depends on the guest's own state, the driver's step of
 * {@code TickStart(n)} and the decisions carried by {@code TickStart(n)}, never on when a result or
 * a reply arrived: the same scenario and seed give the same work whatever the thread timing. A
 * result's effects on what the guest generates are taken at a fixed tick: balloon status goes to
 * the driver with the next {@code TickStart}, a refused stale {@code mmu_update} is re-issued two
 * ticks later when working ahead ({@link GuestOs#setRemapLag}).
 *
 * <h2>Stall</h2>
 * {@code TickStart(n).stall} makes the work of tick {@code n + 1} carry no workload accesses (it is
 * counted in {@code stalledTicks}); its page-outs and balloon calls still go. The work of tick
 * {@code n} may already exist when the stall arrives, so every guest honours a stall one tick on,
 * whether it works ahead or not.
 *
 * <h2>Workload change</h2>
 * {@link SetWorkload}, received between {@code TickStart(n)} and {@code TickStart(n + 1)} (the clock
 * sends it between ticks), replaces the workload from the work of tick {@code n + 2} on (the work of
 * tick {@code n + 1} may already exist); received before the guest's first tick, from its first
 * work. The reply ({@link WorkloadSet}) goes at once, with that tick, or with the reason the
 * workload was refused (then nothing changes). A later change before the first takes effect
 * replaces it.
 */
public final class GuestVm extends AbstractBehavior<GuestVm.Command> {

    /**
     * What a guest accepts: what its hypervisor sends (wrapped by the message adapter), its driver's
     * replies, workload changes, and live migration's stop-and-copy.
     */
    public sealed interface Command permits FromHypervisor, Migrate, FromDriver, FromDriverSave, SetWorkload,
            DriverStopped {
    }

    /** A hypervisor message, delivered through this guest's adapter. */
    public record FromHypervisor(ToGuest message) implements Command {
    }

    /**
     * Live migration's stop-and-copy, between two ticks: reply with the guest's whole state (its
     * OS's, its balloon driver's, its own) and stop. The scheduler sends it only after a tick the
     * guest did not work ahead of; should the driver's step of that tick not be in yet, the guest
     * waits for it first.
     */
    public record Migrate(org.apache.pekko.actor.typed.ActorRef<GuestHandover> replyTo) implements Command,
            ballast.wire.WireMessage {
    }

    /** The balloon driver's step, delivered through this guest's adapter. */
    public record FromDriver(Balloon.Orders orders) implements Command, NoSerializationVerificationNeeded {
    }

    /**
     * Change the guest's workload (a timed event, "change a workload phase"); see the class comment
     * for the tick it takes effect at. Sent by a clock in the guest's JVM: not serialized.
     */
    public record SetWorkload(WorkloadSettings workload, ActorRef<WorkloadSet> replyTo)
            implements Command, NoSerializationVerificationNeeded {
    }

    /**
     * The answer to {@link SetWorkload}: taken, effective from the work of {@code fromTick} (the
     * guest's first work when it had not started), or refused with {@code problem} (then {@code fromTick} is -1).
     */
    public record WorkloadSet(String guest, long fromTick, String problem) implements NoSerializationVerificationNeeded {
        public boolean accepted() {
            return problem == null;
        }
    }

    /** The balloon driver's saved state, for a migration's handover. */
    private record FromDriverSave(Balloon.State state) implements Command, NoSerializationVerificationNeeded {
    }

    /** The balloon driver stopped (it failed): the guest cannot go on without it. */
    private record DriverStopped() implements Command, NoSerializationVerificationNeeded {
    }

    private final GuestOs os;
    private final ActorRef<GuestCall> hypervisor;
    private final ActorRef<ToGuest> self;
    private final int maxMmuUpdateEntries;
    private final boolean workAhead;
    private final long crashAtTick;
    /** The balloon driver, or null when ballooning is disabled. */
    private final ActorRef<BalloonDriver.Command> driver;
    private final ActorRef<Balloon.Orders> driverReplies;

    /** The last TickStart received, or null. */
    private TickStart started;
    /** The tick of the last TickStart received, here or (a migrated guest) by the incarnation it came from. */
    private long lastStartedTick = Long.MIN_VALUE;
    /** A TickStart whose work waits for the driver's step of the previous tick. */
    private TickStart waiting;
    /** Tick n + 1's work, generated while the hypervisor applies tick n; null when none. */
    private TickWork ahead;
    /** The driver's orders for the next work to generate, or null; and whether a reply is awaited. */
    private Balloon.Orders orders;
    private boolean awaitingDriver;
    /** The last work tick that carried a balloon call (inflate or deflate). */
    private long lastCallWork = Long.MIN_VALUE;
    /** balloonStatus of the last result, and its tick. */
    private int lastStatus;
    private long lastStatusTick = Long.MIN_VALUE;
    /** Stall decisions, by the parity of the work tick they apply to: the tick, and the decision. */
    private final long[] stallTick = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final boolean[] stall = new boolean[2];
    /** A workload change taken and not yet effective, and the first work tick it applies to. */
    private WorkloadSettings nextWorkload;
    private long nextWorkloadTick;
    private boolean warnedNoDriver;
    /** A migration's stop-and-copy waiting for the driver's step, or waiting for the driver's saved state. */
    private Migrate migrateWhenStepped;
    private Migrate migrating;
    private final ActorRef<Balloon.State> driverSaves;

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
        return create(settings, hypervisor, maxMmuUpdateEntries, workAhead, crashAtTick, BalloonDriver::create);
    }

    /** As above, with the balloon driver's behavior made by {@code driver} (tests slow it down). */
    static Behavior<Command> create(GuestSettings settings, ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries,
                                    boolean workAhead, long crashAtTick,
                                    Function<GuestMemorySettings, Behavior<BalloonDriver.Command>> driver) {
        return Behaviors.setup(context -> new GuestVm(context, settings, hypervisor, maxMmuUpdateEntries, workAhead,
                crashAtTick, driver, null));
    }

    /**
     * A new incarnation of a migrated guest on its destination host: it takes over {@code snapshot}
     * (taken on the source, see {@link Migrate}), its driver the driver's, before it boots with
     * {@code hypervisor}.
     */
    public static Behavior<Command> restored(GuestSettings settings, GuestVmSnapshot snapshot,
                                             ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries, boolean workAhead) {
        Function<GuestMemorySettings, Behavior<BalloonDriver.Command>> driver = snapshot.balloon() == null
                ? BalloonDriver::create : m -> BalloonDriver.restored(m, snapshot.balloon());
        return Behaviors.setup(context -> new GuestVm(context, settings, hypervisor, maxMmuUpdateEntries, workAhead,
                NO_CRASH, driver, snapshot));
    }

    public static final long NO_CRASH = -1;

    /** The failure a guest injected with a crash throws. */
    public static final class InjectedFault extends RuntimeException {
        public InjectedFault(String message) {
            super(message);
        }
    }

    private GuestVm(ActorContext<Command> context, GuestSettings settings, ActorRef<GuestCall> hypervisor,
                    int maxMmuUpdateEntries, boolean workAhead, long crashAtTick,
                    Function<GuestMemorySettings, Behavior<BalloonDriver.Command>> driverBehavior,
                    GuestVmSnapshot snapshot) {
        super(context);
        this.crashAtTick = crashAtTick;
        this.os = new GuestOs(settings);
        this.os.setRemapLag(workAhead ? 2 : 1);
        if (snapshot != null) {
            os.restore(snapshot.os());
            orders = snapshot.orders();
            lastCallWork = snapshot.lastCallWork();
            lastStatus = snapshot.lastStatus();
            lastStatusTick = snapshot.lastStatusTick();
            System.arraycopy(snapshot.stallTick(), 0, stallTick, 0, 2);
            stall[0] = (snapshot.stallBits() & 1) != 0;
            stall[1] = (snapshot.stallBits() & 2) != 0;
            nextWorkload = snapshot.nextWorkload();
            nextWorkloadTick = snapshot.nextWorkloadTick();
            lastStartedTick = snapshot.lastStartedTick();
        }
        this.hypervisor = hypervisor;
        this.maxMmuUpdateEntries = maxMmuUpdateEntries;
        this.workAhead = workAhead;
        this.self = context.messageAdapter(ToGuest.class, FromHypervisor::new);
        if (settings.memory().balloonEnabled()) {
            this.driver = context.spawn(driverBehavior.apply(settings.memory()), "balloon");
            context.watchWith(driver, new DriverStopped());
            this.driverReplies = context.messageAdapter(Balloon.Orders.class, FromDriver::new);
            this.driverSaves = context.messageAdapter(Balloon.State.class, FromDriverSave::new);
        } else {
            this.driver = null;
            this.driverReplies = null;
            this.driverSaves = null;
        }
        hypervisor.tell(new Boot(settings.index(), settings.name(), self));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(FromHypervisor.class, this::onHypervisor)
                .onMessage(Migrate.class, this::onMigrate)
                .onMessage(FromDriver.class, this::onDriverStep)
                .onMessage(FromDriverSave.class, this::onDriverSaved)
                .onMessage(SetWorkload.class, this::onSetWorkload)
                .onMessage(DriverStopped.class, this::onDriverStopped)
                .onSignal(PostStop.class, signal -> onPostStop())
                .build();
    }

    private Behavior<Command> onMigrate(Migrate migrate) {
        if (awaitingDriver) {
            migrateWhenStepped = migrate; // the driver's step of the last tick comes first
            return this;
        }
        return handOver(migrate);
    }

    /** Stop-and-copy: the driver's state first (when there is a driver), then the handover, and stop. */
    private Behavior<Command> handOver(Migrate migrate) {
        if (driver == null) {
            return handOver(migrate, null);
        }
        migrating = migrate;
        driver.tell(new BalloonDriver.Save(driverSaves));
        return this;
    }

    private Behavior<Command> onDriverSaved(FromDriverSave saved) {
        Migrate migrate = migrating;
        migrating = null;
        return migrate == null ? this : handOver(migrate, saved.state());
    }

    private Behavior<Command> handOver(Migrate migrate, Balloon.State balloon) {
        migrate.replyTo().tell(new GuestHandover(os.settings().name(), new GuestVmSnapshot(os.snapshot(), balloon,
                orders, lastCallWork, lastStatus, lastStatusTick, stallTick.clone(), (stall[0] ? 1 : 0) | (stall[1] ? 2 : 0),
                nextWorkload, nextWorkloadTick, lastStartedTick)));
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

    /** Sends the tick's work (generating it now if it was not generated ahead) and asks the driver for its step. */
    private void onTickStart(TickStart start) {
        if (start.tick() == crashAtTick) {
            throw new InjectedFault(os.settings().name() + ": injected fault at tick " + start.tick());
        }
        started = start;
        lastStartedTick = start.tick();
        int slot = (int) ((start.tick() + 1) & 1);
        stallTick[slot] = start.tick() + 1;
        stall[slot] = start.stall();
        if (ahead != null && ahead.tick() != start.tick()) {
            ahead = null; // not the tick being played (cannot happen with a well-behaved hypervisor)
        }
        if (ahead == null && awaitingDriver) {
            waiting = start; // the driver's step of the previous tick comes first
            return;
        }
        TickWork work = ahead != null ? ahead : generate(start.tick());
        ahead = null;
        hypervisor.tell(work);
        stepDriver(start);
    }

    /** After the work of {@code start.tick()} went out: the driver's step, or (nothing to do) the next work at once. */
    private void stepDriver(TickStart start) {
        long n = start.tick();
        int status = lastStatusTick == n - 1 ? lastStatus : 0;
        if (driver != null && !nothingToDo(n, start.balloonTargetPages(), status)) {
            awaitingDriver = true;
            driver.tell(new BalloonDriver.Tick(n, start.balloonTargetPages(), status, driverReplies));
            return;
        }
        if (driver == null && start.balloonTargetPages() > 0 && !warnedNoDriver) {
            warnedNoDriver = true;
            getContext().getLog().warn("{}: balloon target {} ignored: ballooning is disabled for this guest",
                    os.settings().name(), start.balloonTargetPages());
        }
        workAhead(start);
    }

    /**
     * Whether the driver's step for tick {@code n} would be a step with nothing to do: no call
     * unresolved, no status to learn, and the target within the cap equal to the balloon.
     */
    private boolean nothingToDo(long n, int target, int status) {
        int goal = Math.max(0, Math.min(target, os.settings().memory().balloonCapPages()));
        return status == 0 && lastCallWork < n - 1 && goal == os.balloonPages();
    }

    private Behavior<Command> onDriverStep(FromDriver reply) {
        Balloon.Orders step = reply.orders();
        awaitingDriver = false;
        orders = step;
        if (waiting != null && waiting.tick() == step.tick() + 1) {
            TickStart start = waiting;
            waiting = null;
            hypervisor.tell(generate(start.tick()));
            stepDriver(start);
        } else if (started != null && started.tick() == step.tick()) {
            workAhead(started);
        }
        if (migrateWhenStepped != null && !awaitingDriver && waiting == null) {
            Migrate migrate = migrateWhenStepped;
            migrateWhenStepped = null;
            return handOver(migrate);
        }
        return this;
    }

    /**
     * Generates the work of the tick after {@code start}, unless this tick is audited or the guest
     * does not work ahead. An audited tick (every tick with --check-every-tick, and the last one) is
     * never worked ahead of, so that its audit sees exactly the state after it.
     */
    private void workAhead(TickStart start) {
        if (workAhead && !start.audit()) {
            ahead = generate(start.tick() + 1);
        }
    }

    /** Generates the work of {@code tick}: the driver's pending orders first, then the workload (unless stalled). */
    private TickWork generate(long tick) {
        Balloon.Orders step = orders;
        orders = null;
        if (step != null && step.tick() != tick - 1) {
            throw new IllegalStateException(os.settings().name() + ": balloon orders of tick " + step.tick()
                    + " reach the work of tick " + tick);
        }
        if (nextWorkload != null && tick >= nextWorkloadTick) {
            os.changeWorkload(nextWorkload, tick);
            nextWorkload = null;
        }
        boolean stalled = stallTick[(int) (tick & 1)] == tick && stall[(int) (tick & 1)];
        GuestOs.BalloonOrders balloon = step == null ? GuestOs.BalloonOrders.NONE
                : new GuestOs.BalloonOrders(step.release(), step.pinPages(), step.deflate());
        GuestOs.Work work = os.generate(tick, maxMmuUpdateEntries, balloon, stalled);
        String traceError = os.takeTraceError();
        if (traceError != null) {
            getContext().getLog().error("{}: {}", os.settings().name(), traceError);
        }
        if (step != null && step.pinPages() > 0) {
            driver.tell(new BalloonDriver.Pinned(tick, work.pinned()));
        }
        Reservation r = work.reservation();
        if (r != null && (r.inflate().length > 0 || r.deflate().length > 0)) {
            lastCallWork = tick;
        }
        // The guest's own buffers, not copies: GuestOs writes them again only after this tick's result.
        return new TickWork(os.settings().index(), tick, work.mmuUpdates(), work.opBuffer(), work.opCount(),
                work.valueBuffer(), work.valueCount(), work.kernel(), r, self);
    }

    private void onTickResult(TickResult result) {
        if (!result.refusals().isEmpty()) {
            getContext().getLog().warn("{}: tick {} refused: {}", os.settings().name(), result.tick(), result.refusals());
        }
        if (!os.verify(result)) {
            getContext().getLog().error("{}: tick {} reads differ from what the guest wrote", os.settings().name(), result.tick());
        }
        lastStatus = result.balloonStatus();
        lastStatusTick = result.tick();
        boolean audit = started != null && started.tick() == result.tick() && started.audit();
        hypervisor.tell(new TickAck(os.settings().index(), result.tick(), os.counters(), audit ? os.audit() : null, self));
    }

    private Behavior<Command> onSetWorkload(SetWorkload set) {
        String problem = os.workloadProblem(set.workload());
        if (problem != null) {
            set.replyTo().tell(new WorkloadSet(os.settings().name(), -1, problem));
            return this;
        }
        nextWorkload = set.workload();
        boolean begun = lastStartedTick != Long.MIN_VALUE;
        nextWorkloadTick = begun ? lastStartedTick + 2 : Long.MIN_VALUE;
        set.replyTo().tell(new WorkloadSet(os.settings().name(), begun ? nextWorkloadTick : -1, null));
        return this;
    }

    private Behavior<Command> onDriverStopped(DriverStopped stopped) {
        throw new IllegalStateException(os.settings().name() + ": its balloon driver stopped");
    }
}
