package ballast.abi;

/**
 * The guest's full record of what it wrote: for every page it has touched, the key (process and
 * VPN) and the token it expects to read there. The hypervisor reads each page through its own
 * tables and counts the differences.
 */
public record Audit(long[] keys, long[] tokens) {
}
