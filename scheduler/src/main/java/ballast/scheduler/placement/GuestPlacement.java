package ballast.scheduler.placement;

import ballast.guest.ContentSettings;
import ballast.scheduler.placement.BloomFilter;
import ballast.scheduler.placement.Fingerprints;
import ballast.scheduler.placement.PlacementPolicy;
import ballast.scheduler.placement.Placements;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Placement at scenario load: the guests that name a host are on it; the others are placed one by
 * one in canonical order by the scenario's policy, each seeing the hosts as the guests before it
 * left them. Deterministic: the same scenario always gives the same placement.
 */
public final class GuestPlacement {
    private GuestPlacement() {
    }

    /** A host and the memory its guests may take (memory - reserved), in pages. */
    public record Host(String name, long capacityPages) {
    }

    /** A guest: its fixed host (or null), size and what its content fingerprint is made from. */
    public record Guest(String name, String host, long configuredPages, ContentSettings content, long seed,
                 int workingSetPages) {
    }

    /** The chosen host of every guest without one (absent when it fits nowhere). */
    public static Map<String, String> place(List<Host> hosts, List<Guest> guests, String policyName) {
        PlacementPolicy policy = Placements.byName(policyName);
        boolean content = policy.name().equals("sharing-aware");
        Map<String, Long> committed = new LinkedHashMap<>();
        Map<String, BloomFilter> residents = new HashMap<>();
        for (Host h : hosts) {
            committed.put(h.name(), 0L);
            residents.put(h.name(), Fingerprints.empty());
        }
        Map<String, BloomFilter> prints = new HashMap<>();
        for (Guest g : guests) {
            if (content) {
                prints.put(g.name(), Fingerprints.of(g.content(), g.seed(), g.workingSetPages()));
            }
            if (g.host() != null && committed.containsKey(g.host())) {
                committed.merge(g.host(), g.configuredPages(), Long::sum);
                if (content) {
                    residents.get(g.host()).addAll(prints.get(g.name()));
                }
            }
        }
        Map<String, String> chosen = new HashMap<>();
        for (Guest g : guests) {
            if (g.host() != null) {
                continue;
            }
            List<PlacementPolicy.HostLoad> loads = new ArrayList<>();
            for (Host h : hosts) {
                loads.add(new PlacementPolicy.HostLoad(h.name(), h.capacityPages(), committed.get(h.name()),
                        residents.get(h.name())));
            }
            BloomFilter print = content ? prints.get(g.name()) : Fingerprints.empty();
            String host = policy.place(new PlacementPolicy.Candidate(g.name(), g.configuredPages(), print), loads);
            if (host != null) {
                chosen.put(g.name(), host);
                committed.merge(host, g.configuredPages(), Long::sum);
                if (content) {
                    residents.get(host).addAll(print);
                }
            }
        }
        return chosen;
    }
}
