package ballast.host.compression;

/**
 * A host's compression figures ({@code summary.json}: {@code hosts[].compression}), with the
 * reclaim order's use of each step.
 *
 * @param flavour               {@code esx}, {@code zswap}, or {@code off}
 * @param compressedPages       pages in the compression cache now, all guests
 * @param compressedBytes       their compressed bytes
 * @param compressionCacheBytes bytes of the frames the cache holds (its compressed bytes in whole pages)
 * @param compressionRatio      uncompressed over compressed bytes of the pages in the cache (0 when empty)
 * @param compressions          victims that went into the cache
 * @param decompressions        compressed pages brought back on a touch
 * @param writeBacks            compressed pages written back to swap to make room
 * @param tooLarge              victims that compressed above the threshold (went to swap)
 * @param sharedBeforeSwap      reclaim's share step: victims that joined a shared frame
 * @param balloonedPages        reclaim's balloon step: pages in the guests' balloons now
 * @param compressedVictims     reclaim's compress step: the same as {@code compressions}
 * @param swappedVictims        reclaim's swap step: victims swapped out (never compressed) plus write-backs
 */
public record HostCompression(String flavour, long compressedPages, long compressedBytes, long compressionCacheBytes,
                              double compressionRatio, long compressions, long decompressions, long writeBacks,
                              long tooLarge, long sharedBeforeSwap, long balloonedPages, long compressedVictims,
                              long swappedVictims) {
    public static final HostCompression NONE = new HostCompression("off", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The ratio of {@code pages} full pages to {@code bytes} compressed bytes (0 when none). */
    public static double ratio(long pages, long bytes) {
        return bytes == 0 ? 0.0 : (double) pages * CompressionSettings.PAGE_BYTES / bytes;
    }
}
