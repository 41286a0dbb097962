package ballast.host;

import ballast.host.translation.GuestMemory;
import ballast.host.translation.TableAudit;
import ballast.host.translation.LargePageAudit;
import ballast.host.sharing.SharedFrames;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import java.util.ArrayList;
import java.util.List;

/**
 * The structural invariants (docs/reliability.md), checked over one host's whole state:
 * <ol>
 *   <li>frame conservation: free + private + shared + host-reserved + compression cache = total, and the pool's own
 *       counts agree with a recount of every frame's owner;</li>
 *   <li>refcounts: every frame's count equals the number of (guest, PPN) entries mapping it;
 *       a private frame is mapped exactly once (and knows its PPN), a free or reserved frame
 *       never; the count of pages on shared frames agrees with the pmaps; at most one shared
 *       frame holds the zero page; a ballooned, swapped or unbacked PPN has no frame, and the
 *       pmap's counts of ballooned and swapped PPNs agree with its entries; host swap: every
 *       swapped PPN holds exactly one slot, every slot in use is held by exactly the swapped PPN
 *       it records, and the slots in use are as many as the swapped PPNs;</li>
 *   <li>isolation: no guest maps another guest's private frame, through its pmap, its
 *       para-virtual tables, its shadow tables or its TLB; a shared frame is never cached
 *       writable; every shadow, para-virtual and TLB entry agrees with the guest table and the
 *       pmap (a para-virtual entry maps exactly the frame now behind the PPN it was validated
 *       for, so a merged or unshared page is never reached through its old frame); with large
 *       pages, every standing large page on one aligned run of 512 frames of its guest, and every
 *       large TLB entry on a block the guest maps onto it ({@link LargePageAudit}).</li>
 * </ol>
 * Integrity (invariant 4) is checked by auditing the guests' records ({@link HypervisorCore#audit}).
 * Cost: one pass over every frame, every pmap entry and every table entry.
 */
final class HostInvariants {
    /** Number of invariants one {@link #check} evaluates. */
    static final int CHECKS = 3;
    private static final int MAX_REPORTED = 20;
    /** PPNs whose frames' owners are read ahead of their checks. */
    private static final int BATCH = 256;

    private HostInvariants() {
    }

    static List<String> check(String host, FramePool frames, GuestMemory[] guests, SharedFrames sharedFrames, HostSwap swap) {
        Violations v = new Violations(host);
        int total = frames.totalFrames();
        int free = 0;
        int reserved = 0;
        int shared = 0;
        int owned = 0;
        int cache = 0;
        for (int mpn = 0; mpn < total; mpn++) {
            int owner = frames.owner(mpn);
            if (owner == FramePool.FREE) {
                free++;
            } else if (owner == FramePool.HOST_RESERVED) {
                reserved++;
            } else if (owner == FramePool.SHARED) {
                shared++;
            } else if (owner == FramePool.COMPRESSION_CACHE) {
                cache++;
            } else if (owner >= 0 && owner < guests.length) {
                owned++;
            } else {
                v.add("frame conservation: MPN " + mpn + " has unknown owner " + owner);
            }
        }
        if (free != frames.freeFrames() || reserved != frames.reservedFrames() || shared != frames.sharedFrames()
                || cache != frames.cacheFrames() || free + owned + shared + reserved + cache != total) {
            v.add("frame conservation: free " + free + " + private " + owned + " + shared " + shared
                    + " + reserved " + reserved + " + compression cache " + cache + " != total " + total
                    + " (pool says free " + frames.freeFrames() + ", shared " + frames.sharedFrames() + ", reserved "
                    + frames.reservedFrames() + ", compression cache " + frames.cacheFrames() + ")");
        }

        int[] mappings = new int[total];
        int[] owners = new int[BATCH];
        long sharedMappings = 0;
        long swappedPages = 0;
        for (GuestMemory g : guests) {
            Pmap pmap = g.pmap();
            int backed = 0;
            int sharedPages = 0;
            int ballooned = 0;
            int swapped = 0;
            for (int first = 0; first < pmap.pages(); first += BATCH) {
                int end = Math.min(pmap.pages(), first + BATCH);
                // The frames' owners first, in a loop of independent loads: a guest's frames are scattered
                // over the pool, and loads issued together wait for their cache lines together.
                for (int ppn = first; ppn < end; ppn++) {
                    int mpn = pmap.mpn(ppn);
                    if (frames.isValid(mpn)) {
                        owners[ppn - first] = frames.owner(mpn);
                        mappings[mpn]++;
                    }
                }
                for (int ppn = first; ppn < end; ppn++) {
                    int mpn = pmap.mpn(ppn);
                    byte st = pmap.state(ppn);
                    if (st == Pmap.BALLOONED) {
                        ballooned++;
                    } else if (st == Pmap.SWAPPED) {
                        swapped++;
                        int slot = swap.slot(g.index(), ppn);
                        if (slot == HostSwap.NO_SLOT) {
                            v.add("refcounts: " + g.spec().name() + " PPN " + ppn + " is swapped but holds no swap slot");
                        } else if (swap.owner(slot) != g.index() || swap.ppn(slot) != ppn) {
                            v.add("refcounts: " + g.spec().name() + " PPN " + ppn + " holds swap slot " + slot + ", which records guest "
                                    + swap.owner(slot) + " PPN " + swap.ppn(slot));
                        }
                    } else if (swap.slot(g.index(), ppn) != HostSwap.NO_SLOT) {
                        v.add("refcounts: " + g.spec().name() + " PPN " + ppn + " holds swap slot " + swap.slot(g.index(), ppn)
                                + " but is not swapped");
                    }
                    if ((st == Pmap.BALLOONED || st == Pmap.SWAPPED || st == Pmap.UNBACKED) != (mpn == FramePool.NO_FRAME)) {
                        v.add("frame conservation: " + g.spec().name() + " PPN " + ppn + " in state " + st + " maps MPN " + mpn);
                    }
                    if (mpn == FramePool.NO_FRAME) {
                        continue;
                    }
                    backed++;
                    if (!frames.isValid(mpn)) {
                        v.add("isolation: " + g.spec().name() + " PPN " + ppn + " maps nonexistent MPN " + mpn);
                        continue;
                    }
                    int owner = owners[ppn - first];
                    byte state = pmap.state(ppn);
                    if (state == Pmap.SHARED) {
                        sharedPages++;
                    }
                    if (state == Pmap.BACKED && owner != g.index()) {
                        v.add("isolation: " + g.spec().name() + " PPN " + ppn + " maps MPN " + mpn + " owned by " + describe(owner, guests));
                    } else if (state == Pmap.SHARED && owner != FramePool.SHARED) {
                        v.add("isolation: " + g.spec().name() + " PPN " + ppn + " is shared but MPN " + mpn + " is not");
                    } else if (state == Pmap.BACKED && frames.m2p(mpn) != ppn) {
                        v.add("refcounts: " + g.spec().name() + " PPN " + ppn + " maps MPN " + mpn + " whose machine-to-physical entry says PPN "
                                + frames.m2p(mpn));
                    }
                }
            }
            if (backed != pmap.backedPages()) {
                v.add("refcounts: " + g.spec().name() + " pmap counts " + pmap.backedPages() + " backed pages, found " + backed);
            }
            if (sharedPages != pmap.sharedPages()) {
                v.add("refcounts: " + g.spec().name() + " pmap counts " + pmap.sharedPages() + " shared pages, found " + sharedPages);
            }
            if (ballooned != pmap.balloonedPages() || swapped != pmap.swappedPages()) {
                v.add("refcounts: " + g.spec().name() + " pmap counts " + pmap.balloonedPages() + " ballooned and "
                        + pmap.swappedPages() + " swapped pages, found " + ballooned + " and " + swapped);
            }
            sharedMappings += sharedPages;
            swappedPages += swapped;
        }
        int slotsInUse = 0;
        for (int slot = 0; slot < swap.slotsTouched(); slot++) {
            int owner = swap.owner(slot);
            if (owner == HostSwap.FREE) {
                continue;
            }
            slotsInUse++;
            if (owner < 0 || owner >= guests.length || !guests[owner].pmap().isValidPpn(swap.ppn(slot))
                    || swap.slot(owner, swap.ppn(slot)) != slot) {
                v.add("refcounts: swap slot " + slot + " records guest " + owner + " PPN " + swap.ppn(slot)
                        + ", which does not hold it");
            }
        }
        if (slotsInUse != swap.used() || slotsInUse != swappedPages) {
            v.add("refcounts: " + slotsInUse + " swap slots in use (the swap counts " + swap.used() + ") for "
                    + swappedPages + " swapped PPNs");
        }
        if (sharedMappings != sharedFrames.mappings()) {
            v.add("refcounts: " + sharedMappings + " guest pages map shared frames, the hypervisor counts " + sharedFrames.mappings());
        }
        int sharedZeroFrames = 0;
        for (int mpn = 0; mpn < total; mpn++) {
            if (frames.owner(mpn) == FramePool.SHARED && frames.token(mpn) == ballast.abi.Tokens.ZERO) {
                sharedZeroFrames++;
                if (mpn != sharedFrames.zeroFrame()) {
                    v.add("refcounts: shared MPN " + mpn + " holds the zero page but the zero frame is " + sharedFrames.zeroFrame());
                }
            }
        }
        if (sharedZeroFrames > 1) {
            v.add("refcounts: " + sharedZeroFrames + " shared frames hold the zero page; at most one may");
        }
        for (int mpn = 0; mpn < total; mpn++) {
            int owner = frames.owner(mpn);
            int expected = mappings[mpn];
            if (owner == FramePool.FREE || owner == FramePool.HOST_RESERVED || owner == FramePool.COMPRESSION_CACHE) {
                if (expected != 0 || frames.refcount(mpn) != 0) {
                    v.add("refcounts: " + describe(owner, guests) + " MPN " + mpn + " has refcount "
                            + frames.refcount(mpn) + " and " + expected + " mappings");
                }
            } else if (frames.refcount(mpn) != expected || (owner >= 0 && expected != 1)) {
                v.add("refcounts: MPN " + mpn + " (" + describe(owner, guests) + ") has refcount "
                        + frames.refcount(mpn) + " but " + expected + " mappings");
            }
        }

        for (GuestMemory g : guests) {
            TableAudit.check(g, frames, owner -> describe(owner, guests), v::add);
            LargePageAudit.check(g, frames, v::add);
            ballast.host.translation.HotplugAudit.check(g, swap, v::add);
        }
        LargePageAudit.checkPool(frames, v::add);
        return v.list();
    }

    private static String describe(int owner, GuestMemory[] guests) {
        if (owner == FramePool.FREE) {
            return "free";
        }
        if (owner == FramePool.HOST_RESERVED) {
            return "host-reserved";
        }
        if (owner == FramePool.SHARED) {
            return "shared";
        }
        if (owner == FramePool.COMPRESSION_CACHE) {
            return "compression-cache";
        }
        return owner >= 0 && owner < guests.length ? "guest " + guests[owner].spec().name() : "owner " + owner;
    }

    /** Collects violation lines, keeping the first few and counting the rest. */
    private static final class Violations {
        private final String host;
        private final List<String> lines = new ArrayList<>();
        private int dropped;

        Violations(String host) {
            this.host = host;
        }

        void add(String line) {
            if (lines.size() < MAX_REPORTED) {
                lines.add(host + ": " + line);
            } else {
                dropped++;
            }
        }

        List<String> list() {
            if (dropped > 0) {
                lines.add(host + ": ... and " + dropped + " more violations");
            }
            return lines;
        }
    }
}
