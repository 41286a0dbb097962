package ballast.host.offload;

/**
 * One guest's access-bit probes: the PPNs whose accessed bit was cleared (their mappings dropped by
 * the hypervisor, so that the next touch of each misses) and which of them were touched since. The
 * miss path asks {@link #armed} and calls {@link #touch}; {@link DamonRegions} reads
 * {@link #accessed} at the next sample. A byte per PPN, allocated at the first probe (a host that
 * does not offload never allocates it).
 *
 * <p>Owned by one guest's memory on the hypervisor's thread; not thread-safe.
 */
public final class AccessProbes {
    private static final byte ARMED = 1;
    private static final byte TOUCHED = 2;

    private final int pages;
    private byte[] marks;
    private int pending;

    public AccessProbes(int pages) {
        this.pages = pages;
    }

    /** Whether {@code ppn} is probed and not touched yet (the hot path's check: one field when nothing is probed). */
    public boolean armed(int ppn) {
        return pending > 0 && marks[ppn] == ARMED;
    }

    /** The first touch of armed {@code ppn} (the caller checked {@link #armed}). */
    public void touch(int ppn) {
        marks[ppn] = TOUCHED;
        pending--;
    }

    /** Arms {@code ppn} (the caller drops its mappings); a PPN armed or touched already stays as it is. */
    public void arm(int ppn) {
        if (marks == null) {
            marks = new byte[pages];
        }
        if (marks[ppn] == 0) {
            marks[ppn] = ARMED;
            pending++;
        }
    }

    /** Whether {@code ppn} was touched since it was armed. */
    public boolean accessed(int ppn) {
        return marks != null && marks[ppn] == TOUCHED;
    }

    /** Forgets {@code ppn}'s probe. */
    public void disarm(int ppn) {
        if (marks == null) {
            return;
        }
        if (marks[ppn] == ARMED) {
            pending--;
        }
        marks[ppn] = 0;
    }

    /** Forgets every probe. */
    public void clear() {
        if (marks != null) {
            java.util.Arrays.fill(marks, (byte) 0);
        }
        pending = 0;
    }

    /** Probes not touched yet. */
    public int pending() {
        return pending;
    }
}
