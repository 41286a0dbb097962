package ballast.scheduler.migration;

import java.util.List;

/**
 * The hotspot trigger ({@code hotspot { ... }}): while {@code enabled}, the hotspot policy named
 * {@code policy} decides at each tick boundary which guests move off which hosts; the built-in one,
 * {@code free-states}, moves one guest away from a host whose free-memory state stays in one of
 * {@code states} for {@code afterSeconds} of simulated time.
 */
public record HotspotSettings(boolean enabled, List<String> states, double afterSeconds, String policy) {
    public static final HotspotSettings DISABLED = new HotspotSettings(false, List.of("hard", "low"), 10);

    public HotspotSettings {
        states = List.copyOf(states);
    }

    /** The built-in policy, {@code free-states}. */
    public HotspotSettings(boolean enabled, List<String> states, double afterSeconds) {
        this(enabled, states, afterSeconds, FreeStatesHotspot.NAME);
    }
}
