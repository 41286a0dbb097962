package ballast.host.hotplug;

/**
 * The hypervisor's side of one guest's memory hotplug device (QEMU's virtio-mem device): which
 * blocks of the guest's memory are plugged, the size the hypervisor requests (a timed
 * {@code resize} event sets it; the guest reads it with each tick start), and what was plugged and
 * unplugged. A PPN of an unplugged block is not the guest's to use: it has no backing, the guest's
 * tables map no page to it, and the hypervisor refuses any touch, balloon call or report naming it
 * ({@link ballast.host.translation.HotplugCalls}).
 *
 * <p>State: one bit per block; no object per page. Owned by the guest's
 * {@link ballast.host.translation.GuestMemory}, on the hypervisor actor's thread; not thread-safe.
 */
public final class HotplugDevice {
    private final HotplugSpec spec;
    private final int blockPages;
    private final int shift;
    private final int blocks;
    /** Bit per block: plugged. */
    private final long[] plugged;
    private int pluggedBlocks;
    private int requestedBlocks;
    private long blocksPlugged;
    private long blocksUnplugged;

    public HotplugDevice(HotplugSpec spec, int configuredPages) {
        spec.checkFits("guest", configuredPages);
        this.spec = spec;
        this.blockPages = spec.blockPages();
        this.shift = Integer.numberOfTrailingZeros(blockPages);
        this.blocks = configuredPages / blockPages;
        this.plugged = new long[(blocks + 63) >>> 6];
        reset();
    }

    /** Back to the device at boot: its first blocks plugged, as many as its plugged size, and that size requested. */
    public void reset() {
        java.util.Arrays.fill(plugged, 0L);
        pluggedBlocks = spec.pluggedPages() / blockPages;
        for (int b = 0; b < pluggedBlocks; b++) {
            plugged[b >>> 6] |= 1L << b;
        }
        requestedBlocks = pluggedBlocks;
    }

    public int blockPages() {
        return blockPages;
    }

    /** Blocks in the device's range (the guest's memory). */
    public int blocks() {
        return blocks;
    }

    /** The block {@code ppn} is in. */
    public int blockOf(int ppn) {
        return ppn >>> shift;
    }

    public boolean isPluggedBlock(int block) {
        return (plugged[block >>> 6] & (1L << block)) != 0;
    }

    /** Whether {@code ppn} (inside the guest's memory) is in a plugged block. */
    public boolean isPlugged(int ppn) {
        int block = ppn >>> shift;
        return (plugged[block >>> 6] & (1L << block)) != 0;
    }

    /** Whether every one of {@code ppns} (inside the guest's memory) is in a plugged block. */
    public boolean allPlugged(int[] ppns) {
        for (int ppn : ppns) {
            if (ppn >= 0 && ppn < blocks << shift && !isPlugged(ppn)) {
                return false;
            }
        }
        return true;
    }

    /** Block {@code block} (not plugged) is plugged. */
    public void plug(int block) {
        plugged[block >>> 6] |= 1L << block;
        pluggedBlocks++;
        blocksPlugged++;
    }

    /** Block {@code block} (plugged) is unplugged. */
    public void unplug(int block) {
        plugged[block >>> 6] &= ~(1L << block);
        pluggedBlocks--;
        blocksUnplugged++;
    }

    public int pluggedBlocks() {
        return pluggedBlocks;
    }

    public long pluggedPages() {
        return (long) pluggedBlocks * blockPages;
    }

    public int requestedBlocks() {
        return requestedBlocks;
    }

    public long requestedPages() {
        return (long) requestedBlocks * blockPages;
    }

    /**
     * Why the requested size cannot become {@code pages}, or null: it must be a multiple of the
     * block and at most the device's range.
     */
    public String resizeProblem(long pages) {
        if (pages < 0 || pages % blockPages != 0) {
            return "requested " + pages + " pages is not a multiple of the hotplug block of " + blockPages + " pages";
        }
        if (pages > (long) blocks * blockPages) {
            return "requested " + pages + " pages exceeds the device's " + (long) blocks * blockPages + " pages";
        }
        return null;
    }

    /** The hypervisor requests {@code pages} (checked with {@link #resizeProblem}). */
    public void request(long pages) {
        String problem = resizeProblem(pages);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        requestedBlocks = (int) (pages / blockPages);
    }

    /** Blocks plugged by accepted requests since boot. */
    public long blocksPlugged() {
        return blocksPlugged;
    }

    /** Blocks unplugged by accepted requests since boot. */
    public long blocksUnplugged() {
        return blocksUnplugged;
    }
}
