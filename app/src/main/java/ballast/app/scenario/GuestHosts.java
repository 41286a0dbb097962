package ballast.app.scenario;

import static ballast.app.scenario.Entry.PAGE_BYTES;
import static ballast.app.scenario.Entry.size;

import ballast.abi.Tokens;
import ballast.app.scenario.GuestReader.GuestValues;
import ballast.app.scenario.GuestReader.Instance;
import ballast.app.scenario.HostReader.HostDraft;
import ballast.scheduler.migration.Admission;
import ballast.scheduler.placement.GuestPlacement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host of every guest: the one its entry names, or the one the scenario's placement policy
 * chooses ({@link GuestPlacement}, in canonical order), and admission control on each host by
 * the rule guests move with ({@link Admission}). Holds the placement's choices (one scenario,
 * one thread).
 */
final class GuestHosts {
    /** Hosts of guests the scenario gives none: chosen by the placement policy (see {@link GuestPlacement}). */
    private final Map<String, String> placed = new HashMap<>();

    /** The host of a guest: its own, or the one the placement policy chose. */
    String hostOf(Instance guest) {
        return guest.draft().host() != null ? guest.draft().host() : placed.get(guest.name());
    }

    /** Places the guests that name no host, in canonical order, with the scenario's placement policy. */
    void placeGuests(Map<String, HostDraft> hosts, List<Instance> instances, String policy, long seed) {
        List<GuestPlacement.Host> hostList = new ArrayList<>();
        for (HostDraft h : hosts.values()) {
            hostList.add(new GuestPlacement.Host(h.name(), (long) h.totalFrames() - h.reservedFrames()));
        }
        List<GuestPlacement.Guest> guests = new ArrayList<>();
        for (Instance i : instances) {
            GuestValues v = i.draft().values();
            if (v == null) {
                continue;
            }
            long guestSeed = v.seedKey() != null ? Tokens.derive(seed, "guest-seed:" + v.seedKey())
                    : Tokens.derive(seed, "guest:" + i.name());
            guests.add(new GuestPlacement.Guest(i.name(), i.draft().host(), v.configuredPages(), v.content(), guestSeed,
                    v.workload().maxWorkingSetPages()));
        }
        Map<String, String> chosen = GuestPlacement.place(hostList, guests, policy);
        for (Instance i : instances) {
            if (i.draft().host() == null && i.draft().values() != null) {
                String host = chosen.get(i.name());
                if (host == null) {
                    i.draft().entry().problem("host", "guest " + i.name() + " (" + size(i.draft().values().configuredPages()
                            * PAGE_BYTES) + ") fits on no host (placement " + policy + "); give it a host or more memory");
                } else {
                    placed.put(i.name(), host);
                }
            }
        }
    }

    /**
     * Admission control, on each host in canonical order, by the rule guests move with
     * ({@link Admission}): a host that reclaims must hold every guest's min plus its overhead (a
     * para-virtual guest's whole memory plus its overhead) in memory - reserved, and every guest's
     * max - min in its swap; a host that does not reclaim cannot take memory back, so every guest's
     * whole memory must fit in memory - reserved. Reports the first guest that does not fit, at its
     * entry. Every guest counts, also those that start later (they may all run at once).
     */
    void admit(Map<String, HostDraft> hosts, List<Instance> instances) {
        for (HostDraft host : hosts.values()) {
            long available = (long) host.totalFrames() - host.reservedFrames();
            String left = size(available * PAGE_BYTES) + " is left for guests (memory "
                    + size(host.totalFrames() * PAGE_BYTES) + " - reserved " + size(host.reservedFrames() * PAGE_BYTES) + ")";
            boolean reclaims = host.reclaim().enabled();
            long overhead = host.reclaim().overheadPages();
            long swap = host.reclaim().swapBytes() < 0 ? Long.MAX_VALUE : host.reclaim().swapBytes() / PAGE_BYTES;
            long taken = 0;
            long swapTaken = 0;
            for (Instance guest : instances) {
                GuestValues values = guest.draft().values();
                if (values == null || !host.name().equals(hostOf(guest))) {
                    continue;
                }
                long max = values.configuredPages();
                long min = values.allocation().minPages();
                long needs = Admission.memoryPages(reclaims, overhead, values.mode(), max, min);
                long swapNeeds = Admission.swapPages(reclaims, max, min);
                if (taken + needs > available) {
                    String what = !reclaims ? pagesAsSize(max)
                            : Admission.backedWhole(values.mode()) ? "para-virtual: memory " + pagesAsSize(max)
                            + " + overhead " + pagesAsSize(overhead) + ", backed whole and never host-paged"
                            : "min " + pagesAsSize(min) + " + overhead " + pagesAsSize(overhead);
                    guest.draft().entry().problemAbout("host", "guest " + guest.name() + " (" + what + ") does not fit on host "
                            + host.name() + ": " + left + " and the guests before it take " + pagesAsSize(taken)
                            + (reclaims ? "" : " (the host does not reclaim: every guest's whole memory counts;"
                            + " reclaim = on counts only min + overhead)"));
                    break;
                }
                if (reclaims && swapTaken + swapNeeds > swap) {
                    guest.draft().entry().problemAbout("host", "guest " + guest.name() + " (max " + pagesAsSize(max)
                            + " - min " + pagesAsSize(min) + ") does not fit in the swap of host " + host.name() + ": swap "
                            + pagesAsSize(swap) + ", of which the guests before it take " + pagesAsSize(swapTaken)
                            + "; raise hosts." + host.name() + ".swap (or set it to auto) or the guests' min");
                    break;
                }
                taken += needs;
                swapTaken += swapNeeds;
            }
        }
    }

    private static String pagesAsSize(long pages) {
        return pages == 0 ? "0" : size(pages * PAGE_BYTES);
    }
}
