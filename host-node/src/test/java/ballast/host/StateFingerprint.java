package ballast.host;

import ballast.host.translation.GuestMemory;
import ballast.host.translation.TranslationInternals;
import ballast.host.memory.FramePool;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything observable about a host, as lines of text so that a failing comparison shows what
 * changed: every frame's owner, token and refcount, the pool's counts, every guest's pmap,
 * tables, shadow tables, reverse-map size, TLB contents and counters, and what the guest would
 * read at each of the probe keys. The guest's refused-call counter is left out on purpose: a
 * refusal is counted, and the tests check that count separately.
 */
final class StateFingerprint {
    private StateFingerprint() {
    }

    static List<String> of(HypervisorCore core, long[] probeKeys) {
        List<String> lines = new ArrayList<>();
        FramePool frames = core.frames();
        lines.add("host " + core.hostStats());
        lines.add("pool free=" + frames.freeFrames() + " shared=" + frames.sharedFrames()
                + " reserved=" + frames.reservedFrames() + " mapped=" + frames.mappedFrames());
        lines.add("swap used=" + core.swap().used() + " capacity=" + core.swap().capacity());
        for (int slot = 0; slot < core.swap().slotsTouched(); slot++) {
            lines.add("swap slot " + slot + " owner=" + core.swap().owner(slot) + " ppn=" + core.swap().ppn(slot));
        }
        for (int mpn = 0; mpn < frames.totalFrames(); mpn++) {
            lines.add("mpn " + mpn + " owner=" + frames.owner(mpn) + " token=" + Long.toHexString(frames.token(mpn))
                    + " refcount=" + frames.refcount(mpn));
        }
        for (int i = 0; i < core.guestCount(); i++) {
            GuestMemory g = core.guest(i);
            String n = "guest " + g.spec().name() + " ";
            lines.add(n + "booted=" + g.booted() + " counters tlbHits=" + g.counters().tlbHits() + " tlbMisses=" + g.counters().tlbMisses()
                    + " tlbFlushes=" + g.counters().tlbFlushes() + " hiddenFaults=" + g.counters().hiddenFaults() + " guestFaults=" + g.counters().guestFaults()
                    + " traps=" + g.cpu().traps() + " hypercalls=" + g.cpu().hypercalls() + " mmuUpdateEntries=" + g.cpu().mmuUpdateEntries()
                    + " vmExits=" + g.cpu().vmExits() + " overheadCycles=" + g.cpu().overheadCycles()
                    + " allocationFailures=" + g.counters().allocationFailures());
            lines.add(n + "reclaim pops=" + g.counters().balloonPops() + " swapOuts=" + g.paging().hostSwapOuts() + " swapIns=" + g.counters().hostSwapIns()
                    + " doublePagings=" + g.paging().doublePagings() + " sharedBeforeSwap=" + g.paging().sharedBeforeSwap() + " popped=" + TranslationInternals.popped(g)
                    + " samplesPending=" + g.paging().samplesPending());
            lines.add(n + "pmap backed=" + g.pmap().backedPages() + " shared=" + g.pmap().sharedPages() + " ballooned="
                    + g.pmap().balloonedPages() + " swapped=" + g.pmap().swappedPages());
            for (int ppn = 0; ppn < g.pmap().pages(); ppn++) {
                lines.add(n + "ppn " + ppn + " -> " + g.pmap().mpn(ppn) + " state " + g.pmap().state(ppn));
            }
            for (int p = 0; p < TranslationInternals.tables(g).length; p++) {
                String table = n + "table " + p + " ";
                lines.add(table + "mapped=" + TranslationInternals.tables(g)[p].mappedCount() + " nodes=" + TranslationInternals.tables(g)[p].nodeCount());
                TranslationInternals.tables(g)[p].forEach((vpn, value) -> lines.add(table + Long.toHexString(vpn) + " -> " + value));
                if (TranslationInternals.shadow(g) != null) {
                    String shadow = n + "shadow " + p + " ";
                    lines.add(shadow + "mapped=" + TranslationInternals.shadow(g)[p].mappedCount());
                    TranslationInternals.shadow(g)[p].forEach((vpn, value) -> lines.add(shadow + Long.toHexString(vpn) + " -> " + value));
                }
            }
            if (TranslationInternals.rmap(g) != null) {
                lines.add(n + "rmap size=" + TranslationInternals.rmap(g).size());
            }
            TranslationInternals.tlb(g).forEach((key, mpn, ro) -> lines.add(n + "tlb " + Long.toHexString(key) + " -> " + mpn + (ro ? " ro" : "")));
            for (long key : probeKeys) {
                lines.add(n + "peek " + Long.toHexString(key) + " -> " + g.view().peekMpn(key));
            }
            lines.add(n + "pending notices " + g.pendingNotices());
        }
        return lines;
    }

    /** Refused calls counted per guest. */
    static long[] refused(HypervisorCore core) {
        long[] r = new long[core.guestCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = core.guest(i).counters().refusedHypercalls();
        }
        return r;
    }
}
