package ballast.guest;

/**
 * How a guest OS and its balloon driver behave under memory pressure ({@code guests.NAME.balloon}).
 *
 * @param balloonEnabled          whether the guest runs a balloon driver (without one, only host
 *                                paging can take its memory)
 * @param balloonPagesPerTick     the most pages the driver inflates or deflates per tick
 * @param balloonBackoffTicks     ticks the driver waits after a step that could not complete
 *                                (outcome {@code again}) or was refused ({@code cancelled})
 * @param balloonCapPages         the most pages the balloon may hold (default 65% of its memory)
 * @param workingSetPeriodSeconds the working-set period, in simulated guest seconds, over which
 *                                the guest counts the distinct pages it touched (the ground truth;
 *                                the same period as the host's sampling)
 * @param freePageReporting       whether the guest OS reports its free pages to the hypervisor
 *                                (virtio-balloon's free page reporting; {@code free-page-reporting})
 * @param reportingOrder          the smallest block reported: {@code 2^order} pages, aligned (Linux: pageblock order 9)
 * @param reportingDelayTicks     ticks between a page freed and the reporting pass that reports it (Linux: 2 s)
 * @param reportingCapacity       the most blocks one report carries (Linux: {@code PAGE_REPORTING_CAPACITY}, 32)
 * @param freeOnShrink            whether the guest's processes free the pages beyond their working set
 *                                when it shrinks (a phase or a workload change), as {@code munmap} would
 */
public record GuestMemorySettings(boolean balloonEnabled, int balloonPagesPerTick, int balloonBackoffTicks,
                                  int balloonCapPages, double workingSetPeriodSeconds, boolean freePageReporting,
                                  int reportingOrder, int reportingDelayTicks, int reportingCapacity,
                                  boolean freeOnShrink) {
    /** Linux's default reporting order: {@code pageblock_order}, 9 on x86 (2 MiB blocks). */
    public static final int DEFAULT_REPORTING_ORDER = 9;
    /** Linux's {@code PAGE_REPORTING_CAPACITY}: blocks per report. */
    public static final int DEFAULT_REPORTING_CAPACITY = 32;

    public GuestMemorySettings {
        if (balloonPagesPerTick < 0 || balloonBackoffTicks < 0 || balloonCapPages < 0 || !(workingSetPeriodSeconds > 0)) {
            throw new IllegalArgumentException("balloon rate, back-off and cap must not be negative, the period positive");
        }
        if (reportingOrder < 0 || reportingOrder > ballast.abi.FreePageReport.MAX_ORDER || reportingDelayTicks < 0
                || reportingCapacity < 1 || reportingCapacity > ballast.abi.FreePageReport.MAX_BLOCKS) {
            throw new IllegalArgumentException("reporting order " + reportingOrder + " outside 0.."
                    + ballast.abi.FreePageReport.MAX_ORDER + ", delay " + reportingDelayTicks + " negative or capacity "
                    + reportingCapacity + " outside 1.." + ballast.abi.FreePageReport.MAX_BLOCKS);
        }
    }

    /** Settings without free page reporting, whose processes keep the pages they no longer use. */
    public GuestMemorySettings(boolean balloonEnabled, int balloonPagesPerTick, int balloonBackoffTicks,
                               int balloonCapPages, double workingSetPeriodSeconds) {
        this(balloonEnabled, balloonPagesPerTick, balloonBackoffTicks, balloonCapPages, workingSetPeriodSeconds,
                false, DEFAULT_REPORTING_ORDER, 20, DEFAULT_REPORTING_CAPACITY, false);
    }

    /** The same settings with free page reporting on or off (order, delay in ticks, capacity) and pages freed on a shrink or not. */
    public GuestMemorySettings withReporting(boolean on, int order, int delayTicks, int capacity, boolean freeOnShrink) {
        return new GuestMemorySettings(balloonEnabled, balloonPagesPerTick, balloonBackoffTicks, balloonCapPages,
                workingSetPeriodSeconds, on, order, delayTicks, capacity, freeOnShrink);
    }

    /** The defaults for a guest of {@code configuredPages}: a driver moving 256 pages a tick, capped at 65%. */
    public static GuestMemorySettings defaults(int configuredPages) {
        return new GuestMemorySettings(true, 256, 10, (int) (0.65 * configuredPages), 30);
    }
}
