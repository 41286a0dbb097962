package ballast.host.tick;

import ballast.abi.TickWork;
import ballast.host.sharing.SharingWork;

/**
 * The deterministic tick's barrier on one host: which guests take part in the tick being played,
 * whose work and acknowledgements are in, when the tick may be applied and when it is done.
 *
 * <p>A tick has two phases. First every taking-part guest sends its work and the page-sharing
 * daemon (when the host has one) its own; once all are in ({@link #readyToApply}) the hypervisor
 * takes them in canonical order ({@link #takeWork} by guest index, then {@link #takeDaemonWork})
 * and applies them, whatever order they arrived in. Then every taking-part guest and the daemon
 * acknowledge; when all have, the tick is {@link #done}. The guests taking part are those running
 * when the tick started: one booted during the tick joins at the next; one gone during it is no
 * longer waited for and its work, if any, is dropped ({@link #leave}).
 *
 * <p>Owned by one hypervisor actor, not thread-safe.
 */
public final class TickBarrier {
    private final boolean daemon;
    private boolean[] inTick;
    private TickWork[] work;
    private boolean playing;
    private long tick;
    private boolean applied;
    private int participants;
    private int workIn;
    private int acksIn;
    private SharingWork daemonWork;
    private boolean daemonAcked;

    /** A barrier for {@code guests} guests, waiting for a daemon's work and acknowledgement too when {@code daemon}. */
    public TickBarrier(int guests, boolean daemon) {
        this.daemon = daemon;
        this.inTick = new boolean[guests];
        this.work = new TickWork[guests];
    }

    /** Live migration: the host has {@code guests} guests now (the new ones do not take part in the current tick). */
    public void grow(int guests) {
        inTick = java.util.Arrays.copyOf(inTick, guests);
        work = java.util.Arrays.copyOf(work, guests);
    }

    /** Starts playing {@code tick} with the guests marked in {@code running}. */
    public void start(long tick, boolean[] running) {
        this.playing = true;
        this.tick = tick;
        this.applied = false;
        this.workIn = 0;
        this.acksIn = 0;
        this.participants = 0;
        this.daemonWork = null;
        this.daemonAcked = !daemon;
        for (int g = 0; g < inTick.length; g++) {
            inTick[g] = g < running.length && running[g];
            if (inTick[g]) {
                participants++;
            }
        }
    }

    /** Whether a tick is being played (started and not finished). */
    public boolean playing() {
        return playing;
    }

    /** The tick being played. */
    public long tick() {
        return tick;
    }

    /** The tick a guest or the daemon may call for now: the tick being played, or {@link Long#MIN_VALUE} between ticks. */
    public long expectedTick() {
        return playing ? tick : Long.MIN_VALUE;
    }

    /** Whether the tick's work has been applied (it is collecting acknowledgements). */
    public boolean applied() {
        return applied;
    }

    public boolean takesPart(int g) {
        return inTick[g];
    }

    /** The guests taking part in the tick being played (the barrier's own array: do not change it). */
    public boolean[] participants() {
        return inTick;
    }

    /** Keeps guest {@code g}'s work for the tick; false (and nothing kept) when it does not take part. */
    public boolean offerWork(int g, TickWork w) {
        if (!inTick[g]) {
            return false;
        }
        work[g] = w;
        workIn++;
        return true;
    }

    public void offerDaemonWork(SharingWork w) {
        daemonWork = w;
    }

    /** Every taking-part guest's work and the daemon's are in, and the tick has not been applied yet. */
    public boolean readyToApply() {
        return playing && !applied && workIn >= participants && (!daemon || daemonWork != null);
    }

    /** The tick is being applied now: the guests' work is taken with {@link #takeWork}, then the daemon's. */
    public void applying() {
        applied = true;
    }

    /** Guest {@code g}'s work for the tick, or null (it does not take part, or it was taken); it is removed. */
    public TickWork takeWork(int g) {
        TickWork w = work[g];
        work[g] = null;
        return w;
    }

    /** The daemon's work for the tick, or null. */
    public SharingWork daemonWork() {
        return daemonWork;
    }

    /** Counts guest {@code g}'s acknowledgement; false when it does not take part. */
    public boolean ack(int g) {
        if (!inTick[g]) {
            return false;
        }
        acksIn++;
        return true;
    }

    public void daemonAcked() {
        daemonAcked = true;
    }

    /** The tick's work was applied and every taking-part guest and the daemon acknowledged. */
    public boolean done() {
        return playing && applied && acksIn == participants && daemonAcked;
    }

    /** The tick is over: nothing is expected until the next {@link #start}. */
    public void finish() {
        playing = false;
        daemonWork = null;
    }

    /**
     * Guest {@code g} is gone during the tick: the barrier no longer waits for it and drops its work
     * ({@code acked}: whether it had acknowledged this tick). Returns whether it was taking part.
     */
    public boolean leave(int g, boolean acked) {
        if (!playing || !inTick[g]) {
            return false;
        }
        inTick[g] = false;
        participants--;
        if (work[g] != null) {
            work[g] = null;
            workIn--;
        }
        if (applied && acked) {
            acksIn--;
        }
        return true;
    }
}
