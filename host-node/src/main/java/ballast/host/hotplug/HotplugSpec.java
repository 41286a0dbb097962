package ballast.host.hotplug;

/**
 * A guest's memory hotplug device as its hypervisor knows it before the guest boots (a
 * virtio-mem-like device: Hildenbrand and Schulz, VEE 2021): the guest's configured memory is the
 * device's range; it is cut into blocks of {@code blockPages}, of which the first
 * {@code pluggedPages / blockPages} are plugged at boot and the rest unplugged.
 *
 * @param blockPages   pages per block: a power of two
 * @param pluggedPages pages plugged at boot (and the size requested at boot): a multiple of the block
 */
public record HotplugSpec(int blockPages, int pluggedPages) {
    public HotplugSpec {
        if (blockPages < 1 || Integer.bitCount(blockPages) != 1) {
            throw new IllegalArgumentException("hotplug block of " + blockPages + " pages is not a power of two");
        }
        if (pluggedPages < 0 || pluggedPages % blockPages != 0) {
            throw new IllegalArgumentException("plugged " + pluggedPages + " pages is not a multiple of the block of "
                    + blockPages);
        }
    }

    /** Checks the device against a guest of {@code configuredPages}; throws when it does not fit. */
    public void checkFits(String guest, int configuredPages) {
        if (configuredPages % blockPages != 0) {
            throw new IllegalArgumentException(guest + ": memory of " + configuredPages
                    + " pages is not a multiple of its hotplug block of " + blockPages);
        }
        if (pluggedPages > configuredPages) {
            throw new IllegalArgumentException(guest + ": plugged " + pluggedPages + " pages exceeds its memory of "
                    + configuredPages);
        }
    }
}
