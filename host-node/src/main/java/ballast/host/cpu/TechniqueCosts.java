package ballast.host.cpu;

import ballast.abi.KernelEvent;

/**
 * The cost model of one virtualization {@link Technique}: for each {@link KernelEvent}, what it costs
 * on bare metal, what the technique adds, and how the hypervisor gets involved (a trap, a VM exit,
 * a hypercall, an entry of a batched hypercall, or not at all). Built once per guest from the
 * {@link CostTable}; an overhead is never below zero.
 *
 * <pre>
 * event           native  binary translation /     paravirtual (Xen)          hardware, nested   hardware, shadow
 *                         trap-and-emulate                                    paging (EPT/NPT)   paging
 * syscall         242     trap: 2308 - 242         fast trap: 0               246 - 242          246 - 242
 * contextSwitch   200*    trap: 2308               hypercall (NEW_BASEPTR)    0                  exit: 937
 * ptWrite         1       trap: 391 - 1            batched mmu_update entry   0                  exit: 12733 - 1
 * tlbFlush        100*    trap: 2308               batched MMUEXT entry       0                  exit: 937
 * interruptMask   10*     trap: 2308               shared-memory flag: 0      0                  0
 * ioAccess        1000*   trap: 2308               one event-channel          exit: 937          exit: 937
 *                                                   notify per tick
 * pageFault       1093    trap: 3927 - 1093        bounced through Xen: 500*  0                  exit: 11242 - 1093
 * sensitiveBlock  0       translate once: 20000*,  0 (ported code)            0                  0
 *                         then 30* per run; or a
 *                         silent failure
 * hidden fault    -       3927                     -                          EPT violation: 937 exit: 11242
 * TLB miss        40      0                        0                          (24 - 4) * 10      0
 * </pre>
 * (Defaults of {@code reference.conf}; * marks assumptions, the rest is Adams and Agesen.)
 */
public final class TechniqueCosts {

    /** How the hypervisor learns of an event. */
    public enum Involvement {
        /** It does not: the event runs as on bare metal (perhaps slower, as a longer walk). */
        NONE,
        /** The event traps into the hypervisor, which emulates it (counted in {@code traps}). */
        TRAP,
        /** The event causes a VM exit (counted in {@code vmExits}). */
        EXIT,
        /** The guest makes one hypercall per event (counted in {@code hypercalls}). */
        HYPERCALL,
        /** The event is an entry of the tick's one batched page-table hypercall. */
        BATCHED,
        /** The events of a tick share one notification hypercall (an event-channel send). */
        NOTIFY
    }

    private final Technique technique;
    private final long[] nativeCost = new long[KernelEvent.COUNT];
    private final long[] overhead = new long[KernelEvent.COUNT];
    private final Involvement[] involvement = new Involvement[KernelEvent.COUNT];
    private final long hypercall;
    private final long hiddenFault;
    private final Involvement hiddenFaultInvolvement;
    private final long nativeWalk;
    private final long walkOverhead;
    private final long translation;
    private final long translatedExecution;

    public TechniqueCosts(CostTable c, Technique technique) {
        this.technique = technique;
        set(KernelEvent.SYSCALL, c.nativeSyscall());
        set(KernelEvent.CONTEXT_SWITCH, c.nativeContextSwitch());
        set(KernelEvent.PT_WRITE, c.nativePtWrite());
        set(KernelEvent.TLB_FLUSH, c.nativeTlbFlush());
        set(KernelEvent.INTERRUPT_MASK, c.nativeInterruptMask());
        set(KernelEvent.IO_ACCESS, c.nativeIoAccess());
        set(KernelEvent.PAGE_FAULT, c.nativePageFault());
        set(KernelEvent.SENSITIVE_BLOCK, 0);
        this.hypercall = c.hypercall();
        this.nativeWalk = c.nativeWalk();
        this.translation = c.translation();
        this.translatedExecution = c.translatedExecution();
        long walk = 0;
        long hidden = 0;
        Involvement hiddenBy = Involvement.NONE;
        switch (technique) {
            case BINARY_TRANSLATION:
            case TRAP_AND_EMULATE:
                add(KernelEvent.SYSCALL, Involvement.TRAP, c.syscallTrap() - c.nativeSyscall());
                add(KernelEvent.CONTEXT_SWITCH, Involvement.TRAP, c.privilegedTrap());
                add(KernelEvent.PT_WRITE, Involvement.TRAP, c.ptWriteOverhead());
                add(KernelEvent.TLB_FLUSH, Involvement.TRAP, c.privilegedTrap());
                add(KernelEvent.INTERRUPT_MASK, Involvement.TRAP, c.privilegedTrap());
                add(KernelEvent.IO_ACCESS, Involvement.TRAP, c.privilegedTrap());
                add(KernelEvent.PAGE_FAULT, Involvement.TRAP, c.pageFaultTrap() - c.nativePageFault());
                hidden = c.hiddenFault();
                break;
            case PARAVIRTUAL:
                add(KernelEvent.CONTEXT_SWITCH, Involvement.HYPERCALL, c.hypercall());
                add(KernelEvent.PT_WRITE, Involvement.BATCHED, c.mmuUpdateEntry());
                add(KernelEvent.TLB_FLUSH, Involvement.BATCHED, c.mmuUpdateEntry());
                add(KernelEvent.IO_ACCESS, Involvement.NOTIFY, 0);
                add(KernelEvent.PAGE_FAULT, Involvement.TRAP, c.faultBounce());
                break;
            case HARDWARE_NESTED_PAGING:
                add(KernelEvent.SYSCALL, Involvement.NONE, c.vtSyscall() - c.nativeSyscall());
                add(KernelEvent.IO_ACCESS, Involvement.EXIT, c.vmExit());
                walk = c.nestedWalkOverhead();
                hidden = c.vmExit();
                hiddenBy = Involvement.EXIT;
                break;
            case HARDWARE_SHADOW_PAGING:
                add(KernelEvent.SYSCALL, Involvement.NONE, c.vtSyscall() - c.nativeSyscall());
                add(KernelEvent.CONTEXT_SWITCH, Involvement.EXIT, c.vmExit());
                add(KernelEvent.PT_WRITE, Involvement.EXIT, c.vtPtWrite() - c.nativePtWrite());
                add(KernelEvent.TLB_FLUSH, Involvement.EXIT, c.vmExit());
                add(KernelEvent.IO_ACCESS, Involvement.EXIT, c.vmExit());
                add(KernelEvent.PAGE_FAULT, Involvement.EXIT, c.vtPageFault() - c.nativePageFault());
                hidden = c.vtPageFault();
                hiddenBy = Involvement.EXIT;
                break;
            default:
                throw new IllegalArgumentException("unknown technique " + technique);
        }
        this.walkOverhead = walk;
        this.hiddenFault = hidden;
        this.hiddenFaultInvolvement = hiddenBy;
    }

    private void set(KernelEvent kind, long cycles) {
        nativeCost[kind.ordinal()] = cycles;
        involvement[kind.ordinal()] = Involvement.NONE;
    }

    private void add(KernelEvent kind, Involvement how, long cycles) {
        involvement[kind.ordinal()] = how;
        overhead[kind.ordinal()] = Math.max(0, cycles);
    }

    public Technique technique() {
        return technique;
    }

    /** Cycles of one {@code kind} event on bare metal. */
    public long nativeCost(KernelEvent kind) {
        return nativeCost[kind.ordinal()];
    }

    /** Cycles one {@code kind} event adds under this technique (for batched events, per entry). */
    public long overhead(KernelEvent kind) {
        return overhead[kind.ordinal()];
    }

    public Involvement involvement(KernelEvent kind) {
        return involvement[kind.ordinal()];
    }

    /** One hypercall: the cost of a batch or of a notification on top of its entries. */
    public long hypercall() {
        return hypercall;
    }

    /** A shadow miss filled by the hypervisor (shadow paging) or an EPT violation (nested paging). */
    public long hiddenFault() {
        return hiddenFault;
    }

    public Involvement hiddenFaultInvolvement() {
        return hiddenFaultInvolvement;
    }

    /** Cycles of a TLB miss on bare metal (a native walk). */
    public long nativeWalk() {
        return nativeWalk;
    }

    /** What a TLB miss adds: the longer two-dimensional walk of nested paging, else nothing. */
    public long walkOverhead() {
        return walkOverhead;
    }

    public long translation() {
        return translation;
    }

    public long translatedExecution() {
        return translatedExecution;
    }
}
