package ballast.abi;

/**
 * A guest's memory-reservation calls of one tick, carried in its {@link TickWork}: what its OS
 * wrote to its own virtual disk, and what its balloon driver hands to or takes back from the
 * hypervisor (Xen's {@code decrease_reservation} / {@code increase_reservation}).
 *
 * <p>Order of application within the tick: {@code pageOuts} first (the virtual disk reads them by
 * DMA before the tick's operations; a PPN the hypervisor had swapped out must be swapped in to be
 * read: double paging), then the operation stream (which unmaps the pages given up), then
 * {@code inflate}, then {@code deflate}. Each of {@code inflate} and {@code deflate} is one
 * hypercall, applied whole or refused whole with a typed reason (see {@link TickResult#balloonStatus}).
 *
 * @param pageOuts PPNs the guest OS wrote to its virtual disk this tick (guest paging), or empty
 * @param inflate  PPNs the balloon driver pinned and gives back: their frames are freed and the
 *                 pmap marks them ballooned
 * @param deflate  ballooned PPNs the driver takes back: they become the guest's again (unbacked
 *                 until touched; a para-virtual guest gets frames at once, told by a remap notice)
 */
public record Reservation(int[] pageOuts, int[] inflate, int[] deflate) {
    public static final Reservation NONE = new Reservation(new int[0], new int[0], new int[0]);

    public Reservation {
        pageOuts = pageOuts == null ? new int[0] : pageOuts;
        inflate = inflate == null ? new int[0] : inflate;
        deflate = deflate == null ? new int[0] : deflate;
    }

    public boolean isEmpty() {
        return pageOuts.length == 0 && inflate.length == 0 && deflate.length == 0;
    }
}
