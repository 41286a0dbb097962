package ballast.host.translation;

import ballast.abi.Ops;
import ballast.host.memory.FramePool;
import ballast.host.memory.Pmap;
import java.util.function.Consumer;

/**
 * The large-page invariants of one guest: every standing large page's 512 pieces are backed, in
 * order, by one aligned run of 512 machine frames, each private to the guest and knowing its PPN
 * (a broken large page leaves ordinary mappings, checked as any others by the other audits); and
 * every large TLB entry translates a block the guest still maps, page for page, onto a standing
 * large page on the run the entry names. And of the host: the frame pool's count of wholly free
 * aligned runs agrees with a recount. Cost: 512 pmap entries per large page, 512 table lookups per
 * large TLB entry.
 */
public final class LargePageAudit {
    private LargePageAudit() {
    }

    /** Checks guest {@code g}'s large pages and large TLB entries, reporting each violation to {@code v}. */
    public static void check(GuestMemory g, FramePool frames, Consumer<String> v) {
        Pmap pmap = g.pmap();
        String name = g.spec().name();
        int index = g.index();
        int[] standing = {0};
        pmap.forEachLarge(first -> {
            standing[0]++;
            int base = pmap.mpn(first);
            if (base < 0 || (base & (FramePool.RUN_FRAMES - 1)) != 0) {
                v.accept("large pages: " + name + " PPN " + first + " is a large page on unaligned MPN " + base);
                return;
            }
            for (int i = 0; i < Pmap.LARGE_PAGES; i++) {
                int ppn = first + i;
                int mpn = pmap.mpn(ppn);
                if (pmap.state(ppn) != Pmap.BACKED || mpn != base + i || frames.owner(mpn) != index
                        || frames.m2p(mpn) != ppn) {
                    v.accept("large pages: " + name + " PPN " + ppn + " of the large page at PPN " + first + " is on MPN "
                            + mpn + " (state " + pmap.state(ppn) + ", owner " + (mpn >= 0 ? frames.owner(mpn) : -1)
                            + "), not on MPN " + (base + i) + " of the guest's run");
                    return;
                }
            }
        });
        if (standing[0] != pmap.largePages()) {
            v.accept("large pages: " + name + " counts " + pmap.largePages() + " large pages, its bitmap holds " + standing[0]);
        }
        g.tlb().forEachLarge((firstKey, base, readOnly) -> {
            int process = Ops.process(firstKey);
            long firstVpn = Ops.vpn(firstKey);
            if (process >= g.tables().length) {
                v.accept("large pages: " + name + " caches a large TLB entry of process " + process);
                return;
            }
            int firstPpn = g.tables()[process].get(firstVpn);
            if (firstPpn < 0 || !pmap.isLarge(firstPpn) || pmap.mpn(firstPpn) != base) {
                v.accept("large pages: " + name + " caches VPN block " + firstVpn + " of process " + process + " on MPN "
                        + base + ", but it maps PPN " + firstPpn + (firstPpn >= 0 ? " on MPN " + pmap.mpn(firstPpn) : ""));
                return;
            }
            for (int i = 0; i < Pmap.LARGE_PAGES; i++) {
                if (g.tables()[process].get(firstVpn + i) != firstPpn + i) {
                    v.accept("large pages: " + name + " caches VPN block " + firstVpn + " of process " + process
                            + " as one large page, but VPN " + (firstVpn + i) + " maps PPN "
                            + g.tables()[process].get(firstVpn + i));
                    return;
                }
            }
        });
    }

    /** Checks the pool's count of wholly free aligned runs against a recount. */
    public static void checkPool(FramePool frames, Consumer<String> v) {
        if (!frames.runsEnabled()) {
            return;
        }
        int runs = frames.totalFrames() / FramePool.RUN_FRAMES;
        int whole = 0;
        for (int r = 0; r < runs; r++) {
            int free = 0;
            for (int mpn = r * FramePool.RUN_FRAMES; mpn < (r + 1) * FramePool.RUN_FRAMES; mpn++) {
                if (frames.owner(mpn) == FramePool.FREE) {
                    free++;
                }
            }
            if (free == FramePool.RUN_FRAMES) {
                whole++;
            }
        }
        if (whole != frames.wholeFreeRuns()) {
            v.accept("large pages: " + whole + " aligned runs are wholly free, the pool counts " + frames.wholeFreeRuns());
        }
    }
}
