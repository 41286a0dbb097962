package ballast.host.cpu;

import com.typesafe.config.Config;

/**
 * Cycle costs of the events that virtualization adds, charged per guest as {@code overheadCycles}.
 * Defaults (in {@code reference.conf}, {@code ballast.costs}) come from Adams and Agesen,
 * ASPLOS 2006, where a figure exists; the others are marked as assumptions there.
 *
 * @param ptWriteTrap          a trapped and emulated guest page-table write (full virtualization)
 * @param nativePtWrite        the same write run natively (subtracted: overhead is the difference)
 * @param hiddenFault          a shadow-table miss filled by the hypervisor without the guest seeing it
 * @param privilegedTrap       a trapped privileged instruction (a page-table base write)
 * @param vmExit               a VM exit and re-entry (hardware-assisted guests)
 * @param hypercall            one guest-to-hypervisor call (para-virtual guests)
 * @param mmuUpdateEntry       validating and applying one {@code mmu_update} entry
 * @param memoryReference      one memory reference of a page walk
 * @param nativeWalkReferences references of a native 4-level walk
 * @param nestedWalkReferences references of a two-dimensional (nested) walk
 */
public record CostTable(long ptWriteTrap, long nativePtWrite, long hiddenFault, long privilegedTrap,
                        long vmExit, long hypercall, long mmuUpdateEntry, long memoryReference,
                        int nativeWalkReferences, int nestedWalkReferences) {

    public static CostTable fromConfig(Config c) {
        return new CostTable(
                c.getLong("pt-write-trap"),
                c.getLong("native-pt-write"),
                c.getLong("hidden-fault"),
                c.getLong("privileged-trap"),
                c.getLong("vm-exit"),
                c.getLong("hypercall"),
                c.getLong("mmu-update-entry"),
                c.getLong("memory-reference"),
                c.getInt("native-walk-references"),
                c.getInt("nested-walk-references"));
    }

    /** Overhead of one trapped page-table write over the native write. */
    public long ptWriteOverhead() {
        return ptWriteTrap - nativePtWrite;
    }

    /** Extra cycles of a nested TLB miss over a native one. */
    public long nestedWalkOverhead() {
        return (long) (nestedWalkReferences - nativeWalkReferences) * memoryReference;
    }
}
