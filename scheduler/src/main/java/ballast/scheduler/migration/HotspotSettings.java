package ballast.scheduler.migration;

import java.util.List;

/**
 * The hotspot trigger ({@code hotspot { ... }}): a host whose free-memory state stays in one of
 * {@code states} for {@code afterSeconds} of simulated time moves one guest away.
 */
public record HotspotSettings(boolean enabled, List<String> states, double afterSeconds) {
    public static final HotspotSettings DISABLED = new HotspotSettings(false, List.of("hard", "low"), 10);

    public HotspotSettings {
        states = List.copyOf(states);
    }
}
