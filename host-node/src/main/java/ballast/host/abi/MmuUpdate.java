package ballast.host.abi;

/**
 * One {@code mmu_update} hypercall of a para-virtual guest: a batch of page-table entry writes,
 * each (key = process and VPN, value = MPN or -1 to clear), like Xen's (ptr, val) pairs. The
 * hypervisor validates every entry before applying any: a guest may map only frames it owns.
 * The arrays must be the same length; a record holding arrays compares by identity.
 */
public record MmuUpdate(long[] keys, int[] mpns) {
    public static final int CLEAR = -1;

    public int entries() {
        return keys.length;
    }
}
