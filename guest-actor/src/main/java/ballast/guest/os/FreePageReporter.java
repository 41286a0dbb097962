package ballast.guest.os;

import ballast.abi.FreePageReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest OS's free page reporting, after Linux's {@code mm/page_reporting.c} (5.7) driving
 * virtio-balloon's reporting queue (QEMU 5.1): free pages are handed back to the hypervisor in
 * batches, without a balloon target.
 * <ul>
 *   <li>Only whole blocks are reported: {@code 2^order} PPNs starting at a multiple of their size,
 *       every one of them free (Linux reports buddy pages of at least {@code page_reporting_order},
 *       {@code pageblock_order} = 9 by default: 2 MiB blocks).</li>
 *   <li>A page freed requests a reporting pass; the pass runs {@code delay} ticks later (Linux's
 *       {@code PAGE_REPORTING_DELAY}, 2 s), so that pages freed meanwhile join it. It reports every
 *       block holding a page freed since it was last reported, in reports of at most
 *       {@code capacity} blocks ({@code PAGE_REPORTING_CAPACITY}, 32), each one hypercall.
 *       Pages freed after the pass request the next one.</li>
 *   <li>A reported page stays on the guest's free list (Linux keeps it in the buddy allocator,
 *       marked reported); allocating it again clears its mark, and its next touch makes the
 *       hypervisor back it again. A never-used PPN counts as reported (nothing backs it).</li>
 *   <li>A report the hypervisor refused: its pages still free are marked unreported again and
 *       report in a later pass.</li>
 * </ul>
 *
 * <p>State: two bit sets over the PPNs (free, and freed since last reported), 2 bits per PPN; no
 * object per page. Owned by one {@link GuestOs} through its {@link ClockPager}; not thread-safe.
 */
final class FreePageReporter {
    private final int configured;
    private final int order;
    private final int blockPages;
    private final int delayTicks;
    private final int capacity;
    /** Bit per PPN: on the guest's free list. */
    private final long[] free;
    /** Bit per PPN: freed since it was last reported (the hypervisor may still back it). */
    private final long[] unreported;
    /** A page was freed since the last pass. */
    private boolean requested;
    /** The last pass stopped at the reports a tick may carry, with blocks left to report. */
    private boolean unfinished;
    /** The tick the requested pass runs at, or -1 when none is scheduled. */
    private long dueTick = -1;
    /** The reports sent in each unverified tick, by tick parity. */
    @SuppressWarnings("unchecked")
    private final List<FreePageReport>[] sent = new List[2];
    private long pagesReported;
    private long reports;

    /**
     * A reporter for a guest of {@code configured} PPNs, whose never-used PPNs are
     * {@code [firstFree, configured)}.
     */
    FreePageReporter(int configured, int order, int delayTicks, int capacity, int firstFree) {
        if (order < 0 || order > FreePageReport.MAX_ORDER || delayTicks < 0 || capacity < 1) {
            throw new IllegalArgumentException("order " + order + ", delay " + delayTicks + ", capacity " + capacity);
        }
        this.configured = configured;
        this.order = order;
        this.blockPages = 1 << order;
        this.delayTicks = delayTicks;
        this.capacity = capacity;
        int words = (configured + 63) >>> 6;
        this.free = new long[words];
        this.unreported = new long[words];
        for (int ppn = firstFree; ppn < configured; ppn++) {
            free[ppn >>> 6] |= 1L << ppn;
        }
    }

    /** {@code ppn} left the free list (a first touch, a page-in, a pin for the balloon). */
    void allocated(int ppn) {
        long bit = ~(1L << ppn);
        free[ppn >>> 6] &= bit;
        unreported[ppn >>> 6] &= bit;
    }

    /** {@code ppn}, which may be backed by the hypervisor, went on the free list: a pass is requested. */
    void freed(int ppn) {
        long bit = 1L << ppn;
        free[ppn >>> 6] |= bit;
        unreported[ppn >>> 6] |= bit;
        requested = true;
    }

    /** {@code ppn} went on the free list with nothing behind it at the hypervisor (a deflated balloon page). */
    void freedClean(int ppn) {
        free[ppn >>> 6] |= 1L << ppn;
    }

    boolean isFree(int ppn) {
        return (free[ppn >>> 6] & (1L << ppn)) != 0;
    }

    boolean isUnreported(int ppn) {
        return (unreported[ppn >>> 6] & (1L << ppn)) != 0;
    }

    /**
     * The end of tick {@code tick}'s generation (its operations have freed and allocated what they
     * do): schedules a requested pass {@code delay} ticks on, and runs the pass that is due; returns
     * its reports (empty when none is due or nothing is to report).
     */
    List<FreePageReport> endOfTick(long tick) {
        List<FreePageReport> out = List.of();
        if (requested && dueTick < 0) {
            dueTick = tick + delayTicks;
            requested = false;
        }
        if (dueTick >= 0 && tick >= dueTick) {
            dueTick = -1;
            out = pass();
            if (unfinished) {
                dueTick = tick + 1; // the pass goes on in the next tick
            } else if (requested) {
                dueTick = tick + delayTicks; // pages freed during the pass's tick wait for the next one
                requested = false;
            }
        }
        sent[(int) (tick & 1)] = out;
        return out;
    }

    /**
     * Every whole free block holding an unreported page, in reports of at most {@code capacity}
     * blocks; when a tick's {@link FreePageReport#MAX_REPORTS} reports are full, the pass goes on in
     * the next tick ({@link #unfinished}).
     */
    private List<FreePageReport> pass() {
        List<FreePageReport> out = new ArrayList<>();
        int[] batch = new int[capacity];
        int n = 0;
        int blocks = configured / blockPages;
        unfinished = false;
        for (int b = 0; b < blocks; b++) {
            int first = b * blockPages;
            if (!reportable(first)) {
                continue;
            }
            if (out.size() == FreePageReport.MAX_REPORTS) {
                unfinished = true;
                break;
            }
            markReported(first);
            batch[n++] = first;
            if (n == capacity) {
                out.add(new FreePageReport(order, batch.clone()));
                n = 0;
            }
        }
        if (n > 0) {
            out.add(new FreePageReport(order, java.util.Arrays.copyOf(batch, n)));
        }
        for (FreePageReport r : out) {
            pagesReported += r.pages();
            reports++;
        }
        return out.isEmpty() ? List.of() : List.copyOf(out);
    }

    /** Whether the block at {@code first} is wholly free and holds a page freed since last reported. */
    private boolean reportable(int first) {
        if (blockPages >= 64) {
            int w0 = first >>> 6;
            int words = blockPages >>> 6;
            boolean any = false;
            for (int w = w0; w < w0 + words; w++) {
                if (free[w] != -1L) {
                    return false;
                }
                any |= unreported[w] != 0;
            }
            return any;
        }
        long mask = ((1L << blockPages) - 1) << (first & 63);
        int w = first >>> 6;
        return (free[w] & mask) == mask && (unreported[w] & mask) != 0;
    }

    private void markReported(int first) {
        for (int ppn = first; ppn < first + blockPages; ppn++) {
            unreported[ppn >>> 6] &= ~(1L << ppn);
        }
    }

    /**
     * The hypervisor's answer to tick {@code tick}: the reports whose bit is set in
     * {@code refusedReports} were refused; their pages still free are unreported again, and a pass
     * is requested.
     */
    void answered(long tick, long refusedReports) {
        int slot = (int) (tick & 1);
        List<FreePageReport> mine = sent[slot];
        sent[slot] = null;
        if (mine == null || refusedReports == 0) {
            return;
        }
        for (int i = 0; i < mine.size(); i++) {
            if ((refusedReports & (1L << i)) == 0) {
                continue;
            }
            FreePageReport r = mine.get(i);
            pagesReported -= r.pages();
            reports--;
            for (int first : r.blocks()) {
                for (int ppn = first; ppn < first + blockPages; ppn++) {
                    if (isFree(ppn)) {
                        unreported[ppn >>> 6] |= 1L << ppn;
                        requested = true;
                    }
                }
            }
        }
    }

    /** Pages in the reports sent and not refused. */
    long pagesReported() {
        return pagesReported;
    }

    /** Reports sent and not refused. */
    long reports() {
        return reports;
    }

    int order() {
        return order;
    }

    int delayTicks() {
        return delayTicks;
    }

    int capacity() {
        return capacity;
    }
}
