package ballast.host.offload;

/**
 * A host's proactive cold-page offload, as configured ({@code hosts.NAME.offload}): a host policy
 * beside the free-memory states that finds cold pages by sampling access bits over regions (DAMON)
 * and pages them out while the guests' memory pressure stays below a target (TMO's Senpai).
 *
 * @param enabled            whether the host offloads at all (off by default)
 * @param coldAfterSeconds   a region whose sampled pages saw no access for at least this long is
 *                           cold: its pages are candidates (Google's far memory: 120 s)
 * @param targetPressure     the share of time the host's guests may wait for memory (PSI {@code some},
 *                           avg10) that the controller aims for, in (0, 1)
 * @param aggregationSeconds DAMON's aggregation interval: accesses are counted per region over it,
 *                           then regions age, merge and split; a multiple of the tick (one sample
 *                           per tick)
 * @param minRegions         regions per guest at least (DAMON's {@code min_nr_regions}, 10)
 * @param maxRegions         regions per guest at most (DAMON's {@code max_nr_regions}, 1000): at most
 *                           this many pages sampled per guest per tick, whatever its size
 * @param intervalSeconds    the controller's period: it reads the pressure and offloads once per period
 * @param maxStep            the share of a guest's configured memory offloaded per period at zero
 *                           pressure (the step shrinks as the pressure nears the target, none above it)
 * @param tickSeconds        simulated seconds per tick
 */
public record OffloadSettings(boolean enabled, double coldAfterSeconds, double targetPressure,
                              double aggregationSeconds, int minRegions, int maxRegions, double intervalSeconds,
                              double maxStep, double tickSeconds) {

    /** No offload: the behaviour of a host before it existed. */
    public static final OffloadSettings DISABLED = new OffloadSettings(false, 120, 0.01, 2, 10, 1000, 1, 0.01, 0.1);

    public OffloadSettings {
        if (!(coldAfterSeconds > 0) || !(aggregationSeconds > 0) || !(intervalSeconds > 0) || !(tickSeconds > 0)) {
            throw new IllegalArgumentException("cold-after, the intervals and the tick must be positive");
        }
        if (!(targetPressure > 0 && targetPressure < 1)) {
            throw new IllegalArgumentException("target-pressure must be in (0, 1): " + targetPressure);
        }
        if (minRegions < 1 || maxRegions < minRegions) {
            throw new IllegalArgumentException("need 1 <= min-regions <= max-regions");
        }
        if (!(maxStep > 0 && maxStep <= 1)) {
            throw new IllegalArgumentException("max-step must be in (0, 1]: " + maxStep);
        }
    }

    /** Ticks per aggregation interval (samples per region per aggregation), at least one. */
    public int aggregationTicks() {
        return (int) Math.max(1, Math.round(aggregationSeconds / tickSeconds));
    }

    /** Ticks per control period, at least one. */
    public int intervalTicks() {
        return (int) Math.max(1, Math.round(intervalSeconds / tickSeconds));
    }

    /** Aggregation intervals without an access after which a region is cold, at least one. */
    public int coldAfterAggregations() {
        return (int) Math.max(1, Math.ceil(coldAfterSeconds / (aggregationTicks() * tickSeconds) - 1e-9));
    }
}
