package ballast.host.sharing;

/**
 * The daemon's own figures, with KSM's meanings.
 *
 * @param pagesScanned  pages scanned so far
 * @param pagesUnshared pages indexed as hints (unique so far, checked again on later scans)
 * @param pagesVolatile pages whose content changed between two scans (skipped until stable)
 * @param fullScans     completed passes over every guest's memory (the slowest guest's passes)
 */
public record SharingCounters(long pagesScanned, long pagesUnshared, long pagesVolatile, long fullScans) {
    public static final SharingCounters ZERO = new SharingCounters(0, 0, 0, 0);
}
