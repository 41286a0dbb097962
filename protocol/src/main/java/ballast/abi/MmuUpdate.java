package ballast.abi;

/**
 * One {@code mmu_update} hypercall of a para-virtual guest: a batch of page-table entry writes,
 * each (key = process and VPN, value = MPN or -1 to clear), like Xen's (ptr, val) pairs, with the
 * PPN the guest believes each MPN backs (like Xen's machine-to-physical updates). The hypervisor
 * validates every entry before applying any: an entry may map only a frame that backs that PPN of
 * this guest right now (its own private frame, or a shared copy-on-write frame the PPN was merged
 * into). Without {@code ppns} (null) the PPN is looked up from the frame, which only works for the
 * guest's private frames.
 *
 * <p>The arrays must be the same length; a record holding arrays compares by identity.
 */
public record MmuUpdate(long[] keys, int[] mpns, int[] ppns) {
    public static final int CLEAR = -1;

    /** An update whose PPNs the hypervisor looks up from the (private) frames. */
    public MmuUpdate(long[] keys, int[] mpns) {
        this(keys, mpns, null);
    }

    public int entries() {
        return keys.length;
    }
}
