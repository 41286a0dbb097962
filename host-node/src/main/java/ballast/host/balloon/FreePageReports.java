package ballast.host.balloon;

import ballast.abi.FreePageReport;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.host.memory.Pmap;
import ballast.host.translation.GuestMemory;
import java.util.List;

/**
 * The hypervisor's side of free page reporting (virtio-balloon's reporting queue, QEMU 5.1): each
 * report is checked whole against the guest's pmap and refused whole with a typed reason when one
 * block is wrong; an accepted report frees whatever backs its pages
 * ({@link ballast.host.translation.GuestPaging#discard}), which the guest gets back, unbacked, on
 * its next touch. A report needs no balloon target and leaves the balloon alone.
 *
 * <p>Stateless; reads and changes the guest's pmap, so it runs on the hypervisor's thread.
 */
public final class FreePageReports {
    private FreePageReports() {
    }

    /**
     * Why this report may not be applied: the guest is para-virtual (its page tables hold machine
     * frames: {@link RefusalReason#PARAVIRTUAL_REPORT}), it has too many blocks
     * ({@link RefusalReason#BATCH_TOO_LARGE}), its order is out of range, a block is not aligned to
     * its size or named twice ({@link RefusalReason#BLOCK_NOT_ALIGNED}), a block passes the guest's
     * memory ({@link RefusalReason#PPN_OUT_OF_RANGE}) or holds a ballooned PPN, which is the balloon
     * driver's, not free ({@link RefusalReason#ALREADY_BALLOONED}); null when it may.
     */
    public static Refusal check(Pmap pmap, boolean paravirtual, int index, FreePageReport report) {
        if (paravirtual) {
            return new Refusal(RefusalReason.PARAVIRTUAL_REPORT, index,
                    "free page report " + index + " from a para-virtual guest");
        }
        int[] blocks = report.blocks();
        if (blocks.length > FreePageReport.MAX_BLOCKS) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, index, "free page report " + index + " of "
                    + blocks.length + " blocks, at most " + FreePageReport.MAX_BLOCKS);
        }
        int order = report.order();
        if (order < 0 || order > FreePageReport.MAX_ORDER) {
            return new Refusal(RefusalReason.BLOCK_NOT_ALIGNED, index, "free page report " + index + " of order "
                    + order + ", outside 0.." + FreePageReport.MAX_ORDER);
        }
        int size = 1 << order;
        for (int i = 0; i < blocks.length; i++) {
            int first = blocks[i];
            if (first < 0 || (long) first + size > pmap.pages()) {
                return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, index, "free page report " + index + " block " + i
                        + ": PPNs " + first + ".." + ((long) first + size - 1) + " outside 0.." + (pmap.pages() - 1));
            }
            if ((first & (size - 1)) != 0) {
                return new Refusal(RefusalReason.BLOCK_NOT_ALIGNED, index, "free page report " + index + " block " + i
                        + ": PPN " + first + " is not a multiple of its " + size + " pages");
            }
            for (int ppn = first; ppn < first + size; ppn++) {
                if (pmap.state(ppn) == Pmap.BALLOONED) {
                    return new Refusal(RefusalReason.ALREADY_BALLOONED, index, "free page report " + index + " block "
                            + i + ": PPN " + ppn + " is in the balloon");
                }
            }
        }
        int[] sorted = blocks.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return new Refusal(RefusalReason.BLOCK_NOT_ALIGNED, index, "free page report " + index
                        + " names the block at PPN " + sorted[i] + " twice");
            }
        }
        return null;
    }

    /**
     * Applies a tick's reports in order, each whole or refused whole (counted, listed in
     * {@code refusals}); returns the bit set of the refused ones ({@code TickResult.refusedReports}).
     */
    public static long apply(GuestMemory g, boolean paravirtual, List<FreePageReport> reports, List<Refusal> refusals) {
        return ballast.host.translation.WholeCalls.apply(g, reports, FreePageReport.MAX_REPORTS, "free page report",
                (i, report) -> {
                    Refusal r = check(g.pmap(), paravirtual, i, report);
                    return r == null && g.hotplug() != null
                            ? ballast.host.translation.HotplugCalls.checkReport(g.hotplug(), i, report) : r;
                },
                report -> {
                    int size = report.blockPages();
                    for (int first : report.blocks()) {
                        for (int ppn = first; ppn < first + size; ppn++) {
                            g.paging().discard(ppn);
                        }
                    }
                    g.counters().reported(report.pages());
                }, refusals);
    }
}
