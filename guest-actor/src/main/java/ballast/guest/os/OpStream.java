package ballast.guest.os;

import ballast.abi.Ops;
import java.util.Arrays;

/**
 * A tick's operation stream and value stream (see {@link Ops}): packed {@code long[]} arrays, two
 * of each, reused. Tick {@code t}'s work is written into those of parity {@code t & 1} and handed
 * over as they are (with their lengths, no copy). They are written again only for tick
 * {@code t + 2}, which the guest refuses to generate before tick {@code t}'s result has been
 * verified, i.e. after the hypervisor has applied tick {@code t} and is done with its streams; so
 * tick {@code t + 1} may be generated (worked ahead) while the hypervisor applies tick {@code t}.
 *
 * <p>No zeroing, no per-add indirection beyond the array: {@link #op} and {@link #value} append one
 * entry; the workload's access loop reserves room for a batch ({@link #reserve}) and writes the
 * arrays directly. Owned by one {@link GuestOs}, not thread-safe.
 */
final class OpStream {
    private final long[][] opArrays = {new long[1024], new long[1024]};
    private final long[][] valueArrays = {new long[1024], new long[1024]};
    private long[] ops;
    private long[] values;
    private int opCount;
    private int valueCount;
    private int slot;

    /** Starts tick {@code tick}'s streams, empty, in the arrays of its parity. */
    void begin(long tick) {
        slot = (int) (tick & 1);
        ops = opArrays[slot];
        values = valueArrays[slot];
        opCount = 0;
        valueCount = 0;
    }

    /** Appends an operation. */
    void op(long op) {
        if (opCount == ops.length) {
            ops = Arrays.copyOf(ops, opCount * 2);
            opArrays[slot] = ops;
        }
        ops[opCount++] = op;
    }

    /** Appends a value (the token of a write, the PPN of a map). */
    void value(long value) {
        if (valueCount == values.length) {
            values = Arrays.copyOf(values, valueCount * 2);
            valueArrays[slot] = values;
        }
        values[valueCount++] = value;
    }

    /**
     * Makes room for {@code moreOps} operations and {@code moreValues} values, so that the tick
     * builder's access loop can write them into {@link #opArray} and {@link #valueArray} directly
     * and then say how many it wrote ({@link #appended}).
     */
    void reserve(int moreOps, int moreValues) {
        if (opCount + moreOps > ops.length) {
            ops = Arrays.copyOf(ops, Math.max(opCount + moreOps, opCount * 2));
            opArrays[slot] = ops;
        }
        if (valueCount + moreValues > values.length) {
            values = Arrays.copyOf(values, Math.max(valueCount + moreValues, valueCount * 2));
            valueArrays[slot] = values;
        }
    }

    /** The streams now hold {@code opCount} operations and {@code valueCount} values (written within the room reserved). */
    void appended(int opCount, int valueCount) {
        this.opCount = opCount;
        this.valueCount = valueCount;
    }

    /** The operation array of the tick being built (valid for its first {@link #opCount} entries). */
    long[] opArray() {
        return ops;
    }

    int opCount() {
        return opCount;
    }

    long[] valueArray() {
        return values;
    }

    int valueCount() {
        return valueCount;
    }
}
