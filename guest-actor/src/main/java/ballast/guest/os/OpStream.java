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
 * <p>No zeroing, no per-add indirection beyond the array: {@link #op} and {@link #value} are the
 * per-access calls. Owned by one {@link GuestOs}, not thread-safe.
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
