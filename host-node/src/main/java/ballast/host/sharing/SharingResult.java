package ballast.host.sharing;

/**
 * What the hypervisor did with a daemon's {@link SharingWork}.
 *
 * @param scanStates    per scanned page, a {@link ScanState}
 * @param scanMpns      per scanned page, its MPN (-1 when unbacked or invalid)
 * @param scanHashes    per scanned page, the content hash of its frame (0 when unbacked or invalid)
 * @param mergeOutcomes per proposed page, a {@link MergeOutcome}
 * @param mergeShared   per proposal group, the shared frame its pages now map, or -1
 * @param freedMpns     shared frames whose last mapping went away since the last result (copy-on-write
 *                      breaks), so the daemon can drop them from its index
 * @param freedHashes   their content hashes
 */
public record SharingResult(long tick, byte[] scanStates, int[] scanMpns, long[] scanHashes, byte[] mergeOutcomes,
                            int[] mergeShared, int[] freedMpns, long[] freedHashes) implements ToDaemon {
}
