package ballast.app.cli;

import ballast.guest.GuestSettings;
import ballast.host.HostSettings;
import ballast.scheduler.scenario.Scenario;

/**
 * Whether a scenario can fit in this JVM's heap at all, checked before a one-JVM run starts: a
 * host's frame table takes 16 bytes a frame, a guest at least 16 bytes a page (the host's page map
 * and the guest's own record) and 16 bytes a TLB entry. A scenario that needs more than the heap
 * allows would otherwise end in an OutOfMemoryError in the middle of starting its actors.
 */
final class HeapCheck {
    static final long BYTES_PER_FRAME = 16;
    static final long BYTES_PER_GUEST_PAGE = 16;
    static final long BYTES_PER_TLB_ENTRY = 16;

    private HeapCheck() {
    }

    /** The least heap the scenario's hosts and guests take, in bytes. */
    static long leastBytes(Scenario scenario) {
        long bytes = 0;
        for (HostSettings h : scenario.hosts()) {
            bytes += h.totalFrames() * BYTES_PER_FRAME;
            bytes += (long) h.guests().size() * h.tlbEntries() * BYTES_PER_TLB_ENTRY;
        }
        for (GuestSettings g : scenario.guests()) {
            bytes += g.configuredPages() * BYTES_PER_GUEST_PAGE;
        }
        return bytes;
    }

    /** Why the scenario cannot run in a heap of {@code maxHeap} bytes, or null when it may. */
    static String problem(Scenario scenario, long maxHeap) {
        long least = leastBytes(scenario);
        if (least <= maxHeap) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "the scenario's hosts and guests need at least %.1f GiB of heap"
                        + " (16 bytes per host frame, guest page and TLB entry); this JVM may use %.1f GiB: run smaller"
                        + " hosts or guests, or give it more (BALLAST_JAVA_OPTS=\"-Xmx...\")",
                least / (double) (1L << 30), maxHeap / (double) (1L << 30));
    }
}
