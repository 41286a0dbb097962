package ballast.host.translation;

/**
 * Live migration's pre-copy write log of one guest for the current round: one bit per PPN, set by
 * the guest's first write to the page in the round (a write miss: every TLB fill is read-only
 * while the log exists) and by a move into or out of the balloon. The source reads it to choose
 * the next round's pages, then clears it (Clark et al., "Live Migration of Virtual Machines",
 * NSDI 2005, section 4).
 *
 * <p>Created and dropped by the guest's {@link GuestMemory} (which also flushes the TLB around
 * it); marked by the translation package, read by the migration side. On the hypervisor actor's
 * thread; not thread-safe.
 */
public final class WriteLog {
    private final long[] bits;

    WriteLog(int pages) {
        this.bits = new long[(pages + 63) >>> 6];
    }

    /** Marks {@code ppn} written (or moved) this round. */
    void mark(int ppn) {
        bits[ppn >>> 6] |= 1L << ppn;
    }

    /** Whether {@code ppn} is marked. */
    public boolean logged(int ppn) {
        return (bits[ppn >>> 6] & (1L << ppn)) != 0;
    }

    /** The first marked PPN at or after {@code from}, or -1. */
    public int next(int from) {
        int w = from >>> 6;
        if (w >= bits.length) {
            return -1;
        }
        long word = bits[w] & (-1L << from);
        while (word == 0) {
            if (++w >= bits.length) {
                return -1;
            }
            word = bits[w];
        }
        return (w << 6) + Long.numberOfTrailingZeros(word);
    }

    /** Unmarks every PPN. */
    void clear() {
        java.util.Arrays.fill(bits, 0L);
    }
}
