package ballast.abi;

import java.util.List;

/**
 * The kinds of guest kernel activity that virtualization treats differently from bare metal: the
 * indices of {@link KernelActivity#events()}, the keys of an OS profile's activity mix and of the
 * {@code eventCounts} figures. The same activity is counted the same way in every mode; only what
 * each event costs differs.
 */
public enum KernelEvent {
    /** A system call (a user-to-kernel transition and back). */
    SYSCALL("syscall", "syscalls"),
    /** A process switch: a page-table base (CR3) write, which flushes an untagged TLB. */
    CONTEXT_SWITCH("contextSwitch", "context-switches"),
    /** A page-table entry write. */
    PT_WRITE("ptWrite", "pt-writes"),
    /** A single-page TLB invalidation (INVLPG). */
    TLB_FLUSH("tlbFlush", "tlb-flushes"),
    /** An interrupt-masking instruction (CLI or STI). */
    INTERRUPT_MASK("interruptMask", "interrupt-masks"),
    /** An I/O port access (IN or OUT) or an equally trapping device register access. */
    IO_ACCESS("ioAccess", "io-accesses"),
    /** A page fault the guest kernel handles (copy-on-write, demand paging). */
    PAGE_FAULT("pageFault", "page-faults"),
    /** A run of a kernel code block holding sensitive but unprivileged instructions (POPF, SGDT, ...). */
    SENSITIVE_BLOCK("sensitiveBlock", "sensitive-executions");

    /** Every kind, in index order. */
    public static final List<KernelEvent> ALL = List.of(values());
    /** How many kinds there are: the length of {@link KernelActivity#events()}. */
    public static final int COUNT = ALL.size();

    private final String figureName;
    private final String configName;

    KernelEvent(String figureName, String configName) {
        this.figureName = figureName;
        this.configName = configName;
    }

    /** The name in {@code summary.json} and {@code timeseries.csv}: {@code syscall}, {@code ptWrite}, ... */
    public String figureName() {
        return figureName;
    }

    /** The key of an OS profile's rate per unit of guest work: {@code syscalls}, {@code pt-writes}, ... */
    public String configName() {
        return configName;
    }
}
