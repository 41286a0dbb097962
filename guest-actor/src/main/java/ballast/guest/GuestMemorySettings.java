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
 */
public record GuestMemorySettings(boolean balloonEnabled, int balloonPagesPerTick, int balloonBackoffTicks,
                                  int balloonCapPages, double workingSetPeriodSeconds) {

    public GuestMemorySettings {
        if (balloonPagesPerTick < 0 || balloonBackoffTicks < 0 || balloonCapPages < 0 || !(workingSetPeriodSeconds > 0)) {
            throw new IllegalArgumentException("balloon rate, back-off and cap must not be negative, the period positive");
        }
    }

    /** The defaults for a guest of {@code configuredPages}: a driver moving 256 pages a tick, capped at 65%. */
    public static GuestMemorySettings defaults(int configuredPages) {
        return new GuestMemorySettings(true, 256, 10, (int) (0.65 * configuredPages), 30);
    }
}
