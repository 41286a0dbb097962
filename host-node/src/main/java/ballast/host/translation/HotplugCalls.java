package ballast.host.translation;

import ballast.abi.MemoryHotplug;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.host.hotplug.HotplugDevice;
import ballast.host.memory.Pmap;
import java.util.List;

/**
 * The hypervisor's side of a guest's memory hotplug requests ({@link MemoryHotplug}, as QEMU's
 * virtio-mem device answers {@code VIRTIO_MEM_REQ_PLUG} and {@code VIRTIO_MEM_REQ_UNPLUG}), and the
 * checks that keep a guest off its unplugged blocks.
 *
 * <p>Each request is checked whole and refused whole with a typed reason, changing nothing: no
 * device ({@link RefusalReason#NO_HOTPLUG_DEVICE}), too many blocks
 * ({@link RefusalReason#BATCH_TOO_LARGE}), a block size other than the device's, a block not at a
 * multiple of its size or named twice ({@link RefusalReason#BLOCK_NOT_ALIGNED}), a block outside the
 * device ({@link RefusalReason#PPN_OUT_OF_RANGE}); a plug of a plugged block
 * ({@link RefusalReason#BLOCK_PLUGGED}) or beyond the requested size
 * ({@link RefusalReason#OVER_REQUESTED}); an unplug of a block not plugged
 * ({@link RefusalReason#BLOCK_UNPLUGGED}) or still in use: a page of the guest's tables maps one of
 * its PPNs, or the balloon holds one ({@link RefusalReason#BLOCK_IN_USE}).
 *
 * <p>An accepted plug only marks its blocks plugged: their PPNs are backed on their first touch.
 * An accepted unplug frees whatever backs each PPN through {@link GuestPaging#discard} (a private
 * frame, a share of a shared frame, a host swap slot with its compressed copy and offload mark),
 * the same path a free page report takes, and marks the blocks unplugged.
 *
 * <p>Stateless; runs on the hypervisor's thread, per tick and per request (never per access).
 */
public final class HotplugCalls {
    private HotplugCalls() {
    }

    /**
     * Applies a tick's requests in order, each whole or refused whole (counted, listed in
     * {@code refusals}); returns the bit set of the refused ones ({@code TickResult.refusedHotplug}).
     */
    public static long apply(GuestMemory g, List<MemoryHotplug> requests, List<Refusal> refusals) {
        return WholeCalls.apply(g, requests, MemoryHotplug.MAX_REQUESTS, "hotplug request",
                (i, request) -> check(g, i, request), request -> {
                    HotplugDevice d = g.hotplug();
                    int size = d.blockPages();
                    for (int first : request.blocks()) {
                        if (request.plug()) {
                            d.plug(d.blockOf(first));
                        } else {
                            for (int ppn = first; ppn < first + size; ppn++) {
                                g.paging().discard(ppn);
                            }
                            d.unplug(d.blockOf(first));
                        }
                    }
                }, refusals);
    }

    /** Why {@code request} may not be applied to {@code g} now (see the class comment), or null when it may. */
    public static Refusal check(GuestMemory g, int index, MemoryHotplug request) {
        HotplugDevice d = g.hotplug();
        String what = (request.plug() ? "plug" : "unplug") + " request " + index;
        if (d == null) {
            return new Refusal(RefusalReason.NO_HOTPLUG_DEVICE, index, what + " from " + g.spec().name()
                    + ", which has no memory hotplug device");
        }
        int[] blocks = request.blocks();
        if (blocks.length > MemoryHotplug.MAX_BLOCKS) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, index, what + " of " + blocks.length + " blocks, at most "
                    + MemoryHotplug.MAX_BLOCKS);
        }
        int size = d.blockPages();
        if (request.blockPages() != size) {
            return new Refusal(RefusalReason.BLOCK_NOT_ALIGNED, index, what + " of blocks of " + request.blockPages()
                    + " pages; the device's blocks are " + size + " pages");
        }
        Pmap pmap = g.pmap();
        for (int i = 0; i < blocks.length; i++) {
            int first = blocks[i];
            if (first < 0 || (long) first + size > (long) d.blocks() * size) {
                return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, index, what + " block " + i + ": PPNs " + first + ".."
                        + ((long) first + size - 1) + " outside the device's 0.." + ((long) d.blocks() * size - 1));
            }
            if ((first & (size - 1)) != 0) {
                return new Refusal(RefusalReason.BLOCK_NOT_ALIGNED, index, what + " block " + i + ": PPN " + first
                        + " is not a multiple of its " + size + " pages");
            }
            boolean isPlugged = d.isPluggedBlock(d.blockOf(first));
            if (request.plug() && isPlugged) {
                return new Refusal(RefusalReason.BLOCK_PLUGGED, index, what + " block " + i + " at PPN " + first
                        + " is plugged already");
            }
            if (!request.plug()) {
                if (!isPlugged) {
                    return new Refusal(RefusalReason.BLOCK_UNPLUGGED, index, what + " block " + i + " at PPN " + first
                            + " is not plugged");
                }
                for (int ppn = first; ppn < first + size; ppn++) {
                    if (pmap.state(ppn) == Pmap.BALLOONED) {
                        return new Refusal(RefusalReason.BLOCK_IN_USE, index, what + " block " + i + ": PPN " + ppn
                                + " is in the balloon");
                    }
                }
            }
        }
        int[] sorted = blocks.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return new Refusal(RefusalReason.BLOCK_NOT_ALIGNED, index, what + " names the block at PPN " + sorted[i]
                        + " twice");
            }
        }
        if (request.plug() && (long) d.pluggedBlocks() + blocks.length > d.requestedBlocks()) {
            return new Refusal(RefusalReason.OVER_REQUESTED, index, what + " of " + blocks.length + " blocks would plug "
                    + (d.pluggedBlocks() + blocks.length) + " blocks; " + d.requestedBlocks() + " are requested");
        }
        if (!request.plug() && blocks.length > 0) {
            long mapped = mappedIn(g, d, sorted);
            if (mapped >= 0) {
                return new Refusal(RefusalReason.BLOCK_IN_USE, index, what + ": process " + Ops.process(mapped) + " VPN 0x"
                        + Long.toHexString(Ops.vpn(mapped)) + " still maps a PPN of its blocks");
            }
        }
        return null;
    }

    /** The key of a guest-table entry mapping a PPN of the blocks starting at {@code sortedFirsts}, or -1. */
    private static long mappedIn(GuestMemory g, HotplugDevice d, int[] sortedFirsts) {
        long[] found = {-1};
        int size = d.blockPages();
        for (int p = 0; p < g.tables().length && found[0] < 0; p++) {
            final int process = p;
            g.tables()[p].forEach((vpn, ppn) -> {
                if (found[0] < 0 && ppn >= 0) {
                    int at = java.util.Arrays.binarySearch(sortedFirsts, ppn & ~(size - 1));
                    if (at >= 0) {
                        found[0] = Ops.key(process, vpn);
                    }
                }
            });
        }
        return found[0];
    }

    /**
     * A refusal when the validated operation stream maps a page to a PPN of an unplugged block (a
     * touch of an unplugged PPN: refused whole, reason {@link RefusalReason#BLOCK_UNPLUGGED}), else
     * null. One pass over the stream, only for a guest with a hotplug device.
     */
    public static Refusal checkOps(HotplugDevice d, long[] ops, int opCount, long[] values) {
        int v = 0;
        for (int i = 0; i < opCount; i++) {
            int kind = Ops.kind(ops[i]);
            if (!Ops.takesValue(kind)) {
                continue;
            }
            long value = values[v++];
            if (kind == Ops.MAP && !d.isPlugged((int) value)) {
                return new Refusal(RefusalReason.BLOCK_UNPLUGGED, -1, "operation " + i + " maps PPN " + value
                        + ", which is in an unplugged block");
            }
        }
        return null;
    }

    /** A refusal when {@code ppns} (of a balloon call or a page-out) name a PPN of an unplugged block, else null. */
    public static Refusal checkPpns(HotplugDevice d, int[] ppns, String what) {
        for (int ppn : ppns) {
            if (ppn >= 0 && ppn < d.blocks() * d.blockPages() && !d.isPlugged(ppn)) {
                return new Refusal(RefusalReason.BLOCK_UNPLUGGED, -1, what + " names PPN " + ppn
                        + ", which is in an unplugged block");
            }
        }
        return null;
    }

    /** A refusal when a free page report's blocks hold a PPN of an unplugged block, else null. */
    public static Refusal checkReport(HotplugDevice d, int index, ballast.abi.FreePageReport report) {
        int size = report.blockPages();
        for (int first : report.blocks()) {
            for (int ppn = first; ppn < first + size; ppn++) {
                if (ppn >= 0 && ppn < d.blocks() * d.blockPages() && !d.isPlugged(ppn)) {
                    return new Refusal(RefusalReason.BLOCK_UNPLUGGED, index, "free page report " + index + " names PPN "
                            + ppn + ", which is in an unplugged block");
                }
            }
        }
        return null;
    }
}
