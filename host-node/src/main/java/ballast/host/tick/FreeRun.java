package ballast.host.tick;

import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping of one free-running run on one host: no barrier, each guest (and the
 * page-sharing daemon) moves to its next tick as soon as its last was acknowledged, and work is
 * applied in arrival order.
 *
 * <p>It keeps the tick each guest plays now ({@link #tickOf}; a guest that has played its last
 * tick, or is gone, is at {@link #ticks}, so any further call from it is for a tick not being
 * played), how many guests have finished, the daemon's tick, and the applied works: after every
 * {@code guests} works (a tick's worth) the reclaimer runs ({@link #workApplied}), after every
 * {@code checkEvery} works the invariants are checked ({@link #checkDue}), and what those checks
 * found is kept for the final report. A run is {@link #done} when every guest and the daemon have
 * played every tick.
 *
 * <p>Owned by one hypervisor actor, not thread-safe.
 */
public final class FreeRun {
    private long ticks;
    private final long checkEvery;
    private final boolean daemon;
    private long[] guestTick;
    private int finished;
    private long applied;
    /** Rounds of applied works (a tick's worth each): the host's own tick count, which restarts' backoffs count in. */
    private long rounds;
    private long daemonTick;
    private long checks;
    private final List<String> violations = new ArrayList<>();

    /**
     * A run of {@code ticks} ticks for the guests marked in {@code running} (the others are
     * finished from the start), with a daemon when {@code daemon}.
     */
    public FreeRun(long ticks, long checkEvery, boolean[] running, boolean daemon) {
        this.ticks = ticks;
        this.checkEvery = checkEvery;
        this.daemon = daemon;
        this.guestTick = new long[running.length];
        for (int g = 0; g < running.length; g++) {
            if (!running[g]) {
                guestTick[g] = ticks; // gone before the run started
                finished++;
            }
        }
    }

    /** Ticks every guest plays (fewer once stopped early). */
    public long ticks() {
        return ticks;
    }

    public long checkEvery() {
        return checkEvery;
    }

    /** Whether {@code tick} is the run's last. */
    public boolean isLast(long tick) {
        return tick == ticks - 1;
    }

    /** The tick guest {@code g} plays now (or {@link #ticks} once it has finished). */
    public long tickOf(int g) {
        return guestTick[g];
    }

    /** The tick guest {@code g} may call for now: {@link #tickOf}, or {@link Long#MIN_VALUE} for a guest not in the run. */
    public long expectedTick(int g) {
        return g >= 0 && g < guestTick.length ? guestTick[g] : Long.MIN_VALUE;
    }

    /** The tick the daemon plays now. */
    public long daemonTick() {
        return daemonTick;
    }

    /**
     * Guest {@code g} acknowledged {@code tick}: returns the tick it plays next, or -1 when that
     * was its last (it has finished).
     */
    public long acknowledged(int g, long tick) {
        if (tick < ticks - 1) {
            guestTick[g] = tick + 1;
            return guestTick[g];
        }
        guestTick[g] = ticks;
        finished++;
        return -1;
    }

    /**
     * Guest {@code g} was admitted by live migration: it counts as finished (the run does not wait
     * for it) until it joins ({@link #rejoin}).
     */
    public void admit(int g) {
        if (g < guestTick.length) {
            return;
        }
        int old = guestTick.length;
        guestTick = java.util.Arrays.copyOf(guestTick, g + 1);
        for (int i = old; i <= g; i++) {
            guestTick[i] = ticks;
            finished++;
        }
    }

    /** Guest {@code g} is gone: it has finished, if it had not; returns whether it had not. */
    public boolean gone(int g) {
        if (guestTick[g] >= ticks) {
            return false;
        }
        guestTick[g] = ticks;
        finished++;
        return true;
    }

    /** The daemon acknowledged its tick: returns whether it plays another. */
    public boolean daemonAcknowledged() {
        return ++daemonTick < ticks;
    }

    /** Every one of {@code guests} guests and the daemon (if any) have played every tick. */
    public boolean done(int guests) {
        return finished == guests && (!daemon || daemonTick >= ticks);
    }

    /** One more work applied on a host of {@code guests} guests: returns whether a tick's worth is complete (reclaim now). */
    public boolean workApplied(int guests) {
        if (++applied % guests == 0) {
            rounds++;
            return true;
        }
        return false;
    }

    /** The host's ticks so far: rounds of as many applied works as it has guests. */
    public long hostTick() {
        return rounds;
    }

    /**
     * Guest {@code g}, gone, plays again (a fresh incarnation) from {@code tick}; returns whether
     * it does ({@code tick} is within the run and {@code g} is a guest of it).
     */
    public boolean rejoin(int g, long tick) {
        if (g < 0 || g >= guestTick.length || tick >= ticks || tick < 0) {
            return false;
        }
        if (guestTick[g] >= ticks) {
            finished--;
        }
        guestTick[g] = tick;
        return true;
    }

    /** Whether the invariants are due now (after every {@code checkEvery} applied works). */
    public boolean checkDue() {
        return applied % checkEvery == 0;
    }

    /** Keeps what a check of {@code count} invariants found, for the final report. */
    public void checked(long count, List<String> found) {
        checks += count;
        violations.addAll(found);
    }

    /** Invariant checks run so far. */
    public long checks() {
        return checks;
    }

    /** What the checks so far found (a copy). */
    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    /** The last tick every guest has completed (the slowest guest's tick, less one). */
    public long completedTick() {
        long slowest = Long.MAX_VALUE;
        for (long t : guestTick) {
            slowest = Math.min(slowest, t);
        }
        return slowest - 1;
    }

    /**
     * Ends the run early: its last tick becomes the one after the furthest a playing guest has got
     * (each still plays one tick it is told is the last). Returns the new last tick, or -1 when the
     * run is not shortened (no guest is playing, or it ends sooner anyway).
     */
    public long stopEarly() {
        long furthest = -1;
        for (long t : guestTick) {
            if (t < ticks) {
                furthest = Math.max(furthest, t);
            }
        }
        long shorter = furthest + 2;
        if (furthest < 0 || shorter >= ticks) {
            return -1;
        }
        ticks = shorter;
        return ticks - 1;
    }
}
