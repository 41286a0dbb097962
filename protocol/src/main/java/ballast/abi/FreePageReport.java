package ballast.abi;

/**
 * One free page reporting hypercall (virtio-balloon's free page reporting, Linux 5.7's
 * {@code mm/page_reporting.c} and QEMU 5.1): a batch of blocks of free guest-physical pages the
 * guest OS hands back without a balloon target. Each block is {@code 2^order} PPNs starting at a
 * multiple of its size, free in the guest when the tick's operations have run. The hypervisor
 * frees whatever backs them (a frame, a share of a shared frame, a host swap slot); the pages'
 * content is then undefined for the guest, and the next touch backs a page again, like a first
 * touch. Applied whole or refused whole with a typed reason, after the tick's operations and
 * balloon calls ({@link TickResult#refusedReports}).
 *
 * @param order  the blocks' order: each is {@code 2^order} pages (0 to {@link #MAX_ORDER})
 * @param blocks the first PPN of each block
 */
public record FreePageReport(int order, int[] blocks) {
    /** The largest order a block may have: Linux's {@code MAX_ORDER - 1} on x86 (4 MiB blocks). */
    public static final int MAX_ORDER = 10;
    /** The most blocks one report may carry. */
    public static final int MAX_BLOCKS = 1024;
    /** The most reports one tick may carry (one bit each in {@link TickResult#refusedReports}). */
    public static final int MAX_REPORTS = 64;

    public FreePageReport {
        blocks = blocks == null ? new int[0] : blocks;
    }

    /** Pages in one block. */
    public int blockPages() {
        return order < 0 || order > 30 ? 0 : 1 << order;
    }

    /** Pages in all blocks. */
    public long pages() {
        return (long) blocks.length * blockPages();
    }
}
