package ballast.guest;

import ballast.guest.balloon.Balloon;
import ballast.abi.Pace;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.guest.os.GuestOs;
import ballast.guest.workload.WorkloadSettings;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a {@link GuestVm} keeps between ticks to decide what goes into each tick's work, and when
 * (see GuestVm's class comment for the timing): the balloon driver's orders waiting for the next
 * work, the stall decisions by the parity of the work tick they apply to, a workload change taken
 * and not yet in force, the last work that carried a balloon call, and the balloon status of the
 * last result. It generates a tick's work through the guest OS ({@link #generate}), so that what
 * a work holds depends only on these decisions, never on when a message arrived.
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
 * {@link GuestVm.SetWorkload}, received between {@code TickStart(n)} and {@code TickStart(n + 1)} (the clock
 * sends it between ticks), replaces the workload from the work of tick {@code n + 2} on (the work of
 * tick {@code n + 1} may already exist); received before the guest's first tick, from its first
 * work. The reply ({@link GuestVm.WorkloadSet}) goes at once, with that tick, or with the reason the
 * workload was refused (then nothing changes). A later change before the first takes effect
 * replaces it.
 *
 * <p>Its whole state travels in a {@link GuestVmSnapshot}. Owned by one GuestVm, not thread-safe.
 */
final class TickSchedule {
    /** The driver's orders for the next work to generate, or null. */
    private Balloon.Orders orders;
    /** The last work tick that carried a balloon call (inflate or deflate). */
    private long lastCallWork = Long.MIN_VALUE;
    /** balloonStatus of the last result, and its tick. */
    private int lastStatus;
    private long lastStatusTick = Long.MIN_VALUE;
    /** Stall decisions, by the parity of the work tick they apply to: the tick, and the decision. */
    private final long[] stallTick = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final boolean[] stall = new boolean[2];
    /** Paces, by the parity of the work tick they apply to (with the stall decisions' ticks). */
    private final Pace[] pace = {Pace.FREE, Pace.FREE};
    /** Workload accesses of the last works generated, by the parity of their tick: the tick, and the count. */
    private final long[] workTick = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final long[] workAccesses = new long[2];
    /** A workload change taken and not yet effective, and the first work tick it applies to. */
    private WorkloadSettings nextWorkload;
    private long nextWorkloadTick;
    /** The tick of the last TickStart received, here or (a migrated guest) by the incarnation it came from. */
    private long lastStartedTick = Long.MIN_VALUE;

    /** A tick's work, and how many pages its balloon orders asked to pin (the driver learns which). */
    record Generated(GuestOs.Work work, int pinRequested) {
        /**
         * The work as the hypervisor gets it: the guest's own buffers, not copies (GuestOs writes
         * them again only after this tick's result).
         */
        TickWork toWire(int guest, long tick, ActorRef<ToGuest> replyTo) {
            return new TickWork(guest, tick, work.mmuUpdates(), work.opBuffer(), work.opCount(), work.valueBuffer(),
                    work.valueCount(), work.kernel(), work.reservation(), replyTo, work.load(), work.reports(), work.hotplug());
        }
    }

    /** Takes over a migrated guest's schedule. */
    void restore(GuestVmSnapshot s) {
        orders = s.orders();
        lastCallWork = s.lastCallWork();
        lastStatus = s.lastStatus();
        lastStatusTick = s.lastStatusTick();
        System.arraycopy(s.stallTick(), 0, stallTick, 0, 2);
        stall[0] = (s.stallBits() & 1) != 0;
        stall[1] = (s.stallBits() & 2) != 0;
        nextWorkload = s.nextWorkload();
        nextWorkloadTick = s.nextWorkloadTick();
        lastStartedTick = s.lastStartedTick();
        if (s.paceCapacity() != null) {
            for (int i = 0; i < 2; i++) {
                pace[i] = new Pace(s.paceCapacity()[i], s.paceBacklog()[i]);
            }
            System.arraycopy(s.workTick(), 0, workTick, 0, 2);
            System.arraycopy(s.workAccesses(), 0, workAccesses, 0, 2);
        }
    }

    /** The VM's whole state, with its guest OS's and its balloon driver's. */
    GuestVmSnapshot snapshot(GuestOsSnapshot os, Balloon.State balloon) {
        return new GuestVmSnapshot(os, balloon, orders, lastCallWork, lastStatus, lastStatusTick, stallTick.clone(),
                (stall[0] ? 1 : 0) | (stall[1] ? 2 : 0), nextWorkload, nextWorkloadTick, lastStartedTick,
                new long[] {pace[0].capacity(), pace[1].capacity()}, new long[] {pace[0].backlog(), pace[1].backlog()},
                workTick.clone(), workAccesses.clone());
    }

    /** {@code TickStart(n)} came: its stall decision applies to the work of tick {@code n + 1}. */
    void started(TickStart start) {
        lastStartedTick = start.tick();
        int slot = (int) ((start.tick() + 1) & 1);
        stallTick[slot] = start.tick() + 1;
        stall[slot] = start.stall();
        pace[slot] = start.pace();
    }

    /**
     * The workload accesses the work of {@code tick} may hold: the pace of {@code TickStart(tick - 1)}
     * given what the work of {@code tick - 1} holds ({@link Pace#allowance}); unlimited without one.
     */
    long allowance(long tick) {
        int slot = (int) (tick & 1);
        if (stallTick[slot] != tick) {
            return Long.MAX_VALUE;
        }
        int before = (int) ((tick - 1) & 1);
        long generated = workTick[before] == tick - 1 ? workAccesses[before] : 0;
        return pace[slot].allowance(generated);
    }

    /** Whether the work of {@code tick} carries no workload accesses. */
    boolean stalled(long tick) {
        int slot = (int) (tick & 1);
        return stallTick[slot] == tick && stall[slot];
    }

    /** The result of a tick came: its balloon status goes to the driver with the next TickStart. */
    void resultCame(TickResult result) {
        lastStatus = result.balloonStatus();
        lastStatusTick = result.tick();
    }

    /** The balloon status the driver's step of tick {@code n} learns: the result of tick {@code n - 1}'s. */
    int statusFor(long n) {
        return lastStatusTick == n - 1 ? lastStatus : 0;
    }

    /**
     * Whether the driver's step for tick {@code n} would be a step with nothing to do, so that the
     * exchange with the driver is skipped and the work of tick {@code n + 1} generated at once: no
     * balloon call is unresolved (neither the work of tick {@code n - 1} nor of {@code n} carried an
     * inflate or a deflate), the result of tick {@code n - 1} carried no balloon status, and the
     * target (within the cap) equals the balloon. Without a driver (ballooning disabled) the same
     * holds with no exchange at all.
     */
    boolean nothingToDo(long n, int target, int status, int capPages, int balloonPages) {
        int goal = Math.max(0, Math.min(target, capPages));
        return status == 0 && lastCallWork < n - 1 && goal == balloonPages;
    }

    /** The driver's step: its orders go into the next work generated. */
    void ordersCame(Balloon.Orders step) {
        orders = step;
    }

    /**
     * Takes a workload change: in force from the work of the tick after next (the next one may
     * already exist), or from the first work before the guest started. Returns that tick, or -1
     * when the guest has not started.
     */
    long changeWorkload(WorkloadSettings next) {
        nextWorkload = next;
        boolean begun = lastStartedTick != Long.MIN_VALUE;
        nextWorkloadTick = begun ? lastStartedTick + 2 : Long.MIN_VALUE;
        return begun ? nextWorkloadTick : -1;
    }

    /**
     * Generates the work of {@code tick} through {@code os}: the driver's pending orders first (they
     * must be of the previous tick's step), a workload change due by then, then the workload
     * (unless stalled).
     */
    Generated generate(GuestOs os, long tick, int maxMmuUpdateEntries) {
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
        GuestOs.BalloonOrders balloon = step == null ? GuestOs.BalloonOrders.NONE
                : new GuestOs.BalloonOrders(step.release(), step.pinPages(), step.deflate());
        GuestOs.Work work = os.generate(tick, maxMmuUpdateEntries, balloon, stalled(tick), allowance(tick));
        int slot = (int) (tick & 1);
        workTick[slot] = tick;
        workAccesses[slot] = work.load().workAccesses();
        Reservation r = work.reservation();
        if (r != null && (r.inflate().length > 0 || r.deflate().length > 0)) {
            lastCallWork = tick;
        }
        return new Generated(work, step == null ? 0 : step.pinPages());
    }
}
