package ballast.guest;

import ballast.abi.KernelEvent;
import ballast.abi.SensitiveInstruction;
import com.typesafe.config.Config;
import java.util.Arrays;

/**
 * What a guest operating system's kernel does per unit of guest work, and which sensitive
 * instructions its code holds: the part of the OS that CPU virtualization sees. Defaults live in
 * {@code ballast.os-profiles} ({@code linux}, {@code windows-xp}); a scenario may change or add
 * profiles and a guest may override parts of its own.
 *
 * <p>One unit of guest work is {@link #ACCESSES_PER_UNIT} memory accesses of the guest's workload
 * and the computation around them.
 *
 * @param workCycles        native cycles of one unit apart from its kernel events (user and kernel code
 *                          that runs unmodified, at the same speed, in every mode)
 * @param ratesPerUnit      events per unit, indexed by {@link KernelEvent} ordinal
 * @param sensitiveBlocks   distinct kernel code blocks holding each {@link SensitiveInstruction}, by ordinal
 * @param blockSkew         how unevenly runs spread over the blocks: a run picks block
 *                          {@code floor(n * u^skew)} for a uniform {@code u}; 1 is uniform
 * @param paravirtPortLines lines changed to port the OS to Xen's para-virtual interface (0 when unknown);
 *                          documentation only
 */
public record OsProfile(long workCycles, double[] ratesPerUnit, int[] sensitiveBlocks, double blockSkew,
                        int paravirtPortLines) {

    /** Memory accesses of the workload in one unit of guest work. */
    public static final int ACCESSES_PER_UNIT = 1000;

    /** A kernel that does nothing the hypervisor would notice. */
    public static final OsProfile NONE = new OsProfile(0, new double[KernelEvent.COUNT],
            new int[SensitiveInstruction.COUNT], 1.0, 0);

    public OsProfile {
        if (ratesPerUnit.length != KernelEvent.COUNT || sensitiveBlocks.length != SensitiveInstruction.COUNT) {
            throw new IllegalArgumentException("an OS profile needs a rate per kernel event and a block count per instruction");
        }
        ratesPerUnit = ratesPerUnit.clone();
        sensitiveBlocks = sensitiveBlocks.clone();
    }

    /** Reads a complete profile (every key present, as after falling back to {@code ballast.os-profile}). */
    public static OsProfile fromConfig(Config c) {
        double[] rates = new double[KernelEvent.COUNT];
        for (KernelEvent e : KernelEvent.ALL) {
            rates[e.ordinal()] = c.getDouble(e.configName());
        }
        int[] blocks = new int[SensitiveInstruction.COUNT];
        Config b = c.getConfig("sensitive-blocks");
        for (SensitiveInstruction i : SensitiveInstruction.ALL) {
            blocks[i.ordinal()] = b.getInt(i.configName());
        }
        return new OsProfile(c.getLong("work-cycles"), rates, blocks, c.getDouble("block-skew"),
                c.getInt("paravirt-port-lines"));
    }

    public double rate(KernelEvent kind) {
        return ratesPerUnit[kind.ordinal()];
    }

    public int blocks(SensitiveInstruction kind) {
        return sensitiveBlocks[kind.ordinal()];
    }

    /** Distinct sensitive blocks in all: block ids are 0 .. totalBlocks - 1, grouped by instruction. */
    public int totalBlocks() {
        int n = 0;
        for (int b : sensitiveBlocks) {
            n += b;
        }
        return n;
    }

    /** Whether the kernel does anything per unit of work. */
    public boolean isActive() {
        if (workCycles > 0) {
            return true;
        }
        for (double r : ratesPerUnit) {
            if (r > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OsProfile p && workCycles == p.workCycles && Arrays.equals(ratesPerUnit, p.ratesPerUnit)
                && Arrays.equals(sensitiveBlocks, p.sensitiveBlocks) && Double.compare(blockSkew, p.blockSkew) == 0
                && paravirtPortLines == p.paravirtPortLines;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(workCycles) + Arrays.hashCode(ratesPerUnit)) + Arrays.hashCode(sensitiveBlocks);
    }

    @Override
    public String toString() {
        return "OsProfile[workCycles=" + workCycles + ", ratesPerUnit=" + Arrays.toString(ratesPerUnit)
                + ", sensitiveBlocks=" + Arrays.toString(sensitiveBlocks) + ", blockSkew=" + blockSkew
                + ", paravirtPortLines=" + paravirtPortLines + "]";
    }
}
