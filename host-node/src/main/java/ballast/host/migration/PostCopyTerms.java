package ballast.host.migration;

/**
 * How the pages of a post-copy migration cross after its switch (with the last {@link SendRound}).
 *
 * @param bytesPerSecond  the link's bandwidth for this migration (its share, when others use the link)
 * @param latencySeconds  the link's one-way latency: a network fault waits for it twice (request and page)
 * @param prepageWindow   pages fetched with a faulting page around it (Hines and Gopalan's pre-paging), at most
 */
public record PostCopyTerms(double bytesPerSecond, double latencySeconds, int prepageWindow) {

    /** What one network fault makes the vCPU wait: a request and the page back over the link. */
    public double faultSeconds() {
        return 2 * latencySeconds + ballast.abi.Ops.PAGE_BYTES / bytesPerSecond;
    }

    /** Pages the link carries in {@code tickSeconds}. */
    public long pagesPerTick(double tickSeconds) {
        return Math.max(1, (long) Math.floor(bytesPerSecond * tickSeconds / ballast.abi.Ops.PAGE_BYTES));
    }
}
