package ballast.scheduler.migration;

import ballast.host.control.HostStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The built-in hotspot policy, {@code free-states} (the default): a host whose free-memory state (its reclamation's
 * {@code HostReclaim.state}) stays in one of the configured states for {@code after} simulated
 * seconds moves one guest away; the clock of that host starts again once it has. The guest that
 * best relieves it is the smallest whose allocated memory covers the host's deficit (the free
 * pages it lacks to be back in the high state), or, when none does, the largest: one migration
 * then moves the most. Ties go by name. A host that is already sending a guest is left alone.
 *
 * <p>Cost: O(hosts + guests) per tick boundary. Ignores what the destination will do with the
 * guest (the placement policy decides where it goes) and the guest's working set.
 */
public final class FreeStatesHotspot implements HotspotPolicy {
    public static final String NAME = "free-states";
    private final HotspotSettings settings;
    private final double tickSeconds;
    private final Map<String, Long> hotSince = new HashMap<>();

    public FreeStatesHotspot(HotspotSettings settings, double tickSeconds) {
        this.settings = settings;
        this.tickSeconds = tickSeconds;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The moves to start now, in host name order. */
    @Override
    public List<Decision> observe(long tick, Map<String, HostStats> hosts, Map<String, List<GuestLoad>> guests,
                                  Set<String> busy) {
        List<Decision> out = new ArrayList<>();
        if (!settings.enabled()) {
            return out;
        }
        for (Map.Entry<String, HostStats> e : new TreeMap<>(hosts).entrySet()) {
            String host = e.getKey();
            if (!settings.states().contains(e.getValue().reclaim().state())) {
                hotSince.remove(host);
                continue;
            }
            long since = hotSince.computeIfAbsent(host, h -> tick);
            if ((tick - since) * tickSeconds + 1e-9 < settings.afterSeconds() || busy.contains(host)) {
                continue;
            }
            String guest = relieve(deficitPages(e.getValue()), guests.getOrDefault(host, List.of()));
            if (guest != null) {
                out.add(new Decision(host, guest));
                hotSince.put(host, tick); // it must stay hot for another period before the next move
            }
        }
        return out;
    }

    /** Free pages the host lacks to be back in the high state (at least one). */
    static long deficitPages(HostStats s) {
        return Math.max(1, s.reclaim().highThresholdPages() - s.framesFree());
    }

    /** The guest that best relieves a deficit of {@code deficit} pages, or null when there is none. */
    static String relieve(long deficit, List<GuestLoad> guests) {
        Comparator<GuestLoad> byName = Comparator.comparing(GuestLoad::name);
        GuestLoad covering = guests.stream().filter(g -> g.allocatedPages() >= deficit)
                .min(Comparator.comparingLong(GuestLoad::allocatedPages).thenComparing(byName)).orElse(null);
        if (covering != null) {
            return covering.name();
        }
        return guests.stream().max(Comparator.comparingLong(GuestLoad::allocatedPages)
                .thenComparing(byName.reversed())).map(GuestLoad::name).orElse(null);
    }
}
