package ballast.abi;


/**
 * Packing of the guest's per-tick operation stream: one {@code long} per operation.
 *
 * <pre>
 *  63   60 59      46 45        36 35                     0
 * +-------+----------+------------+------------------------+
 * | kind  |  unused  |  process   |          VPN           |
 * +-------+----------+------------+------------------------+
 * </pre>
 *
 * <p>The low 46 bits are the <em>key</em> (process and VPN) used by every per-guest table.
 * {@link #WRITE} takes the written content token from the values stream, {@link #MAP} takes the
 * PPN its page-table entry now points at; {@link #READ}, {@link #UNMAP} and {@link #SWITCH} take
 * no value. Operations are applied in stream order.
 */
public final class Ops {
    public static final int KIND_SHIFT = 60;
    /** Bytes of a page (x86's base page, 4 KiB): guest-virtual, guest-physical and machine alike. */
    public static final int PAGE_BYTES = 4096;
    /** Bits of a virtual page number: x86-64's four-level paging, 9 bits a level (48-bit addresses). */
    public static final int VPN_BITS = 36;
    /** The largest virtual page number of a 48-bit address space. */
    public static final long MAX_VPN = (1L << VPN_BITS) - 1;
    public static final int PROCESS_SHIFT = VPN_BITS;
    public static final int PROCESS_BITS = 10;
    /** Most processes a guest may run. */
    public static final int MAX_PROCESSES = 1 << PROCESS_BITS;
    public static final long VPN_MASK = MAX_VPN;
    public static final long KEY_MASK = (1L << (PROCESS_SHIFT + PROCESS_BITS)) - 1;

    /** Read the page at (process, VPN); the token read joins the tick's read digest. */
    public static final int READ = 0;
    /** Write a new content token to the page at (process, VPN). */
    public static final int WRITE = 1;
    /** Guest page-table write: (process, VPN) now maps the PPN taken from the values stream. */
    public static final int MAP = 2;
    /** Guest page-table write: (process, VPN) is no longer mapped. */
    public static final int UNMAP = 3;
    /** Context switch to (process): a page-table base write, flushing the TLB. */
    public static final int SWITCH = 4;
    static final int KINDS = 5;

    private Ops() {
    }

    public static long key(int process, long vpn) {
        return ((long) process << PROCESS_SHIFT) | vpn;
    }

    public static long op(int kind, long key) {
        return ((long) kind << KIND_SHIFT) | key;
    }

    public static long op(int kind, int process, long vpn) {
        return op(kind, key(process, vpn));
    }

    public static int kind(long op) {
        return (int) (op >>> KIND_SHIFT);
    }

    public static long keyOf(long op) {
        return op & KEY_MASK;
    }

    public static int process(long key) {
        return (int) ((key & KEY_MASK) >>> PROCESS_SHIFT);
    }

    public static long vpn(long key) {
        return key & VPN_MASK;
    }

    /** Whether the kind is one of the five defined ones and the unused bits are clear. */
    public static boolean isWellFormed(long op) {
        int kind = kind(op);
        return kind >= 0 && kind < KINDS && (op & ~(KEY_MASK | (0xFL << KIND_SHIFT))) == 0;
    }

    /** Whether the kind takes a value from the values stream. */
    public static boolean takesValue(int kind) {
        return kind == WRITE || kind == MAP;
    }
}
