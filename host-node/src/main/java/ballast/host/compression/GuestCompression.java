package ballast.host.compression;

/**
 * One guest's compression figures ({@code summary.json}: {@code guests[].compression}).
 *
 * @param compressedPages pages of the guest in the compression cache now
 * @param compressedBytes their compressed bytes
 * @param compressions    victims of the guest that went into the cache (reclaim's compress step)
 * @param decompressions  compressed pages brought back because the guest touched them
 * @param writeBacks      compressed pages written back to swap to make room in the cache
 * @param tooLarge        victims that compressed above the threshold and went to swap
 */
public record GuestCompression(long compressedPages, long compressedBytes, long compressions, long decompressions,
                               long writeBacks, long tooLarge) {
    public static final GuestCompression ZERO = new GuestCompression(0, 0, 0, 0, 0, 0);

    /** The figures of {@code guest} in {@code cache} (zero without a cache). */
    public static GuestCompression of(CompressionCache cache, int guest) {
        if (cache == null) {
            return ZERO;
        }
        return new GuestCompression(cache.compressedPages(guest), cache.compressedBytes(guest),
                cache.compressions(guest), cache.decompressions(guest), cache.writeBacks(guest), cache.tooLarge(guest));
    }

    /** Counters of an earlier life of the guest added to this one's (the cache's contents are this life's). */
    public GuestCompression plusCounters(GuestCompression past) {
        return new GuestCompression(compressedPages, compressedBytes, compressions + past.compressions,
                decompressions + past.decompressions, writeBacks + past.writeBacks, tooLarge + past.tooLarge);
    }
}
