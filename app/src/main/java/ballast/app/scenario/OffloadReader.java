package ballast.app.scenario;

import ballast.host.offload.OffloadSettings;
import java.time.Duration;

/**
 * Reads a host's {@code offload} block (proactive cold-page offload: {@code enabled},
 * {@code cold-after}, {@code target-pressure}, {@code aggregation}, {@code min-regions},
 * {@code max-regions}, {@code interval}, {@code max-step}) through the library's
 * {@code ballast.host.offload} defaults, reporting every problem to {@link Problems}.
 */
final class OffloadReader {
    /** Most regions per guest: DAMON's own bound is a setting; this one keeps a guest's monitor small. */
    static final long MAX_REGIONS = 1 << 20;

    private final Problems problems;
    private final LibraryDefaults defaults;

    OffloadReader(Problems problems, LibraryDefaults defaults) {
        this.problems = problems;
        this.defaults = defaults;
    }

    /** A host's offload block, typed (the tick is added when the settings are built). */
    record Offload(boolean enabled, Duration coldAfter, double targetPressure, Duration aggregation, int minRegions,
                   int maxRegions, Duration interval, double maxStep) {
        static final Offload OFF = new Offload(false, Duration.ofSeconds(120), 0.01, Duration.ofSeconds(2), 10, 1000,
                Duration.ofSeconds(1), 0.01);

        OffloadSettings settings(double tickSeconds) {
            return new OffloadSettings(enabled, Entry.seconds(coldAfter), targetPressure, Entry.seconds(aggregation),
                    minRegions, maxRegions, Entry.seconds(interval), maxStep, tickSeconds);
        }
    }

    /** The host's {@code offload} block, or null when it has a problem (reported). */
    Offload read(Entry host) {
        Entry offload = host.child("offload");
        int before = problems.reports();
        offload.checkKeys(defaults.object("host.offload").keySet());
        Boolean enabled = offload.bool("enabled");
        Duration coldAfter = offload.positiveDuration("cold-after");
        Double target = offload.share("target-pressure", 0, 1, true);
        if (target != null && target == 0) {
            offload.problemAtValue("target-pressure", "must be greater than 0, got 0");
            target = null;
        }
        Duration aggregation = offload.positiveDuration("aggregation");
        Long minRegions = offload.integer("min-regions", 1, MAX_REGIONS);
        Long maxRegions = offload.integer("max-regions", 1, MAX_REGIONS);
        Duration interval = offload.positiveDuration("interval");
        Double maxStep = offload.share("max-step", 0, 1, false);
        if (maxStep != null && maxStep == 0) {
            offload.problemAtValue("max-step", "must be greater than 0, got 0");
            maxStep = null;
        }
        if (minRegions != null && maxRegions != null && maxRegions < minRegions) {
            offload.problemAbout("max-regions", "must be at least min-regions (" + minRegions + "), got " + maxRegions);
        }
        if (problems.reports() != before || enabled == null || coldAfter == null || target == null
                || aggregation == null || minRegions == null || maxRegions == null || interval == null
                || maxStep == null) {
            return null;
        }
        return new Offload(enabled, coldAfter, target, aggregation, minRegions.intValue(), maxRegions.intValue(),
                interval, maxStep);
    }
}
