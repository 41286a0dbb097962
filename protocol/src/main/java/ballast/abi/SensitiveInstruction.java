package ballast.abi;

import java.util.List;
import java.util.Locale;

/**
 * x86 instructions that are sensitive but not privileged: run by a de-privileged guest kernel they
 * do not trap, they quietly do something else (Robin and Irvine, 2000, list about 17 such
 * instructions; these are the ones kernels commonly contain). An OS profile says in how many
 * distinct kernel code blocks each appears.
 */
public enum SensitiveInstruction {
    /** Pops the flags; outside ring 0 a change of the interrupt flag is silently ignored. */
    POPF,
    /** Pushes the flags: shows the real interrupt flag, not the guest's virtual one. */
    PUSHF,
    /** Stores the GDT register: shows the hypervisor's table, not the guest's. */
    SGDT,
    /** Stores the IDT register: shows the hypervisor's table. */
    SIDT,
    /** Stores the LDT selector. */
    SLDT,
    /** Stores the machine status word (low CR0 bits) without privilege. */
    SMSW,
    /** Stores the task register selector. */
    STR,
    /** Loads access rights: reveals descriptor privilege levels. */
    LAR,
    /** Loads a segment limit: reveals descriptor privilege levels. */
    LSL,
    /** Verifies a segment for reading: answers for the real privilege level. */
    VERR,
    /** Verifies a segment for writing. */
    VERW,
    /** Moves, pushes or pops a segment register: the selector shows the real privilege level (CPL). */
    MOV_SREG;

    public static final List<SensitiveInstruction> ALL = List.of(values());
    public static final int COUNT = ALL.size();

    /** The key in an OS profile's {@code sensitive-blocks}: {@code popf}, {@code mov-sreg}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
