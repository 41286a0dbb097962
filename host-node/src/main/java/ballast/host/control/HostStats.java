package ballast.host.control;

/**
 * A host's frame accounting and page-sharing figures at one instant. Field names are the names
 * used in {@code summary.json} ({@code hosts[]}) and {@code sweep.csv}; the sharing figures have
 * Linux KSM's meanings.
 *
 * @param framesTotal      machine frames of the host
 * @param framesFree       frames on the free list
 * @param framesMapped     frames backing guest pages (private plus shared)
 * @param framesReserved   the hypervisor's own frames
 * @param framesShared     shared (copy-on-write) frames; the same as {@code pagesShared}
 * @param guestPages       guest-physical pages the host's guests are configured with
 * @param guestPagesBacked guest pages backed by a frame (private or shared)
 * @param pagesShared      shared frames in use
 * @param pagesSharing     guest pages mapped to a shared frame beyond the first: frames saved
 * @param pagesUnshared    pages the daemon holds as hints (unique so far)
 * @param pagesVolatile    pages the daemon found changed since their previous scan
 * @param fullScans        passes of the daemon over every guest's memory
 * @param pagesScanned     pages the daemon has scanned
 * @param zeroPagesShared  guest pages mapped to the one shared zero frame
 * @param staleHints       proposed pages whose mapping or content had changed by merge time
 * @param falseMatches     proposed pages whose hash matched but whose content did not
 * @param mergeCount       guest pages merged into a shared frame (each freed a frame)
 * @param reclaim          free-memory state, balloon and swap figures ({@link HostReclaim})
 * @param time             cores and devices (the time model)
 * @param offload          proactive cold-page offload figures ({@link HostOffload})
 * @param pagesReported    pages in its guests' accepted free page reports (guests on it now)
 * @param compression      the compression tier's figures and the reclaim order's use of each step
 * @param largePages       large pages of its resident guests and merges refused for standing large pages
 * @param hotplug          its resident guests' memory hotplug figures, summed ({@link HotplugStats})
 */
public record HostStats(long framesTotal, long framesFree, long framesMapped, long framesReserved,
                        long framesShared, long guestPages, long guestPagesBacked, long pagesShared,
                        long pagesSharing, long pagesUnshared, long pagesVolatile, long fullScans,
                        long pagesScanned, long zeroPagesShared, long staleHints, long falseMatches,
                        long mergeCount, HostReclaim reclaim, HostTimeStats time, HostOffload offload,
                        long pagesReported, ballast.host.compression.HostCompression compression,
                        LargePageStats largePages, HotplugStats hotplug) {

    /** A host's figures without offload figures, free page reporting, a compression tier or large pages. */
    public HostStats(long framesTotal, long framesFree, long framesMapped, long framesReserved,
                     long framesShared, long guestPages, long guestPagesBacked, long pagesShared,
                     long pagesSharing, long pagesUnshared, long pagesVolatile, long fullScans,
                     long pagesScanned, long zeroPagesShared, long staleHints, long falseMatches,
                     long mergeCount, HostReclaim reclaim, HostTimeStats time) {
        this(framesTotal, framesFree, framesMapped, framesReserved, framesShared, guestPages, guestPagesBacked,
                pagesShared, pagesSharing, pagesUnshared, pagesVolatile, fullScans, pagesScanned, zeroPagesShared,
                staleHints, falseMatches, mergeCount, reclaim, time, HostOffload.NONE, 0, null, null, null);
    }

    public HostStats {
        if (largePages == null) {
            largePages = LargePageStats.ZERO;
        }
        if (hotplug == null) {
            hotplug = HotplugStats.ZERO;
        }
        if (reclaim == null) {
            reclaim = HostReclaim.NONE;
        }
        if (time == null) {
            time = HostTimeStats.NONE;
        }
        if (offload == null) {
            offload = HostOffload.NONE;
        }
        if (compression == null) {
            compression = ballast.host.compression.HostCompression.NONE;
        }
    }

    /** A host's figures without its time model's. */
    public HostStats(long framesTotal, long framesFree, long framesMapped, long framesReserved,
                     long framesShared, long guestPages, long guestPagesBacked, long pagesShared,
                     long pagesSharing, long pagesUnshared, long pagesVolatile, long fullScans,
                     long pagesScanned, long zeroPagesShared, long staleHints, long falseMatches,
                     long mergeCount, HostReclaim reclaim) {
        this(framesTotal, framesFree, framesMapped, framesReserved, framesShared, guestPages, guestPagesBacked,
                pagesShared, pagesSharing, pagesUnshared, pagesVolatile, fullScans, pagesScanned, zeroPagesShared,
                staleHints, falseMatches, mergeCount, reclaim, HostTimeStats.NONE);
    }

    /** A host without reclamation. */
    public HostStats(long framesTotal, long framesFree, long framesMapped, long framesReserved,
                     long framesShared, long guestPages, long guestPagesBacked, long pagesShared,
                     long pagesSharing, long pagesUnshared, long pagesVolatile, long fullScans,
                     long pagesScanned, long zeroPagesShared, long staleHints, long falseMatches,
                     long mergeCount) {
        this(framesTotal, framesFree, framesMapped, framesReserved, framesShared, guestPages, guestPagesBacked,
                pagesShared, pagesSharing, pagesUnshared, pagesVolatile, fullScans, pagesScanned, zeroPagesShared,
                staleHints, falseMatches, mergeCount, HostReclaim.NONE);
    }

    /** Frame accounting alone, for a host without page sharing. */
    public HostStats(long framesTotal, long framesFree, long framesMapped, long framesReserved, long framesShared) {
        this(framesTotal, framesFree, framesMapped, framesReserved, framesShared, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
