package ballast.host;

import ballast.host.abi.Audit;
import ballast.host.abi.Boot;
import ballast.host.abi.BootRefused;
import ballast.host.abi.Booted;
import ballast.host.abi.GuestCounters;
import ballast.host.abi.Refusal;
import ballast.host.abi.RefusalReason;
import ballast.host.abi.RemapNotice;
import ballast.host.abi.TickAck;
import ballast.host.abi.TickResult;
import ballast.host.abi.TickStart;
import ballast.host.abi.TickWork;
import ballast.host.abi.ToGuest;
import ballast.host.control.GuestStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.RunTick;
import ballast.host.memory.Tokens;
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
 * <p>Every guest call is checked against the guest that sent it (its reply address) and the tick
 * being played; a call that fails is refused with a typed reason and changes nothing.
 */
public final class Hypervisor extends AbstractBehavior<Hypervisor.Command> {

    /**
     * Everything the hypervisor accepts: the guest ABI ({@link ballast.host.abi.GuestCall}) and
     * the clock's {@link RunTick}. Not sealed: Java allows a sealed interface's subtypes in other
     * packages only inside a named module, and the ABI keeps its own package.
     */
    public interface Command {
    }

    private final HypervisorCore core;
    private final String hostName;
    private final int guestCount;
    private final ActorRef<ToGuest>[] guestRefs;
    private final TickWork[] work;
    private final GuestCounters[] counters;
    private final Audit[] audits;
    /** The last tick each guest sent work for, and acknowledged: a second call for a tick is refused. */
    private final long[] workTick;
    private final long[] ackTick;
    private int booted;
    private RunTick pending;
    private RunTick current;
    private int workIn;
    private int acksIn;
    /** The page-sharing daemon (a child), or null when sharing is off. */
    private final ActorRef<ToDaemon> daemon;
    private SharingWork daemonWork;
    private boolean daemonAcked;
    private long daemonWorkTick = -1;
    private long daemonAckTick = -1;
    private SharingCounters daemonCounters = SharingCounters.ZERO;

    public static Behavior<Command> create(HostSettings settings) {
        return Behaviors.setup(context -> new Hypervisor(context, settings));
    }

    @SuppressWarnings("unchecked")
    private Hypervisor(ActorContext<Command> context, HostSettings settings) {
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
        Arrays.fill(workTick, -1L);
        Arrays.fill(ackTick, -1L);
        this.daemon = settings.sharing().enabled() && guestCount > 0
                ? context.spawn(PageSharingDaemon.create(settings, context.getSelf().narrow()), "page-sharing")
                : null;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Boot.class, this::onBoot)
                .onMessage(RunTick.class, this::onRunTick)
                .onMessage(TickWork.class, this::onTickWork)
                .onMessage(TickAck.class, this::onTickAck)
                .onMessage(SharingWork.class, this::onSharingWork)
                .onMessage(SharingAck.class, this::onSharingAck)
                .build();
    }

    private Behavior<Command> onBoot(Boot boot) {
        Refusal[] refusal = new Refusal[1];
        int[] p2m = core.boot(boot.guest(), boot.name(), refusal);
        if (p2m == null) {
            core.countRefusal(boot.guest());
            getContext().getLog().warn("{}: refused boot of {}: {}", hostName, boot.name(), refusal[0].detail());
            boot.replyTo().tell(new BootRefused(boot.guest(), refusal[0].reason(), refusal[0].detail()));
            return this;
        }
        guestRefs[boot.guest()] = boot.replyTo();
        boot.replyTo().tell(new Booted(boot.guest(), p2m));
        booted++;
        if (booted == guestCount && pending != null) {
            RunTick run = pending;
            pending = null;
            startTick(run);
        }
        return this;
    }

    private Behavior<Command> onRunTick(RunTick run) {
        if (current != null) {
            getContext().getLog().error("{}: tick {} asked while tick {} is running; ignored", hostName, run.tick(), current.tick());
            return this;
        }
        if (booted < guestCount) {
            pending = run;
            return this;
        }
        startTick(run);
        return this;
    }

    private void startTick(RunTick run) {
        current = run;
        workIn = 0;
        acksIn = 0;
        daemonWork = null;
        daemonAcked = daemon == null;
        if (guestCount == 0) {
            finishTick();
            return;
        }
        TickStart start = new TickStart(run.tick(), run.audit());
        for (ActorRef<ToGuest> guest : guestRefs) {
            guest.tell(start);
        }
        if (daemon != null) {
            daemon.tell(new SharingTickStart(run.tick()));
        }
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
        } else if (current == null || current.tick() != tick) {
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
            core.countRefusal(guest);
        }
        getContext().getLog().debug("{}: refused call: {}", hostName, detail);
        if (replyTo != null) {
            replyTo.tell(new TickResult(tick, Tokens.EMPTY_DIGEST, 0, List.of(refusal)));
        }
        return refusal;
    }

    private Behavior<Command> onTickWork(TickWork w) {
        if (checkCall(w.guest(), w.tick(), w.replyTo(), workTick) != null) {
            return this;
        }
        workTick[w.guest()] = w.tick();
        work[w.guest()] = w;
        workIn++;
        applyIfComplete();
        return this;
    }

    private Behavior<Command> onSharingWork(SharingWork w) {
        if (daemon == null || !daemon.equals(w.replyTo()) || current == null || current.tick() != w.tick()
                || daemonWorkTick == w.tick()) {
            getContext().getLog().warn("{}: page-sharing work for tick {} refused", hostName, w.tick());
            return this;
        }
        daemonWorkTick = w.tick();
        daemonWork = w;
        applyIfComplete();
        return this;
    }

    /** Once every guest's work and the daemon's are in: applies them in canonical order and answers. */
    private void applyIfComplete() {
        if (workIn < guestCount || daemon != null && daemonWork == null) {
            return;
        }
        // A guest's result goes out as soon as it is applied (the guest verifies while the next is
        // applied), except a para-virtual guest's on a sharing host: the daemon's merges may still
        // move its frames, and its notice must come first.
        TickResult[] held = new TickResult[guestCount];
        for (int g = 0; g < guestCount; g++) {
            TickWork next = work[g];
            work[g] = null;
            TickResult result = core.apply(g, next.tick(), next.mmuUpdates(), next.ops(), next.values());
            if (daemon != null && core.isParavirtual(g)) {
                held[g] = result;
            } else {
                guestRefs[g].tell(result);
            }
        }
        if (daemon == null) {
            return;
        }
        SharingResult sharing = core.applySharing(daemonWork);
        for (int g = 0; g < guestCount; g++) {
            if (held[g] != null) {
                int[][] notice = core.takeNotice(g);
                if (notice != null) {
                    guestRefs[g].tell(new RemapNotice(held[g].tick(), notice[0], notice[1]));
                }
                guestRefs[g].tell(held[g]);
            }
        }
        daemon.tell(sharing);
    }

    private Behavior<Command> onSharingAck(SharingAck ack) {
        if (daemon == null || !daemon.equals(ack.replyTo()) || current == null || current.tick() != ack.tick()
                || daemonWork == null || daemonAckTick == ack.tick()) {
            getContext().getLog().warn("{}: page-sharing acknowledgement for tick {} refused", hostName, ack.tick());
            return this;
        }
        daemonAckTick = ack.tick();
        daemonCounters = ack.counters();
        daemonAcked = true;
        if (acksIn == guestCount) {
            finishTick();
        }
        return this;
    }

    private Behavior<Command> onTickAck(TickAck ack) {
        boolean applied = workIn == guestCount && (daemon == null || daemonWork != null);
        if (checkCall(ack.guest(), applied ? ack.tick() : -1, ack.replyTo(), ackTick) != null) {
            return this;
        }
        ackTick[ack.guest()] = ack.tick();
        counters[ack.guest()] = ack.counters();
        audits[ack.guest()] = ack.audit() != null ? ack.audit() : EMPTY_AUDIT;
        if (++acksIn == guestCount && daemonAcked) {
            finishTick();
        }
        return this;
    }

    private static final Audit EMPTY_AUDIT = new Audit(new long[0], new long[0]);

    private void finishTick() {
        RunTick run = current;
        long checks = 0;
        List<String> violations = List.of();
        if (run.audit()) {
            List<String> found = new ArrayList<>(core.checkInvariants());
            checks += HostInvariants.CHECKS;
            for (int g = 0; g < guestCount; g++) {
                Audit audit = audits[g];
                long mismatches = core.audit(g, audit.keys(), audit.tokens());
                checks++;
                if (mismatches > 0) {
                    found.add(hostName + ": integrity: " + core.settings().guests().get(g).name() + " reads back "
                            + mismatches + " of " + audit.keys().length + " pages differently from what it wrote");
                }
            }
            violations = List.copyOf(found);
        }
        List<GuestStats> rows = List.of();
        if (run.sample()) {
            List<GuestStats> list = new ArrayList<>(guestCount);
            for (int g = 0; g < guestCount; g++) {
                list.add(core.guestStats(g, counters[g]));
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
