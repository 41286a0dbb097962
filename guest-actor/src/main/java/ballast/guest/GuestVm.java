package ballast.guest;

import ballast.guest.balloon.Balloon;
import ballast.guest.balloon.BalloonDriver;
import ballast.guest.os.GuestOs;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.Boot;
import ballast.abi.BootRefused;
import ballast.abi.Booted;
import ballast.abi.GuestCall;
import ballast.abi.RemapNotice;
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
 * On {@code TickStart(n)}: send the work of tick {@code n} (generated ahead if it was, else now,
 * after the driver's step of {@code TickStart(n - 1)}); tell the driver {@code Tick(n,
 * balloonTargetPages, balloonStatus of TickResult(n - 1))}; on the driver's {@link Balloon.Orders}
 * for tick {@code n}, generate the work of tick {@code n + 1} at once, carrying out those orders
 * first (so that it overlaps the hypervisor's work on tick {@code n}), unless tick {@code n}
 * audits or the guest does not work ahead; then tell the driver which PPNs were pinned
 * ({@link BalloonDriver.Pinned}). The exchange is skipped when the driver's step would have nothing
 * to do ({@link TickSchedule#nothingToDo}). Stalls, workload changes, and why the work never
 * depends on when a message arrived: see {@link TickSchedule}.
 *
 * <h2>Free-running: the driver answers in its own time</h2>
 * A guest of a free run ({@code freeRunning}) never waits for its driver: on {@code TickStart(n)}
 * it sends the work of tick {@code n} at once (and works ahead at once when it does), with the
 * driver's orders that have arrived by then, if any; orders that arrive later go into the next work
 * generated. The driver counts its own steps ({@code d = 0, 1, ...}), as it counts ticks in the
 * deterministic mode: the orders of step {@code d} go into "driver work" {@code d + 1}, whatever
 * tick that work is for, and step {@code d + 1} is sent when the result of driver work {@code d}
 * arrives, with that result's balloon status and any pop reported by the results before it (step 0
 * goes with the first work). So the driver's bookkeeping holds exactly as in the deterministic
 * mode, while targets reach it late, its orders reach the hypervisor later still, and the host
 * pages what the balloon has not taken yet, as in a real host.
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

    /** What goes into each tick's work, and when: orders, stalls, workload changes, balloon calls. */
    private final TickSchedule schedule = new TickSchedule();
    /** A crash-at-tick that never comes. */
    public static final long NO_CRASH = -1;
    /** The last TickStart received, or null. */
    private TickStart started;
    /** A TickStart whose work waits for the driver's step of the previous tick. */
    private TickStart waiting;
    /** Tick n + 1's work, generated while the hypervisor applies tick n; null when none. */
    private TickWork ahead;
    /** Whether the driver's step is awaited. */
    private boolean awaitingDriver;
    private boolean warnedNoDriver;
    /** A migration's stop-and-copy waiting for the driver's step, or waiting for the driver's saved state. */
    private Migrate migrateWhenStepped;
    private Migrate migrating;
    private final ActorRef<Balloon.State> driverSaves;
    /** A guest of a free run: it never waits for its driver (see the class comment). */
    private final boolean freeRunning;
    /** Free-running: the driver's step to send next. */
    private long nextStep;
    /** Free-running: the driver's orders not yet in a work, oldest first. */
    private final java.util.ArrayDeque<Balloon.Orders> freeOrders = new java.util.ArrayDeque<>();
    /** Free-running: the tick of each driver work whose result has not triggered a step yet, by driver work. */
    private final java.util.TreeMap<Long, Long> driverWorks = new java.util.TreeMap<>();
    /** Free-running: pops reported by results since the last step. */
    private int popsSinceStep;

    /**
     * @param workAhead   whether to generate tick n + 1 while the hypervisor applies tick n; off for a
     *                    para-virtual guest on a host that shares pages, whose next tick needs the
     *                    remap notices of this one (its p2m)
     * @param crashAtTick fault injection for reliability tests: throw {@link InjectedFault} when this
     *                    tick starts ({@link #NO_CRASH} for never)
     */
    public static Behavior<Command> create(GuestSettings settings, ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries,
                                           boolean workAhead, long crashAtTick) {
        return create(settings, hypervisor, maxMmuUpdateEntries, workAhead, crashAtTick, false);
    }

    /** As above; {@code freeRunning}: a guest of a free run, which never waits for its driver (see the class comment). */
    public static Behavior<Command> create(GuestSettings settings, ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries,
                                           boolean workAhead, long crashAtTick, boolean freeRunning) {
        return Behaviors.setup(context -> new GuestVm(context, settings, hypervisor, maxMmuUpdateEntries, workAhead,
                crashAtTick, BalloonDriver::create, null, freeRunning));
    }

    /** As above, with the balloon driver's behavior made by {@code driver} (tests slow it down). */
    static Behavior<Command> create(GuestSettings settings, ActorRef<GuestCall> hypervisor, int maxMmuUpdateEntries,
                                    boolean workAhead, long crashAtTick,
                                    Function<GuestMemorySettings, Behavior<BalloonDriver.Command>> driver) {
        return Behaviors.setup(context -> new GuestVm(context, settings, hypervisor, maxMmuUpdateEntries, workAhead,
                crashAtTick, driver, null, false));
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
                NO_CRASH, driver, snapshot, false));
    }

    private GuestVm(ActorContext<Command> context, GuestSettings settings, ActorRef<GuestCall> hypervisor,
                    int maxMmuUpdateEntries, boolean workAhead, long crashAtTick,
                    Function<GuestMemorySettings, Behavior<BalloonDriver.Command>> driverBehavior,
                    GuestVmSnapshot snapshot, boolean freeRunning) {
        super(context);
        this.freeRunning = freeRunning;
        this.crashAtTick = crashAtTick;
        this.os = new GuestOs(settings);
        this.os.setRemapLag(workAhead ? 2 : 1);
        if (snapshot != null) {
            os.restore(snapshot.os());
            schedule.restore(snapshot);
        }
        this.hypervisor = hypervisor;
        this.maxMmuUpdateEntries = maxMmuUpdateEntries;
        this.workAhead = workAhead;
        this.self = context.messageAdapter(ToGuest.class, FromHypervisor::new);
        boolean balloon = settings.memory().balloonEnabled();
        this.driver = balloon ? context.spawn(driverBehavior.apply(settings.memory()), "balloon") : null;
        this.driverReplies = balloon ? context.messageAdapter(Balloon.Orders.class, FromDriver::new) : null;
        this.driverSaves = balloon ? context.messageAdapter(Balloon.State.class, FromDriverSave::new) : null;
        if (balloon) {
            context.watchWith(driver, new DriverStopped());
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
                .onSignal(PostStop.class, signal -> { os.close(); return this; })
                .build();
    }

    /** Stop-and-copy: after the driver's step of the last tick, the driver's state (if any), then the handover. */
    private Behavior<Command> onMigrate(Migrate migrate) {
        if (awaitingDriver) {
            migrateWhenStepped = migrate; // the driver's step of the last tick comes first
            return this;
        } else if (driver == null) {
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
        migrate.replyTo().tell(new GuestHandover(os.settings().name(), schedule.snapshot(os.snapshot(), balloon)));
        return Behaviors.stopped();
    }


    /** Routes a hypervisor message (the ABI's {@link ToGuest} family) to its handler. */
    private Behavior<Command> onHypervisor(FromHypervisor wrapped) {
        ToGuest message = wrapped.message();
        if (message instanceof TickStart start) {
            onTickStart(start);
        } else if (message instanceof TickResult result) {
            onTickResult(result);
        } else if (message instanceof RemapNotice notice) {
            os.remapped(notice.ppns(), notice.mpns());
        } else if (message instanceof Booted booted) {
            os.booted(booted.p2m());
        } else if (message instanceof BootRefused refused) {
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
        schedule.started(start);
        os.requestMemory(start.requestedPages(), start.tick());
        if (ahead != null && ahead.tick() != start.tick()) {
            ahead = null; // not the tick being played (cannot happen with a well-behaved hypervisor)
        }
        if (ahead == null && awaitingDriver && !freeRunning) {
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
        if (freeRunning) {
            if (driver != null && nextStep == 0) { // step 0 goes with the first work, driver work 0
                driverWorks.put(0L, start.tick());
                sendStep(start.balloonTargetPages(), 0);
            }
            workAhead(start);
            return;
        }
        long n = start.tick();
        int status = schedule.statusFor(n);
        if (driver != null && !schedule.nothingToDo(n, start.balloonTargetPages(), status,
                os.settings().memory().balloonCapPages(), os.balloonPages())) {
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

    private Behavior<Command> onDriverStep(FromDriver reply) {
        Balloon.Orders step = reply.orders();
        awaitingDriver = false;
        if (freeRunning) {
            freeOrders.add(step); // into the next work generated
            return this;
        }
        schedule.ordersCame(step);
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
            return onMigrate(migrate);
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

    /** Generates the work of {@code tick} (see {@link TickSchedule#generate}) and tells the driver what was pinned. */
    private TickWork generate(long tick) {
        long pinnedFor = tick;
        if (freeRunning && !freeOrders.isEmpty()) {
            Balloon.Orders o = freeOrders.poll();
            pinnedFor = o.tick() + 1; // driver work o.tick() + 1, whatever tick it is for
            driverWorks.put(pinnedFor, tick);
            schedule.ordersCame(new Balloon.Orders(tick - 1, o.pinPages(), o.deflate(), o.release(), o.outcome()));
        }
        TickSchedule.Generated generated = schedule.generate(os, tick, maxMmuUpdateEntries);
        GuestOs.Work work = generated.work();
        String traceError = os.takeTraceError();
        if (traceError != null) { // the replay cannot go on as the scenario says: the guest fails, and the run with it
            throw new ballast.guest.workload.TraceLostException(traceError);
        }
        if (generated.pinRequested() > 0) {
            driver.tell(new BalloonDriver.Pinned(pinnedFor, work.pinned()));
        }
        return generated.toWire(os.settings().index(), tick, self);
    }

    private void onTickResult(TickResult result) {
        if (!result.refusals().isEmpty()) {
            getContext().getLog().warn("{}: tick {} refused: {}", os.settings().name(), result.tick(), result.refusals());
        }
        if (!os.verify(result)) {
            getContext().getLog().error("{}: tick {} reads differ from what the guest wrote", os.settings().name(), result.tick());
        }
        schedule.resultCame(result);
        if (freeRunning && driver != null) {
            stepOnResult(result);
        }
        boolean audit = started != null && started.tick() == result.tick() && started.audit();
        hypervisor.tell(new TickAck(os.settings().index(), result.tick(), os.counters(), audit ? os.audit() : null, self));
    }

    /**
     * Free-running: pops are kept for the next step; the result of driver work {@code nextStep - 1}
     * sends step {@code nextStep}, with its status and the pops before it.
     */
    private void stepOnResult(TickResult result) {
        popsSinceStep |= result.balloonStatus() & TickResult.POPPED;
        Long trigger = driverWorks.get(nextStep - 1);
        if (nextStep == 0 || trigger == null || trigger != result.tick()) {
            return;
        }
        driverWorks.remove(nextStep - 1);
        int status = result.balloonStatus() | popsSinceStep;
        popsSinceStep = 0;
        sendStep(started == null ? 0 : started.balloonTargetPages(), status);
    }

    private void sendStep(int target, int status) {
        awaitingDriver = true;
        driver.tell(new BalloonDriver.Tick(nextStep++, target, status, driverReplies));
    }

    private Behavior<Command> onSetWorkload(SetWorkload set) {
        String problem = os.workloadProblem(set.workload());
        long fromTick = problem == null ? schedule.changeWorkload(set.workload()) : -1;
        set.replyTo().tell(new WorkloadSet(os.settings().name(), fromTick, problem));
        return this;
    }

    private Behavior<Command> onDriverStopped(DriverStopped stopped) {
        throw new IllegalStateException(os.settings().name() + ": its balloon driver stopped");
    }
}
