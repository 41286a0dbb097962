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
 * @param hotplugBlockPages       its memory hotplug device's block, in pages (a power of two); 0: no device
 * @param hotplugPluggedPages     the device's memory plugged at boot, in pages (a multiple of the block)
 * @param hotplugBlocksPerTick    the most blocks its hotplug driver plugs or unplugs in a tick
 */
public record GuestMemorySettings(boolean balloonEnabled, int balloonPagesPerTick, int balloonBackoffTicks,
                                  int balloonCapPages, double workingSetPeriodSeconds, boolean freePageReporting,
                                  int reportingOrder, int reportingDelayTicks, int reportingCapacity,
                                  boolean freeOnShrink, int hotplugBlockPages, int hotplugPluggedPages,
                                  int hotplugBlocksPerTick) {
    /** The default hotplug block: 2 MiB (512 pages), virtio-mem's usual block size on x86. */
    public static final int DEFAULT_HOTPLUG_BLOCK_PAGES = 512;
    /** The default number of blocks the hotplug driver plugs or unplugs per tick. */
    public static final int DEFAULT_HOTPLUG_BLOCKS_PER_TICK = 8;

    /** Settings without a memory hotplug device. */
    public GuestMemorySettings(boolean balloonEnabled, int balloonPagesPerTick, int balloonBackoffTicks,
                               int balloonCapPages, double workingSetPeriodSeconds, boolean freePageReporting,
                               int reportingOrder, int reportingDelayTicks, int reportingCapacity,
                               boolean freeOnShrink) {
        this(balloonEnabled, balloonPagesPerTick, balloonBackoffTicks, balloonCapPages, workingSetPeriodSeconds,
                freePageReporting, reportingOrder, reportingDelayTicks, reportingCapacity, freeOnShrink, 0, 0,
                DEFAULT_HOTPLUG_BLOCKS_PER_TICK);
    }

    /** Whether the guest has a memory hotplug device. */
    public boolean hotplug() {
        return hotplugBlockPages > 0;
    }

    /** The same settings with a memory hotplug device of {@code blockPages} blocks, {@code pluggedPages} plugged at boot (0 blocks: none). */
    public GuestMemorySettings withHotplug(int blockPages, int pluggedPages, int blocksPerTick) {
        return new GuestMemorySettings(balloonEnabled, balloonPagesPerTick, balloonBackoffTicks, balloonCapPages,
                workingSetPeriodSeconds, freePageReporting, reportingOrder, reportingDelayTicks, reportingCapacity,
                freeOnShrink, blockPages, pluggedPages, blocksPerTick);
    }
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
        if (hotplugBlockPages < 0 || hotplugBlockPages > 0 && (Integer.bitCount(hotplugBlockPages) != 1
                || hotplugPluggedPages < 0 || hotplugPluggedPages % hotplugBlockPages != 0
                || hotplugBlocksPerTick < 1 || hotplugBlocksPerTick > ballast.abi.MemoryHotplug.MAX_BLOCKS)) {
            throw new IllegalArgumentException("hotplug block " + hotplugBlockPages + " not a power of two, plugged "
                    + hotplugPluggedPages + " not a multiple of it, or rate " + hotplugBlocksPerTick + " outside 1.."
                    + ballast.abi.MemoryHotplug.MAX_BLOCKS);
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
                workingSetPeriodSeconds, on, order, delayTicks, capacity, freeOnShrink, hotplugBlockPages,
                hotplugPluggedPages, hotplugBlocksPerTick);
    }

    /** The defaults for a guest of {@code configuredPages}: a driver moving 256 pages a tick, capped at 65%. */
    public static GuestMemorySettings defaults(int configuredPages) {
        return new GuestMemorySettings(true, 256, 10, (int) (0.65 * configuredPages), 30);
    }
}
