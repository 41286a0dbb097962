package ballast.abi;

/**
 * A guest's kernel activity in one tick, sent with its {@link TickWork}: how many events of each
 * {@link KernelEvent} kind its kernel performed (counts, not one operation per event: thousands
 * happen per tick), the native cycles of the rest of its work, and which sensitive code blocks
 * ran. The hypervisor charges each event what the guest's virtualization technique makes it cost.
 *
 * <p>{@code blockRuns} packs one entry per distinct block that ran in the tick, in the order each
 * first ran: {@code block << 32 | runs} (see {@link #blockRun}). Its runs add up to
 * {@code events[SENSITIVE_BLOCK]}. A record holding arrays compares by identity; tests compare
 * contents.
 *
 * @param workCycles native cycles of the tick's work apart from the events (the same in every mode)
 * @param events     count per {@link KernelEvent}, indexed by ordinal; length {@link KernelEvent#COUNT}
 * @param blockRuns  distinct sensitive blocks that ran, packed as above
 */
public record KernelActivity(long workCycles, long[] events, long[] blockRuns) {
    /**
     * Largest count of one kind accepted in one tick: times a cost of at most 2^31 cycles it stays
     * below 2^63.
     */
    public static final long MAX_COUNT = 1L << 32;
    /** Largest number of work cycles accepted in one tick. */
    public static final long MAX_WORK_CYCLES = 1L << 50;

    public static long blockRun(int block, int runs) {
        return ((long) block << 32) | (runs & 0xFFFFFFFFL);
    }

    public static int block(long blockRun) {
        return (int) (blockRun >>> 32);
    }

    public static int runs(long blockRun) {
        return (int) blockRun;
    }

    /** The count of {@code kind}. */
    public long count(KernelEvent kind) {
        return events[kind.ordinal()];
    }
}
