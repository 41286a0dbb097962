package ballast.host.cpu;

import com.typesafe.config.Config;

/**
 * Cycle costs of guest events natively and under each virtualization technique. Defaults (in
 * {@code reference.conf}, {@code ballast.costs}) come from Adams and Agesen, ASPLOS 2006, where a
 * figure exists; the others are marked as assumptions there. {@link TechniqueCosts} turns the
 * table into what each event adds over bare metal for one technique.
 *
 * @param ptWriteTrap          a trapped and emulated guest page-table write (full virtualization)
 * @param nativePtWrite        the same write run natively (subtracted: overhead is the difference)
 * @param hiddenFault          a shadow-table miss filled by the hypervisor without the guest seeing it
 * @param privilegedTrap       a trapped privileged instruction (a page-table base write, CLI, INVLPG, IN/OUT)
 * @param vmExit               a VM exit and re-entry (hardware-assisted guests)
 * @param hypercall            one guest-to-hypervisor call (para-virtual guests)
 * @param mmuUpdateEntry       validating and applying one {@code mmu_update} entry
 * @param memoryReference      one memory reference of a page walk
 * @param nativeWalkReferences references of a native 4-level walk
 * @param nestedWalkReferences references of a two-dimensional (nested) walk
 * @param nativeSyscall        a system call on bare metal
 * @param syscallTrap          a system call of a fully virtualized guest (through the hypervisor)
 * @param vtSyscall            a system call of a hardware-assisted guest (no exit)
 * @param nativePageFault      a page fault handled by the kernel on bare metal
 * @param pageFaultTrap        the same fault of a fully virtualized guest (taken by the hypervisor, reflected)
 * @param vtPageFault          a page fault of a hardware-assisted guest with shadow paging (an exit);
 *                             also the cost of its hidden faults
 * @param vtPtWrite            a page-table write of a hardware-assisted guest with shadow paging (an exit)
 * @param nativeContextSwitch  a page-table base (CR3) write on bare metal
 * @param nativeTlbFlush       a single-page TLB invalidation (INVLPG) on bare metal
 * @param nativeInterruptMask  a CLI or STI on bare metal
 * @param nativeIoAccess       an I/O port access on bare metal
 * @param faultBounce          what delivering a page fault through the hypervisor adds (para-virtual guests)
 * @param translation          translating one sensitive code block (full virtualization)
 * @param translatedExecution  what running a block from the translation cache adds over native
 */
public record CostTable(long ptWriteTrap, long nativePtWrite, long hiddenFault, long privilegedTrap,
                        long vmExit, long hypercall, long mmuUpdateEntry, long memoryReference,
                        int nativeWalkReferences, int nestedWalkReferences,
                        long nativeSyscall, long syscallTrap, long vtSyscall,
                        long nativePageFault, long pageFaultTrap, long vtPageFault, long vtPtWrite,
                        long nativeContextSwitch, long nativeTlbFlush, long nativeInterruptMask,
                        long nativeIoAccess, long faultBounce, long translation, long translatedExecution) {

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
                c.getInt("nested-walk-references"),
                c.getLong("native-syscall"),
                c.getLong("syscall-trap"),
                c.getLong("vt-syscall"),
                c.getLong("native-page-fault"),
                c.getLong("page-fault-trap"),
                c.getLong("vt-page-fault"),
                c.getLong("vt-pt-write"),
                c.getLong("native-context-switch"),
                c.getLong("native-tlb-flush"),
                c.getLong("native-interrupt-mask"),
                c.getLong("native-io-access"),
                c.getLong("fault-bounce"),
                c.getLong("translation"),
                c.getLong("translated-execution"));
    }

    /** Overhead of one trapped page-table write over the native write. */
    public long ptWriteOverhead() {
        return Math.max(0, ptWriteTrap - nativePtWrite);
    }

    /** Cycles of a native TLB miss: a 4-level walk. */
    public long nativeWalk() {
        return (long) nativeWalkReferences * memoryReference;
    }

    /** Extra cycles of a nested TLB miss over a native one. */
    public long nestedWalkOverhead() {
        return Math.max(0, (long) (nestedWalkReferences - nativeWalkReferences) * memoryReference);
    }
}
