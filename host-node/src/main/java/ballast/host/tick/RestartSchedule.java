package ballast.host.tick;

import java.util.Arrays;

/**
 * The restarts of failed guests that one hypervisor holds back: each guest to restart, the tick
 * its restart is due at (its backoff counted in the host's ticks), and whom to tell then. A
 * restart that was told (its fresh incarnation is booting) is <em>outstanding</em> until that
 * incarnation boots or fails: the host waits for it before it goes further (the next tick, or the
 * end of a free run), so that a failure at boot is reported before the run ends.
 *
 * <p>Owned by one hypervisor actor, not thread-safe.
 *
 * @param <R> whom to tell that a restart is due
 */
public final class RestartSchedule<R> {
    private static final long NONE = Long.MIN_VALUE;
    private long[] due = new long[0];
    private boolean[] outstanding = new boolean[0];
    private Object[] replyTo = new Object[0];
    private int outstandingCount;

    private void ensure(int g) {
        if (g >= due.length) {
            int n = Math.max(g + 1, due.length * 2);
            int old = due.length;
            due = Arrays.copyOf(due, n);
            Arrays.fill(due, old, n, NONE);
            outstanding = Arrays.copyOf(outstanding, n);
            replyTo = Arrays.copyOf(replyTo, n);
        }
    }

    /** Guest {@code g} restarts at the start of tick {@code dueTick}; {@code to} hears it then. */
    public void schedule(int g, long dueTick, R to) {
        ensure(g);
        settled(g);
        due[g] = dueTick;
        replyTo[g] = to;
    }

    /** Whether guest {@code g} has a restart scheduled and not due yet. */
    public boolean scheduled(int g) {
        return g < due.length && due[g] != NONE;
    }

    /**
     * The guests whose restart is due by tick {@code tick}, ascending; each is outstanding from now
     * on (its restart is told by the caller).
     */
    public int[] takeDue(long tick) {
        int[] found = new int[0];
        for (int g = 0; g < due.length; g++) {
            if (due[g] != NONE && due[g] <= tick) {
                found = Arrays.copyOf(found, found.length + 1);
                found[found.length - 1] = g;
                due[g] = NONE;
                outstanding[g] = true;
                outstandingCount++;
            }
        }
        return found;
    }

    /** Whom to tell about guest {@code g}'s restart. */
    @SuppressWarnings("unchecked")
    public R replyTo(int g) {
        return (R) replyTo[g];
    }

    /** Whether guest {@code g}'s fresh incarnation was told to start and has neither booted nor failed yet. */
    public boolean outstanding(int g) {
        return g < outstanding.length && outstanding[g];
    }

    /** Whether any restart is outstanding. */
    public boolean anyOutstanding() {
        return outstandingCount > 0;
    }

    /** Guest {@code g} booted or is gone again: its restart (scheduled or outstanding) is over. */
    public void settled(int g) {
        if (g >= due.length) {
            return;
        }
        if (outstanding[g]) {
            outstanding[g] = false;
            outstandingCount--;
        }
        due[g] = NONE;
    }
}
