package ballast.host.reclaim;

import java.util.Arrays;

/**
 * What an allocation policy knows of the guests, as parallel primitive arrays (no object per
 * guest): for guest {@code i < count()}, its {@code min} (guaranteed) and {@code max} (configured
 * size) in pages, its {@code shares}, its estimated active fraction {@code f} of its allocated
 * pages, and its current allocation {@code P} in pages. Reused from one rebalance to the next;
 * not thread-safe.
 */
public final class GuestDemands {
    private int count;
    long[] min = new long[0];
    long[] max = new long[0];
    double[] shares = new double[0];
    double[] activeFraction = new double[0];
    long[] currentPages = new long[0];

    public GuestDemands(int capacity) {
        ensureCapacity(capacity);
    }

    /** Forgets every guest, keeping the arrays. */
    public void clear() {
        count = 0;
    }

    /** Appends a guest and returns its index. */
    public int add(long minPages, long maxPages, double guestShares, double f, long current) {
        ensureCapacity(count + 1);
        set(count, minPages, maxPages, guestShares, f, current);
        return count++;
    }

    /** Overwrites guest {@code i} (which must exist). */
    public void set(int i, long minPages, long maxPages, double guestShares, double f, long current) {
        if (minPages < 0 || maxPages < minPages) {
            throw new IllegalArgumentException("need 0 <= min <= max: " + minPages + ", " + maxPages);
        }
        if (!(guestShares >= 0) || Double.isInfinite(guestShares)) {
            throw new IllegalArgumentException("shares must be finite and not negative: " + guestShares);
        }
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException("active fraction must be in [0, 1]: " + f);
        }
        if (current < 0) {
            throw new IllegalArgumentException("current pages must not be negative: " + current);
        }
        min[i] = minPages;
        max[i] = maxPages;
        shares[i] = guestShares;
        activeFraction[i] = f;
        currentPages[i] = current;
    }

    /** Updates only the active fraction and current allocation of guest {@code i}. */
    public void observe(int i, double f, long current) {
        set(i, min[i], max[i], shares[i], f, current);
    }

    public int count() {
        return count;
    }

    public long min(int i) {
        return min[i];
    }

    public long max(int i) {
        return max[i];
    }

    public double shares(int i) {
        return shares[i];
    }

    public double activeFraction(int i) {
        return activeFraction[i];
    }

    public long currentPages(int i) {
        return currentPages[i];
    }

    private void ensureCapacity(int n) {
        if (n > min.length) {
            int c = Math.max(n, min.length * 2);
            min = Arrays.copyOf(min, c);
            max = Arrays.copyOf(max, c);
            shares = Arrays.copyOf(shares, c);
            activeFraction = Arrays.copyOf(activeFraction, c);
            currentPages = Arrays.copyOf(currentPages, c);
        }
    }
}
