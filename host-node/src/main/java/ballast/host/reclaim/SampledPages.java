package ballast.host.reclaim;

/**
 * One guest's working-set sample for the current period (Waldspurger, "Memory Resource Management
 * in VMware ESX Server", OSDI 2002, section 5.3): which PPNs were sampled, a mark per PPN sampled
 * and not touched yet, and how many are still untouched. The hypervisor invalidates the sampled
 * PPNs' mappings when the period starts, so that the next touch of each misses; the miss path asks
 * {@link #isSampled} and calls {@link #touch}, which tells the {@link WorkingSetEstimator}. At the
 * period's end the count goes into the estimator and the marks are cleared.
 *
 * <p>A byte per PPN, allocated at the first period. Owned by one guest's memory on the hypervisor
 * actor's thread; not thread-safe.
 */
public final class SampledPages {
    private final WorkingSetEstimator estimator;
    private final int pages;
    private int[] sample = new int[0];
    private byte[] marks;
    private int pending;

    /** Samples of a guest of {@code pages} PPNs, counted into {@code estimator}. */
    public SampledPages(WorkingSetEstimator estimator, int pages) {
        this.estimator = estimator;
        this.pages = pages;
    }

    /** Whether {@code ppn} was sampled this period and not touched yet. */
    public boolean isSampled(int ppn) {
        return pending > 0 && marks[ppn] != 0;
    }

    /** Whether some sampled PPN is still untouched this period. */
    public boolean any() {
        return pending > 0;
    }

    /** The first touch of sampled {@code ppn} this period (the caller checked {@link #isSampled}). */
    public void touch(int ppn) {
        marks[ppn] = 0;
        pending--;
        estimator.touched(ppn);
    }

    /** Starts a period: {@code ppns} are sampled (the caller invalidates their mappings). */
    public void start(int[] ppns) {
        if (marks == null) {
            marks = new byte[pages];
        }
        sample = ppns;
        for (int ppn : ppns) {
            marks[ppn] = 1;
        }
        pending = ppns.length;
    }

    /** Ends the period: folds its count into the estimator (when {@code count}) and clears the marks. */
    public void end(boolean count) {
        if (marks != null) {
            for (int ppn : sample) {
                marks[ppn] = 0;
            }
        }
        sample = new int[0];
        pending = 0;
        if (count) {
            estimator.endPeriod();
        }
    }

    /** Sampled PPNs not yet touched this period. */
    public int pending() {
        return pending;
    }
}
