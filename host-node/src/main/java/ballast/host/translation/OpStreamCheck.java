package ballast.host.translation;

import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;

/**
 * Checks a guest's operation stream for one tick before any of it runs (the hypercall ABI's
 * {@link Ops} layout): the stream is applied whole or refused whole, with the first offence named.
 *
 * <p>One tight pass of mask tests (kind allowed for the guest's mode, unused bits clear, process in
 * range, a MAP's PPN in range, values counted) decides; only a stream found wrong is walked again
 * to name the first offence in stream order. Stateless; safe from any thread.
 */
public final class OpStreamCheck {
    /** Bits of an operation that must be clear: bits 46 to 59 (bit 63, a kind of 8 or more, fails the kind test). */
    private static final long UNUSED_OP_BITS = ~(Ops.KEY_MASK | (0xFL << Ops.KIND_SHIFT));
    /** Kinds (as bits) a guest may use: all five; a para-virtual guest no MAP or UNMAP. */
    private static final int ALL_KINDS = (1 << Ops.READ) | (1 << Ops.WRITE) | (1 << Ops.MAP) | (1 << Ops.UNMAP) | (1 << Ops.SWITCH);
    private static final int PARA_KINDS = ALL_KINDS & ~((1 << Ops.MAP) | (1 << Ops.UNMAP));
    /** Kinds (as bits) that take a value. */
    private static final int VALUE_KINDS = (1 << Ops.WRITE) | (1 << Ops.MAP);

    private OpStreamCheck() {
    }

    /**
     * Why the first {@code opCount} operations and {@code valueCount} values may not run for a
     * guest with {@code processes} processes and {@code pages} guest-physical pages (para-virtual
     * when {@code para}), or null when they may.
     */
    public static Refusal check(long[] ops, int opCount, long[] values, int valueCount, int maxBatchOps,
                                int processes, long pages, boolean para) {
        if (ops == null || values == null) {
            return new Refusal(RefusalReason.MALFORMED, -1, "missing operation or value stream");
        }
        if (opCount < 0 || opCount > ops.length || valueCount < 0 || valueCount > values.length) {
            return new Refusal(RefusalReason.MALFORMED, -1, opCount + " operations and " + valueCount
                    + " values counted in streams of " + ops.length + " and " + values.length);
        }
        if (opCount > maxBatchOps) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, -1,
                    opCount + " operations in one tick, at most " + maxBatchOps);
        }
        final int allowed = para ? PARA_KINDS : ALL_KINDS;
        int v = 0;
        boolean bad = false;
        for (int i = 0; i < opCount; i++) {
            long op = ops[i];
            int kind = (int) (op >>> Ops.KIND_SHIFT);
            bad |= (op & UNUSED_OP_BITS) != 0 | ((allowed >>> kind) & 1) == 0
                    | (int) ((op & Ops.KEY_MASK) >>> Ops.PROCESS_SHIFT) >= processes;
            if (kind == Ops.MAP) {
                if (v >= valueCount) {
                    bad = true;
                    break;
                }
                long ppn = values[v];
                bad |= ppn < 0 | ppn >= pages;
            }
            v += (VALUE_KINDS >>> kind) & 1;
            if (bad) {
                break;
            }
        }
        if (!bad && v == valueCount) {
            return null;
        }
        return firstOffence(ops, opCount, values, valueCount, processes, (int) pages, para);
    }

    /** The first offence of a stream {@link #check} found wrong, in stream order, as a refusal. */
    private static Refusal firstOffence(long[] ops, int opCount, long[] values, int valueCount, int processes, int pages,
                                        boolean para) {
        int v = 0;
        for (int i = 0; i < opCount; i++) {
            long op = ops[i];
            if (!Ops.isWellFormed(op)) {
                return new Refusal(RefusalReason.MALFORMED, i, "operation " + i + " is malformed: 0x" + Long.toHexString(op));
            }
            int kind = Ops.kind(op);
            if (Ops.process(op) >= processes) {
                return new Refusal(RefusalReason.PROCESS_OUT_OF_RANGE, i,
                        "operation " + i + ": process " + Ops.process(op) + " of " + processes);
            }
            if (para && (kind == Ops.MAP || kind == Ops.UNMAP)) {
                return new Refusal(RefusalReason.MALFORMED, i,
                        "operation " + i + ": a para-virtual guest writes its page tables through mmu_update");
            }
            if (Ops.takesValue(kind)) {
                if (v >= valueCount) {
                    return new Refusal(RefusalReason.VALUES_MISMATCH, i, "operation " + i + " has no value");
                }
                if (kind == Ops.MAP) {
                    long ppn = values[v];
                    if (ppn < 0 || ppn >= pages) {
                        return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, i,
                                "operation " + i + ": PPN " + ppn + " outside 0.." + (pages - 1));
                    }
                }
                v++;
            }
        }
        if (v != valueCount) {
            return new Refusal(RefusalReason.VALUES_MISMATCH, -1, valueCount + " values for " + v + " operations that take one");
        }
        throw new IllegalStateException("operation stream found wrong, then right");
    }
}
