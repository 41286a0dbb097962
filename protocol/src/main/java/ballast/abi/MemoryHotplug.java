package ballast.abi;

/**
 * One memory hotplug request of a guest's virtio-mem-like device (Hildenbrand and Schulz,
 * "virtio-mem: Paravirtualized Memory Hot(Un)Plug", VEE 2021; QEMU's {@code VIRTIO_MEM_REQ_PLUG}
 * and {@code VIRTIO_MEM_REQ_UNPLUG}): the guest asks the hypervisor to plug or unplug whole blocks
 * of its device's guest-physical range. Each block is {@code blockPages} PPNs starting at a
 * multiple of its size, which must be the device's block size.
 *
 * <p>A plug makes the blocks usable: the guest may put their PPNs on its free list, and the
 * hypervisor backs each on its first touch (nothing is allocated by the plug). An unplug takes the
 * blocks away: the hypervisor frees whatever backs their PPNs (a frame, a share of a shared frame,
 * a host swap slot, a compressed copy) and refuses any later touch, balloon call or free page report
 * naming them. Applied whole or refused whole with a typed reason, after the tick's operations,
 * balloon calls and free page reports ({@link TickResult#refusedHotplug}).
 *
 * @param plug       true to plug, false to unplug
 * @param blockPages pages per block (the device's block size)
 * @param blocks     the first PPN of each block
 */
public record MemoryHotplug(boolean plug, int blockPages, int[] blocks) {
    /** The most blocks one request may carry. */
    public static final int MAX_BLOCKS = 1024;
    /** The most requests one tick may carry (one bit each in {@link TickResult#refusedHotplug}). */
    public static final int MAX_REQUESTS = 64;

    public MemoryHotplug {
        blocks = blocks == null ? new int[0] : blocks;
    }

    /** Pages in all blocks. */
    public long pages() {
        return (long) blocks.length * Math.max(0, blockPages);
    }
}
