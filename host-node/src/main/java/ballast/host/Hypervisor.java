package ballast.host;

import ballast.abi.ToHypervisor;
import ballast.abi.Audit;
import ballast.abi.Boot;
import ballast.abi.BootRefused;
import ballast.abi.Booted;
import ballast.abi.GuestCounters;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.RemapNotice;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.host.control.GuestGone;
import ballast.host.control.GuestStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.control.RunFree;
import ballast.host.control.RunTick;
import ballast.abi.Tokens;
import ballast.host.migration.GuestTransfer;
import ballast.host.migration.MigrationPort;
import ballast.host.sharing.DaemonCall;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingCounters;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.SharingWork;
import ballast.host.sharing.ToDaemon;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The hypervisor of one host: owns the machine frames and every guest's pmap, tables and TLB
 * (all inside a {@link HypervisorCore}), and plays the deterministic two-phase tick:
 *
 * <ol>
 *   <li>{@link RunTick} from the clock: send {@link TickStart} to every guest (and
 *       {@link SharingTickStart} to the page-sharing daemon, when sharing is on);</li>
 *   <li>collect one {@link TickWork} per guest and the daemon's {@link SharingWork}; when all are
 *       in, apply them in canonical order, guests by index then the daemon, whatever order they
 *       arrived in; send each para-virtual guest whose frames changed a {@link RemapNotice}, each
 *       guest its {@link TickResult} and the daemon its {@link SharingResult};</li>
 *   <li>collect one {@link TickAck} per guest (the guest has verified its reads) and the daemon's
 *       {@link SharingAck}; then, when asked, audit every guest and check the invariants, and
 *       report {@link HostTickDone}.</li>
 * </ol>
 *
 * <p>Reclamation: once a tick's work is applied, the core's reclaimer runs
 * ({@link HypervisorCore#endTick}); its balloon targets and stalls go to each guest with its next
 * {@link TickStart}. A {@link Reconfigure} between ticks changes the reclamation settings (or is
 * refused) and is answered with {@link Reconfigured}.
 *
 * <p>Free-running ({@link RunFree}): no barrier; each guest (and the daemon) moves to its next tick
 * as soon as its last was acknowledged, and work is applied in arrival order. The reclaimer runs
 * once per {@code guests} works applied (a tick's worth of work), and each {@link TickStart}
 * carries its latest decisions. A guest that is gone ({@link GuestGone}) has its memory released
 * and is no longer waited for; one stopped before a deterministic run may boot later (a guest
 * started by a timed event) and joins at the next tick; free-running runs do not wait for late
 * guests.
 *
 * <p>Every guest call is checked against the guest that sent it (its reply address) and the tick
 * being played; a call that fails is refused with a typed reason and changes nothing.
 */
public final class Hypervisor extends AbstractBehavior<ToHypervisor> {

    private final HypervisorCore core;
    private final String hostName;
    /** Guests of this host, arrived ones included (live migration grows the per-guest arrays). */
    private int guestCount;
    private ActorRef<ToGuest>[] guestRefs;
    private TickWork[] work;
    private GuestCounters[] counters;
    private Audit[] audits;
    /** The last tick each guest sent work for, and acknowledged: a second call for a tick is refused. */
    private long[] workTick;
    private long[] ackTick;
    /** Guests registered (booted and not gone). */
    private int booted;
    /** Guests gone for good (stopped, no reboot): the first tick does not wait for them; and which. */
    private int stopped;
    private boolean[] stoppedGuest;
    /** The guests taking part in the current deterministic tick, and how many. */
    private boolean[] inTick;
    private int participants;
    /** Whether the current tick's work has been applied (the tick is collecting acknowledgements). */
    private boolean appliedThisTick;
    private RunTick pending;
    private RunTick current;
    private int workIn;
    private int acksIn;
    /** Free-running: the run being played (null in deterministic mode) and its state. */
    private RunFree free;
    private RunFree pendingFree;
    /** Free-running: the tick each guest plays now. */
    private long[] guestTick;
    private int finished;
    private long applied;
    private long freeChecks;
    private final List<String> freeViolations = new ArrayList<>();
    /** The page-sharing daemon (a child), or null when sharing is off. */
    private final ActorRef<ToDaemon> daemon;
    private SharingWork daemonWork;
    private boolean daemonAcked;
    private long daemonWorkTick = -1;
    private long daemonAckTick = -1;
    /** Free-running: the tick the daemon plays now. */
    private long daemonTick;
    private SharingCounters daemonCounters = SharingCounters.ZERO;
    /** Live migration: this host's end of every migration in or out. */
    private final MigrationPort migration;

    public static Behavior<ToHypervisor> create(HostSettings settings) {
        return Behaviors.setup(context -> new Hypervisor(context, settings));
    }

    @SuppressWarnings("unchecked")
    private Hypervisor(ActorContext<ToHypervisor> context, HostSettings settings) {
        super(context);
        this.core = new HypervisorCore(settings);
        this.hostName = settings.name();
        this.guestCount = core.guestCount();
        this.guestRefs = new ActorRef[guestCount];
        this.work = new TickWork[guestCount];
        this.counters = new GuestCounters[guestCount];
        this.audits = new Audit[guestCount];
        this.workTick = new long[guestCount];
        this.ackTick = new long[guestCount];
        this.inTick = new boolean[guestCount];
        this.stoppedGuest = new boolean[guestCount];
        this.daemon = settings.sharing().enabled() && guestCount > 0
                ? context.spawn(PageSharingDaemon.create(settings, context.getSelf().narrow()), "page-sharing")
                : null;
        Arrays.fill(workTick, -1L);
        Arrays.fill(ackTick, -1L);
        this.migration = new MigrationPort(core, new MigrationHost());
    }

    /** What the migration port may do to this actor's per-guest state. */
    private final class MigrationHost implements MigrationPort.Host {
        @Override
        public void admitted(int index) {
            guestCount = index + 1;
            guestRefs = Arrays.copyOf(guestRefs, guestCount);
            work = Arrays.copyOf(work, guestCount);
            counters = Arrays.copyOf(counters, guestCount);
            audits = Arrays.copyOf(audits, guestCount);
            workTick = Arrays.copyOf(workTick, guestCount);
            ackTick = Arrays.copyOf(ackTick, guestCount);
            inTick = Arrays.copyOf(inTick, guestCount);
            stoppedGuest = Arrays.copyOf(stoppedGuest, guestCount);
            workTick[index] = -1L;
            ackTick[index] = -1L;
            stopped++; // not running here yet: ticks do not wait for it
        }

        @Override
        public void departed(int index) {
            if (guestRefs[index] != null) {
                guestRefs[index] = null;
                booted--;
            }
            if (!stoppedGuest[index]) {
                stopped++;
                stoppedGuest[index] = true;
            }
            audits[index] = null;
            counters[index] = null;
        }

        @Override
        public void abandoned(int index) {
            stoppedGuest[index] = true; // counted as stopped since it was admitted; it never runs here
        }

        @Override
        public void installed(int index) {
            stopped--; // the next tick waits for its boot
        }

        @Override
        public GuestStats stats(int index) {
            return migration.withHistory(index, core.guestStats(index, counters[index]));
        }

        @Override
        public ActorRef<ToHypervisor> self() {
            return getContext().getSelf();
        }
    }

    private Behavior<ToHypervisor> onMigration(ballast.host.migration.MigrationCommand command) {
        migration.handle(command);
        return this;
    }

    @Override
    public Receive<ToHypervisor> createReceive() {
        return newReceiveBuilder()
                .onMessage(Boot.class, this::onBoot)
                .onMessage(RunTick.class, this::onRunTick)
                .onMessage(RunFree.class, this::onRunFree)
                .onMessage(ballast.host.control.StopFree.class, this::onStopFree)
                .onMessage(GuestGone.class, this::onGuestGone)
                .onMessage(TickWork.class, this::onTickWork)
                .onMessage(TickAck.class, this::onTickAck)
                .onMessage(SharingWork.class, this::onSharingWork)
                .onMessage(SharingAck.class, this::onSharingAck)
                .onMessage(ballast.host.migration.MigrationCommand.class, this::onMigration)
                .onMessage(Reconfigure.class, this::onReconfigure)
                .build();
    }

    private Behavior<ToHypervisor> onBoot(Boot boot) {
        if (boot.replyTo() == null) {
            // Nobody to answer and nobody to send ticks to: booting it would leave a guest without an address.
            getContext().getLog().warn("{}: ignored boot of {} without a reply address", hostName, boot.name());
            return this;
        }
        Refusal[] refusal = new Refusal[1];
        int[] p2m = core.boot(boot.guest(), boot.name(), refusal);
        if (p2m == null) {
            // Charged to the guest only when the guest itself asked (a second boot from its own address);
            // a stranger's boot under another guest's index or name is refused without touching that guest.
            if (core.isGuest(boot.guest()) && boot.replyTo().equals(guestRefs[boot.guest()])) {
                core.countRefusal(boot.guest(), refusal[0].reason());
            }
            getContext().getLog().warn("{}: refused boot of {}: {}", hostName, boot.name(), refusal[0].detail());
            boot.replyTo().tell(new BootRefused(boot.guest(), refusal[0].reason(), refusal[0].detail()));
            return this;
        }
        guestRefs[boot.guest()] = boot.replyTo();
        boot.replyTo().tell(new Booted(boot.guest(), p2m));
        booted++;
        if (stoppedGuest[boot.guest()]) {
            // stopped before, started now (a guest that starts later in the run): no longer gone for good
            stoppedGuest[boot.guest()] = false;
            stopped--;
        }
        if (allBooted() && pending != null) {
            RunTick run = pending;
            pending = null;
            startTick(run);
        }
        if (allBooted() && pendingFree != null) {
            RunFree run = pendingFree;
            pendingFree = null;
            startFree(run);
        }
        return this;
    }

    private Behavior<ToHypervisor> onRunTick(RunTick run) {
        if (current != null) {
            getContext().getLog().error("{}: tick {} asked while tick {} is running; ignored", hostName, run.tick(), current.tick());
            return this;
        }
        if (!allBooted()) {
            pending = run;
            return this;
        }
        startTick(run);
        return this;
    }

    /** Every guest has booted, or is gone for good. */
    private boolean allBooted() {
        return booted + stopped >= guestCount;
    }

    private void startTick(RunTick run) {
        current = run;
        workIn = 0;
        acksIn = 0;
        appliedThisTick = false;
        participants = 0;
        daemonWork = null;
        daemonAcked = daemon == null;
        for (int g = 0; g < guestCount; g++) {
            inTick[g] = guestRefs[g] != null;
            if (inTick[g]) {
                participants++;
                // a guest being migrated out does not work ahead (its last tick here must leave nothing pending)
                guestRefs[g].tell(core.tickStart(g, run.tick(), run.audit() || GuestTransfer.tracked(core, g)));
            }
        }
        if (daemon != null) {
            daemon.tell(new SharingTickStart(run.tick()));
        }
        applyIfComplete();
    }

    /** Null when the call may proceed, else the refusal (already counted and answered). */
    private Refusal checkCall(int guest, long tick, ActorRef<ToGuest> replyTo, long[] lastTick) {
        RefusalReason reason = null;
        String detail = null;
        if (!core.isGuest(guest)) {
            reason = RefusalReason.UNKNOWN_GUEST;
            detail = "no guest " + guest + " on host " + hostName;
        } else if (guestRefs[guest] == null) {
            reason = RefusalReason.NOT_BOOTED;
            detail = "guest " + guest + " has not booted";
        } else if (!guestRefs[guest].equals(replyTo)) {
            reason = RefusalReason.NOT_SENDER;
            detail = "guest " + guest + " is not the sender";
        } else if (tick != expectedTick(guest)) {
            reason = RefusalReason.WRONG_TICK;
            detail = "tick " + tick + " is not being played";
        } else if (lastTick[guest] == tick) {
            reason = RefusalReason.DUPLICATE_WORK;
            detail = "guest " + guest + " already reported for tick " + tick;
        }
        if (reason == null) {
            return null;
        }
        Refusal refusal = new Refusal(reason, -1, detail);
        if (reason != RefusalReason.NOT_SENDER) {
            core.countRefusal(guest, reason);
        }
        getContext().getLog().debug("{}: refused call: {}", hostName, detail);
        if (replyTo != null) {
            replyTo.tell(new TickResult(tick, Tokens.EMPTY_DIGEST, 0, List.of(refusal)));
        }
        return refusal;
    }

    /** The tick a guest may call for now: the barrier's tick, or in free-running mode its own. */
    private long expectedTick(int guest) {
        if (free != null) {
            return guestTick[guest];
        }
        return current == null ? Long.MIN_VALUE : current.tick();
    }

    private Behavior<ToHypervisor> onTickWork(TickWork w) {
        if (checkCall(w.guest(), w.tick(), w.replyTo(), workTick) != null) {
            return this;
        }
        workTick[w.guest()] = w.tick();
        if (free != null) {
            applyFree(w);
            return this;
        }
        if (!inTick[w.guest()]) {
            return this; // booted again during this tick: it joins at the next one
        }
        work[w.guest()] = w;
        workIn++;
        applyIfComplete();
        return this;
    }

    private Behavior<ToHypervisor> onSharingWork(SharingWork w) {
        long expected = free != null ? daemonTick : current == null ? Long.MIN_VALUE : current.tick();
        if (daemon == null || !daemon.equals(w.replyTo()) || expected != w.tick() || daemonWorkTick == w.tick()) {
            getContext().getLog().warn("{}: page-sharing work for tick {} refused", hostName, w.tick());
            return this;
        }
        daemonWorkTick = w.tick();
        if (free != null) {
            applySharingNow(w);
            return this;
        }
        daemonWork = w;
        applyIfComplete();
        return this;
    }

    /**
     * Once every taking part guest's work and the daemon's are in: applies them in canonical order
     * (guests by index, then the daemon) and answers. A guest's result goes out as soon as it is
     * applied (the guest verifies while the next is applied), except a para-virtual guest's on a
     * sharing host: the daemon's merges may still move its frames, and its notice must come first.
     */
    private void applyIfComplete() {
        if (current == null || appliedThisTick || workIn < participants || daemon != null && daemonWork == null) {
            return;
        }
        appliedThisTick = true;
        TickResult[] held = new TickResult[guestCount];
        for (int g = 0; g < guestCount; g++) {
            TickWork next = work[g];
            if (next == null) {
                continue;
            }
            work[g] = null;
            TickResult result = core.apply(GuestWork.from(g, next));
            if (daemon != null && core.isParavirtual(g)) {
                held[g] = result;
            } else {
                if (core.isParavirtual(g)) {
                    sendNotice(g, result.tick()); // frames given with a balloon deflate
                }
                guestRefs[g].tell(result);
            }
        }
        if (daemon != null) {
            SharingResult sharing = core.applySharing(daemonWork);
            for (int g = 0; g < guestCount; g++) {
                if (held[g] != null) {
                    sendNotice(g, held[g].tick());
                    guestRefs[g].tell(held[g]);
                }
            }
            daemon.tell(sharing);
        }
        core.endTick();
        maybeFinishTick();
    }

    /** Tells a para-virtual guest which of its PPNs the hypervisor moved to other frames, if any. */
    private void sendNotice(int g, long tick) {
        int[][] notice = core.takeNotice(g);
        if (notice != null && guestRefs[g] != null) {
            guestRefs[g].tell(new RemapNotice(tick, notice[0], notice[1]));
        }
    }

    private Behavior<ToHypervisor> onSharingAck(SharingAck ack) {
        long expected = free != null ? daemonTick : current == null ? Long.MIN_VALUE : current.tick();
        if (daemon == null || !daemon.equals(ack.replyTo()) || expected != ack.tick() || daemonWorkTick != ack.tick()
                || daemonAckTick == ack.tick()) {
            getContext().getLog().warn("{}: page-sharing acknowledgement for tick {} refused", hostName, ack.tick());
            return this;
        }
        daemonAckTick = ack.tick();
        daemonCounters = ack.counters();
        if (free != null) {
            if (++daemonTick < free.ticks()) {
                daemon.tell(new SharingTickStart(daemonTick));
            } else if (finished == guestCount) {
                finishFree();
            }
            return this;
        }
        daemonAcked = true;
        maybeFinishTick();
        return this;
    }

    /** The tick is over when its work was applied and every taking part guest and the daemon acknowledged. */
    private void maybeFinishTick() {
        if (current != null && appliedThisTick && acksIn == participants && daemonAcked) {
            finishTick();
        }
    }

    private Behavior<ToHypervisor> onTickAck(TickAck ack) {
        boolean early = free != null ? workTick[ack.guest()] != ack.tick() : !appliedThisTick;
        if (checkCall(ack.guest(), early ? -1 : ack.tick(), ack.replyTo(), ackTick) != null) {
            return this;
        }
        if (free != null) {
            ackFree(ack);
            return this;
        }
        ackTick[ack.guest()] = ack.tick();
        if (!inTick[ack.guest()]) {
            return this;
        }
        counters[ack.guest()] = ack.counters();
        audits[ack.guest()] = wellFormed(ack.audit());
        acksIn++;
        maybeFinishTick();
        return this;
    }

    // ---------------------------------------------------------------- reclamation settings

    /** A timed change of the reclamation settings, between ticks: taken (and a rebalance) or refused, and answered. */
    private Behavior<ToHypervisor> onReconfigure(Reconfigure r) {
        String problem = core.reconfigure(r.reclaim());
        if (problem != null) {
            getContext().getLog().warn("{}: reclamation settings refused: {}", hostName, problem);
        }
        if (r.replyTo() != null) {
            r.replyTo().tell(new Reconfigured(hostName, problem));
        }
        return this;
    }

    // ---------------------------------------------------------------- guests that are gone

    /**
     * A guest's actor failed and was stopped: release its memory and play on without it. In the
     * middle of a tick, its work (if any) is dropped and the barrier no longer waits for it.
     */
    private Behavior<ToHypervisor> onGuestGone(GuestGone gone) {
        int g = gone.guest();
        if (!core.isGuest(g)) {
            return this;
        }
        boolean ran = guestRefs[g] != null;
        int released = core.releaseGuest(g);
        if (ran || released > 0) { // a guest that starts later is "gone" until then: nothing to say
            getContext().getLog().warn("{}: guest {} is gone; {} frames released{}", hostName,
                    core.settings().guests().get(g).name(), released, gone.reboot() ? "; it boots afresh" : "");
        }
        if (guestRefs[g] != null) {
            guestRefs[g] = null;
            booted--;
        }
        if (!gone.reboot() && !stoppedGuest[g]) {
            stoppedGuest[g] = true;
            stopped++;
        }
        audits[g] = null;
        if (free != null) {
            if (guestTick[g] < free.ticks()) {
                guestTick[g] = free.ticks();
                if (++finished == guestCount && daemonFreeDone()) {
                    finishFree();
                }
            }
            return this;
        }
        if (current != null && inTick[g]) {
            inTick[g] = false;
            participants--;
            if (work[g] != null) {
                work[g] = null;
                workIn--;
            }
            if (appliedThisTick && ackTick[g] == current.tick()) {
                acksIn--;
            }
            if (appliedThisTick) {
                maybeFinishTick();
            } else {
                applyIfComplete();
            }
        } else if (current == null && allBooted()) {
            if (pending != null) {
                RunTick run = pending;
                pending = null;
                startTick(run);
            } else if (pendingFree != null) {
                RunFree run = pendingFree;
                pendingFree = null;
                startFree(run);
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- free-running

    private Behavior<ToHypervisor> onRunFree(RunFree run) {
        if (current != null || free != null) {
            getContext().getLog().error("{}: free run asked while another run is playing; ignored", hostName);
            return this;
        }
        if (booted < guestCount) {
            pendingFree = run;
            return this;
        }
        startFree(run);
        return this;
    }

    /**
     * Ends the free run early: its last tick becomes the one after the furthest a playing guest has
     * got (every guest was told of its ticks so far that they are not the last, so each still plays
     * one tick that is, and is audited there). A run not started yet is shortened to one tick.
     */
    private Behavior<ToHypervisor> onStopFree(ballast.host.control.StopFree stop) {
        if (pendingFree != null) {
            pendingFree = new RunFree(Math.min(1, pendingFree.ticks()), pendingFree.checkEvery(), pendingFree.replyTo());
            return this;
        }
        if (free == null) {
            return this;
        }
        long furthest = -1;
        for (int g = 0; g < guestCount; g++) {
            if (guestTick[g] < free.ticks()) {
                furthest = Math.max(furthest, guestTick[g]);
            }
        }
        long ticks = furthest + 2;
        if (furthest >= 0 && ticks < free.ticks()) {
            getContext().getLog().info("{}: free run stopped early: last tick {}", hostName, ticks - 1);
            free = new RunFree(ticks, free.checkEvery(), free.replyTo());
        }
        return this;
    }

    private void startFree(RunFree run) {
        free = run;
        guestTick = new long[guestCount];
        if (run.ticks() == 0) {
            finishFree();
            return;
        }
        if (daemon != null) {
            core.setShareParavirtual(false); // no barrier: remap notices could come too late
            daemonTick = 0;
            daemon.tell(new SharingTickStart(0));
        }
        for (int g = 0; g < guestCount; g++) {
            if (guestRefs[g] == null) {
                guestTick[g] = run.ticks(); // gone before the run started
                finished++;
            } else {
                guestRefs[g].tell(core.tickStart(g, 0, run.ticks() == 1));
            }
        }
        if (finished == guestCount && daemonFreeDone()) {
            finishFree();
        }
    }

    /** Free-running: the daemon has played every tick (or there is none). */
    private boolean daemonFreeDone() {
        return daemon == null || daemonTick >= free.ticks();
    }

    /** Free-running: applies the daemon's work at once, tells every para-virtual guest what moved. */
    private void applySharingNow(SharingWork w) {
        SharingResult result = core.applySharing(w);
        for (int g = 0; g < guestCount; g++) {
            if (core.isParavirtual(g)) {
                sendNotice(g, guestTick[g]);
            }
        }
        daemon.tell(result);
    }

    /**
     * Applies one guest's work at once; every {@code guests} works, runs the reclaimer; every
     * {@code checkEvery} works, checks the invariants and reports progress.
     */
    private void applyFree(TickWork w) {
        TickResult result = core.apply(GuestWork.from(w.guest(), w));
        if (core.isParavirtual(w.guest())) {
            sendNotice(w.guest(), w.tick());
        }
        guestRefs[w.guest()].tell(result);
        if (++applied % guestCount == 0) {
            core.endTick();
        }
        if (applied % free.checkEvery() == 0) {
            List<String> found = core.checkInvariants();
            freeChecks += HostInvariants.CHECKS;
            freeViolations.addAll(found);
            long slowest = Long.MAX_VALUE;
            for (long t : guestTick) {
                slowest = Math.min(slowest, t);
            }
            free.replyTo().tell(new HostTickDone(hostName, slowest - 1, core.hostStats(daemonCounters), List.of(),
                    HostInvariants.CHECKS, List.copyOf(found)));
        }
    }

    /** A guest finished a tick: start its next one, or on its last, keep its audit. */
    private void ackFree(TickAck ack) {
        int g = ack.guest();
        counters[g] = ack.counters();
        long last = free.ticks() - 1;
        if (ack.tick() < last) {
            guestTick[g] = ack.tick() + 1;
            guestRefs[g].tell(core.tickStart(g, guestTick[g], guestTick[g] == last));
            return;
        }
        audits[g] = wellFormed(ack.audit());
        guestTick[g] = free.ticks(); // done: any further call is for a tick not being played
        if (++finished == guestCount && daemonFreeDone()) {
            finishFree();
        }
    }

    /** Every guest played every tick: final audit, invariants, and the final report. */
    private void finishFree() {
        RunFree run = free;
        List<String> violations = new ArrayList<>(freeViolations);
        boolean[] present = new boolean[guestCount];
        for (int g = 0; g < guestCount; g++) {
            present[g] = guestRefs[g] != null;
        }
        long checks = freeChecks + auditAll(violations, present);
        List<GuestStats> rows = new ArrayList<>(guestCount);
        for (int g = 0; g < guestCount; g++) {
            if (core.isResident(g)) {
                rows.add(migration.withHistory(g, core.guestStats(g, counters[g])));
            }
        }
        run.replyTo().tell(new HostTickDone(hostName, run.ticks() - 1, core.hostStats(daemonCounters), List.copyOf(rows), checks,
                List.copyOf(violations)));
    }

    /** A missing audit stays null (a violation on an audited tick); missing arrays count as empty (their entries as differences). */
    private static Audit wellFormed(Audit audit) {
        if (audit == null) {
            return null;
        }
        if (audit.keys() != null && audit.tokens() != null) {
            return audit;
        }
        return new Audit(audit.keys() != null ? audit.keys() : new long[0], audit.tokens() != null ? audit.tokens() : new long[0]);
    }

    /**
     * Checks every invariant and audits the integrity record of every guest marked in
     * {@code audited} (those of the last acknowledged tick); adds what was violated to
     * {@code found}; returns the number of checks.
     */
    private long auditAll(List<String> found, boolean[] audited) {
        found.addAll(core.checkInvariants());
        long checks = HostInvariants.CHECKS;
        for (int g = 0; g < guestCount; g++) {
            if (!audited[g]) {
                continue; // gone (its memory was released), or booted afresh after the tick began
            }
            Audit audit = audits[g];
            checks++;
            if (audit == null) {
                found.add(hostName + ": integrity: " + core.settings().guests().get(g).name()
                        + " sent no integrity record for an audited tick");
                continue;
            }
            long mismatches = core.audit(g, audit.keys(), audit.tokens());
            if (mismatches > 0) {
                found.add(hostName + ": integrity: " + core.settings().guests().get(g).name() + " reads back "
                        + mismatches + " of " + audit.keys().length + " pages differently from what it wrote");
            }
        }
        return checks;
    }

    private void finishTick() {
        RunTick run = current;
        long checks = 0;
        List<String> violations = List.of();
        if (run.audit()) {
            List<String> found = new ArrayList<>();
            checks += auditAll(found, inTick);
            violations = List.copyOf(found);
        }
        List<GuestStats> rows = List.of();
        if (run.sample()) {
            List<GuestStats> list = new ArrayList<>(guestCount);
            for (int g = 0; g < guestCount; g++) {
                if (core.isResident(g)) { // a guest on its way in, or gone to another host, is reported there
                    list.add(migration.withHistory(g, core.guestStats(g, counters[g])));
                }
            }
            rows = List.copyOf(list);
        }
        for (int g = 0; g < guestCount; g++) {
            audits[g] = null;
        }
        current = null;
        daemonWork = null;
        run.replyTo().tell(new HostTickDone(hostName, run.tick(), core.hostStats(daemonCounters), rows, checks, violations));
    }
}
