package ballast.host.control;

/**
 * Memory hotplug figures of one guest, or summed over a host's guests (a virtio-mem-like device).
 *
 * @param pluggedPages    pages of the device plugged now (the hypervisor's count: a block whose
 *                        unplug is on its way still counts); a guest without a device: 0
 * @param requestedPages  the size the hypervisor requests now
 * @param blocksPlugged   blocks plugged by accepted requests so far
 * @param blocksUnplugged blocks unplugged by accepted requests so far
 * @param unplugBusy      unplug attempts that failed (a block given up for lack of free pages to move
 *                        its pages to, or held by the balloon), as the guest counts them
 * @param pagesMigrated   pages the guest moved out of blocks it emptied to unplug them
 */
public record HotplugStats(long pluggedPages, long requestedPages, long blocksPlugged, long blocksUnplugged,
                           long unplugBusy, long pagesMigrated) {

    public static final HotplugStats ZERO = new HotplugStats(0, 0, 0, 0, 0, 0);

    /** The sum of two (a host's guests). */
    public HotplugStats plus(HotplugStats o) {
        return new HotplugStats(pluggedPages + o.pluggedPages, requestedPages + o.requestedPages,
                blocksPlugged + o.blocksPlugged, blocksUnplugged + o.blocksUnplugged, unplugBusy + o.unplugBusy,
                pagesMigrated + o.pagesMigrated);
    }
}
