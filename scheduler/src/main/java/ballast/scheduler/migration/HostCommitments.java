package ballast.scheduler.migration;

import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Admission control while guests move: what each host has promised its guests, by the one rule
 * the scenario is loaded with ({@link Admission}: min + overhead in memory and max - min in swap
 * on a reclaiming host, a para-virtual guest's whole memory + overhead; the whole memory on a
 * host that does not reclaim). A guest may go to a host only when the promise fits: memory -
 * reserved, and the swap.
 * A guest on its way to a host counts there from the start of its migration, and on the host it
 * leaves until it has left.
 *
 * <p>Plain and single-threaded (the run manager's).
 */
public final class HostCommitments {
    private final Map<String, HostSettings> hosts = new LinkedHashMap<>();
    private final Map<String, Long> memory = new HashMap<>();
    private final Map<String, Long> swap = new HashMap<>();
    private final java.util.Set<String> autoSwap;

    /** @param autoSwap hosts whose swap is {@code auto}: it grows with the guests that arrive (see {@link #swapToAdd}) */
    public HostCommitments(Iterable<HostSettings> hosts, java.util.Set<String> autoSwap) {
        this.autoSwap = java.util.Set.copyOf(autoSwap);
        for (HostSettings h : hosts) {
            this.hosts.put(h.name(), h);
            memory.put(h.name(), 0L);
            swap.put(h.name(), 0L);
            for (GuestSpec g : h.guests()) {
                add(h.name(), g);
            }
        }
    }

    /** The memory (pages) {@code host} promises {@code guest} ({@link Admission#memoryPages}). */
    long memoryFor(String host, GuestSpec guest) {
        HostSettings h = hosts.get(host);
        return Admission.memoryPages(h.reclaim().enabled(), h.reclaim().overheadPages(), guest.mode(),
                guest.configuredPages(), guest.allocation().minPages());
    }

    /** The swap (pages) {@code host} promises {@code guest} ({@link Admission#swapPages}). */
    long swapFor(String host, GuestSpec guest) {
        HostSettings h = hosts.get(host);
        return Admission.swapPages(h.reclaim().enabled(), guest.configuredPages(), guest.allocation().minPages());
    }

    /** Memory pages {@code host} has left for guests: memory - reserved - what it promised. */
    public long memoryLeft(String host) {
        HostSettings h = hosts.get(host);
        return (long) h.totalFrames() - h.reservedFrames() - memory.get(host);
    }

    /** Why {@code guest} cannot be promised to {@code host} now, or null when it can. */
    public String refusal(String host, GuestSpec guest) {
        HostSettings h = hosts.get(host);
        if (h == null) {
            return "no host " + host;
        }
        long needs = memoryFor(host, guest);
        if (needs > memoryLeft(host)) {
            return guest.name() + " (" + (h.reclaim().enabled() ? Admission.backedWhole(guest.mode())
                    ? "para-virtual: memory + overhead " : "min + overhead " : "") + needs + " pages) does not fit on "
                    + host + " (" + memoryLeft(host) + " pages left for guests"
                    + (h.reclaim().enabled() ? ")" : "; the host does not reclaim, so a guest's whole memory counts)");
        }
        long swapNeeds = swapFor(host, guest);
        if (swapNeeds > 0 && !autoSwap.contains(host) && swap.get(host) + swapNeeds > h.reclaim().swapPages()) {
            return guest.name() + " (max - min " + swapNeeds + " pages) does not fit in the swap of " + host + " ("
                    + (h.reclaim().swapPages() - swap.get(host)) + " pages left)";
        }
        return null;
    }

    /**
     * Swap pages {@code host} adds for {@code guest} when it arrives: its max - min on a host whose
     * swap is {@code auto} (ESX makes a swap file for a VM that arrives), else none.
     */
    public long swapToAdd(String host, GuestSpec guest) {
        return autoSwap.contains(host) ? swapFor(host, guest) : 0;
    }

    /** Promises {@code guest} to {@code host}. */
    public void add(String host, GuestSpec guest) {
        memory.merge(host, memoryFor(host, guest), Long::sum);
        swap.merge(host, swapFor(host, guest), Long::sum);
    }

    /** {@code guest} left {@code host}. */
    public void remove(String host, GuestSpec guest) {
        memory.merge(host, -memoryFor(host, guest), Long::sum);
        swap.merge(host, -swapFor(host, guest), Long::sum);
    }

    /** {@code host} is gone (its node was lost): nothing more may be promised to it. */
    public void close(String host) {
        memory.put(host, Long.MAX_VALUE / 4);
    }
}
