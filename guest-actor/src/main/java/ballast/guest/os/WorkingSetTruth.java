package ballast.guest.os;

/**
 * The guest's true working set, the number the hypervisor's sampler estimates: period {@code k}
 * covers simulated seconds {@code [k P, (k + 1) P)}, {@code P} =
 * {@link ballast.guest.GuestMemorySettings#workingSetPeriodSeconds()}; a tick's accesses happen at
 * its start ({@code tick x tickSeconds}). {@link #pages()} is the number of distinct pages the
 * guest read or wrote in the last complete period (0 before one completed), counted from the
 * page table's access stamps when the first tick of a new period is generated (no cost per access
 * beyond the stamp the clock needs anyway).
 *
 * <p>Owned by one {@link GuestOs}, not thread-safe.
 */
final class WorkingSetTruth {
    private final double tickSeconds;
    private final double periodSeconds;
    private long pages;
    /** The period the last generated tick fell in (Long.MIN_VALUE before the first), and its first tick. */
    private long period = Long.MIN_VALUE;
    private long periodFirstTick;

    WorkingSetTruth(double tickSeconds, double periodSeconds) {
        this.tickSeconds = tickSeconds;
        this.periodSeconds = periodSeconds;
    }

    /**
     * Tick {@code tick} is being generated: at the first tick of a new period, counts the distinct
     * pages read or written in the period just completed (0 when the last complete period held no tick).
     */
    void tick(long tick, PageTable table) {
        long now = (long) Math.floor(tick * tickSeconds / periodSeconds + 1e-9);
        if (period == Long.MIN_VALUE) {
            period = now;
            periodFirstTick = tick;
            return;
        }
        if (now == period) {
            return;
        }
        pages = now == period + 1 ? table.accessedBetween(periodFirstTick, tick) : 0;
        period = now;
        periodFirstTick = tick;
    }

    /** Distinct pages read or written in the last complete period. */
    long pages() {
        return pages;
    }

    long period() {
        return period;
    }

    long periodFirstTick() {
        return periodFirstTick;
    }

    void restore(long pages, long period, long periodFirstTick) {
        this.pages = pages;
        this.period = period;
        this.periodFirstTick = periodFirstTick;
    }
}
