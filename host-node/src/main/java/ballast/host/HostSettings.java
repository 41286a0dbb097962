package ballast.host;

import ballast.host.time.TimeSettings;
import ballast.host.compression.CompressionSettings;

import ballast.host.cpu.CostTable;
import ballast.host.memory.LargePageSettings;
import ballast.host.sharing.SharingSettings;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.offload.OffloadSettings;
import java.util.List;

/**
 * Everything a hypervisor needs, built once from the scenario and passed to {@link Hypervisor}.
 *
 * @param name                the host's name
 * @param seed                seeds the host's random choices (the order frames are handed out, the
 *                            page-sharing daemon's scan order)
 * @param totalFrames         machine frames of the host
 * @param reservedFrames      frames the hypervisor keeps for itself
 * @param tlbEntries          TLB entries per guest (a power of two)
 * @param maxBatchOps         longest operation stream accepted in one tick
 * @param maxMmuUpdateEntries longest {@code mmu_update} batch accepted in one hypercall
 * @param costs               the cycle cost table
 * @param guests              the guests this host runs, in canonical order (index = position)
 * @param sharing             content-based page sharing (the page-sharing daemon)
 * @param reclaim             reclamation and allocation (policy, free-memory states, swap)
 * @param time                the host's cores and devices (the time model)
 * @param offload             proactive cold-page offload (off by default)
 * @param compression         the compression tier between ballooning and swapping (off by default)
 * @param largePages          how large pages are broken and shared, and what they do to the TLB and
 *                            walks (which guests have them: {@link GuestSpec#largePages()})
 */
public record HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                           int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests,
                           SharingSettings sharing, ReclaimSettings reclaim, TimeSettings time,
                           OffloadSettings offload,
                           CompressionSettings compression,
                           LargePageSettings largePages) {

    /** A host without proactive offload or a compression tier, with the default large-page settings. */
    public HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                        int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests,
                        SharingSettings sharing, ReclaimSettings reclaim, TimeSettings time) {
        this(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries, costs, guests,
                sharing, reclaim, time, null, null, null);
    }

    /** A host with proactive offload settings and no compression tier. */
    public HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                        int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests,
                        SharingSettings sharing, ReclaimSettings reclaim, TimeSettings time, OffloadSettings offload) {
        this(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries, costs, guests,
                sharing, reclaim, time, offload, null, null);
    }

    /** A host with a compression tier and without proactive offload. */
    public HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                        int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests,
                        SharingSettings sharing, ReclaimSettings reclaim, TimeSettings time,
                        CompressionSettings compression) {
        this(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries, costs, guests,
                sharing, reclaim, time, null, compression, null);
    }

    /** A host with large-page settings, without proactive offload or a compression tier. */
    public HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                        int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests,
                        SharingSettings sharing, ReclaimSettings reclaim, TimeSettings time,
                        LargePageSettings largePages) {
        this(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries, costs, guests,
                sharing, reclaim, time, null, null, largePages);
    }

    /** A host with the default time model ({@link TimeSettings#DEFAULT}). */
    public HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                        int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests,
                        SharingSettings sharing, ReclaimSettings reclaim) {
        this(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries, costs, guests,
                sharing, reclaim, null);
    }

    /** A host without reclamation. */
    public HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                        int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests,
                        SharingSettings sharing) {
        this(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries, costs, guests,
                sharing, ReclaimSettings.DISABLED);
    }

    /** A host without page sharing. */
    public HostSettings(String name, long seed, int totalFrames, int reservedFrames, int tlbEntries,
                        int maxBatchOps, int maxMmuUpdateEntries, CostTable costs, List<GuestSpec> guests) {
        this(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries, costs, guests,
                SharingSettings.DISABLED);
    }

    public HostSettings {
        if (sharing == null) {
            sharing = SharingSettings.DISABLED;
        }
        if (reclaim == null) {
            reclaim = ReclaimSettings.DISABLED;
        }
        if (time == null) {
            time = TimeSettings.DEFAULT;
        }
        if (offload == null) {
            offload = OffloadSettings.DISABLED;
        }
        if (compression == null) {
            compression = CompressionSettings.DISABLED;
        }
        if (largePages == null) {
            largePages = LargePageSettings.DEFAULT;
        }
    }

    /** The same host with another guest list (live migration adds the guests that arrive). */
    public HostSettings withGuests(List<GuestSpec> guests) {
        return new HostSettings(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries,
                costs, guests, sharing, reclaim, time, offload, compression, largePages);
    }

    /** The same host with another compression tier. */
    public HostSettings withCompression(CompressionSettings c) {
        return new HostSettings(name, seed, totalFrames, reservedFrames, tlbEntries, maxBatchOps, maxMmuUpdateEntries,
                costs, guests, sharing, reclaim, time, offload, c, largePages);
    }
}
