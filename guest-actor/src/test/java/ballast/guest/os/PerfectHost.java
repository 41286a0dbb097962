package ballast.guest.os;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-checked hypervisor for one guest, for guest tests: a perfect memory per PPN that applies
 * a tick's work in the order the {@link Reservation} contract gives (page-outs, mmu_update entries,
 * operations, inflate, deflate), and fails the test on anything a correct guest never does: a read
 * or write of an unmapped page, a mapping of a ballooned PPN or of a frame that does not back its
 * PPN, a page-out of a ballooned PPN, an inflate of a PPN still mapped, a deflate of a PPN not in
 * the balloon. Para-virtual PPNs get frames {@code 1000 + ppn} at boot and fresh ones when
 * deflated (told by {@link #takeNotice()}). Inflate and deflate can be made to be refused.
 */
public final class PerfectHost {
    public final TranslationMode mode;
    public final int pages;
    /** Guest page table: key -> PPN (para: key -> MPN, with {@link #m2p}). */
    public final Map<Long, Integer> table = new HashMap<>();
    public final long[] memory;
    public final boolean[] ballooned;
    public final int[] p2m;
    public final Map<Integer, Integer> m2p = new HashMap<>();
    public int nextMpn;
    public boolean refuseInflate;
    public boolean refuseDeflate;
    /** Every page-out's content as the disk read it, in order. */
    public final List<Long> diskReads = new ArrayList<>();
    private final List<int[]> notice = new ArrayList<>();

    public PerfectHost(TranslationMode mode, int pages) {
        this.mode = mode;
        this.pages = pages;
        this.memory = new long[pages];
        this.ballooned = new boolean[pages];
        this.p2m = new int[pages];
        for (int ppn = 0; ppn < pages; ppn++) {
            p2m[ppn] = 1000 + ppn;
            m2p.put(p2m[ppn], ppn);
        }
        nextMpn = 1000 + pages;
    }

    public int[] bootP2m() {
        return mode == TranslationMode.PARA ? p2m.clone() : new int[0];
    }

    public TickResult apply(long tick, GuestOs.Work w) {
        return apply(tick, w.mmuUpdates(), w.ops(), w.values(), w.reservation());
    }

    public TickResult apply(long tick, List<MmuUpdate> mmu, long[] ops, long[] values, Reservation r) {
        Reservation res = r == null ? Reservation.NONE : r;
        for (int ppn : res.pageOuts()) {
            check(!ballooned[ppn], "page-out of ballooned PPN " + ppn);
            diskReads.add(memory[ppn]);
        }
        for (MmuUpdate u : mmu) {
            for (int i = 0; i < u.entries(); i++) {
                if (u.mpns()[i] == MmuUpdate.CLEAR) {
                    table.remove(u.keys()[i]);
                } else {
                    int ppn = u.ppns()[i];
                    check(p2m[ppn] == u.mpns()[i], "MPN " + u.mpns()[i] + " does not back PPN " + ppn);
                    check(!ballooned[ppn], "mapping of ballooned PPN " + ppn);
                    table.put(u.keys()[i], u.mpns()[i]);
                }
            }
        }
        long digest = Tokens.EMPTY_DIGEST;
        int reads = 0;
        int v = 0;
        for (long op : ops) {
            long key = Ops.keyOf(op);
            switch (Ops.kind(op)) {
                case Ops.READ -> {
                    digest = Tokens.fold(digest, memory[ppnOf(key, "read")]);
                    reads++;
                }
                case Ops.WRITE -> memory[ppnOf(key, "write")] = values[v++];
                case Ops.MAP -> {
                    int ppn = (int) values[v++];
                    check(!ballooned[ppn], "MAP of ballooned PPN " + ppn);
                    table.put(key, ppn);
                }
                case Ops.UNMAP -> check(table.remove(key) != null, "UNMAP of unmapped key " + Long.toHexString(key));
                default -> { }
            }
        }
        check(v == values.length, "values left over");
        int status = 0;
        if (res.inflate().length > 0) {
            if (refuseInflate) {
                status |= TickResult.INFLATE_REFUSED;
            } else {
                for (int ppn : res.inflate()) {
                    check(!ballooned[ppn], "inflate of ballooned PPN " + ppn);
                    check(!mappedPpns().contains(ppn), "inflate of mapped PPN " + ppn);
                    ballooned[ppn] = true;
                    memory[ppn] = 0xDEADL; // the frame is gone
                }
            }
        }
        if (res.deflate().length > 0) {
            boolean all = true;
            for (int ppn : res.deflate()) {
                all &= ballooned[ppn];
            }
            if (refuseDeflate || !all) {
                status |= TickResult.DEFLATE_REFUSED;
            } else {
                for (int ppn : res.deflate()) {
                    ballooned[ppn] = false;
                    memory[ppn] = Tokens.ZERO;
                    if (mode == TranslationMode.PARA) {
                        p2m[ppn] = nextMpn++;
                        m2p.put(p2m[ppn], ppn);
                        notice.add(new int[] {ppn, p2m[ppn]});
                    }
                }
            }
        }
        return new TickResult(tick, digest, reads, List.of(), status);
    }

    /** The para-virtual remap notice of the last tick (PPNs, MPNs), or null. */
    public int[][] takeNotice() {
        if (notice.isEmpty()) {
            return null;
        }
        int[][] n = {new int[notice.size()], new int[notice.size()]};
        for (int i = 0; i < notice.size(); i++) {
            n[0][i] = notice.get(i)[0];
            n[1][i] = notice.get(i)[1];
        }
        notice.clear();
        return n;
    }

    private int ppnOf(long key, String what) {
        Integer target = table.get(key);
        check(target != null, what + " of unmapped key " + Long.toHexString(key));
        int ppn = mode == TranslationMode.PARA ? m2p.get(target) : target;
        check(!ballooned[ppn], what + " of ballooned PPN " + ppn + " (the balloon would pop)");
        return ppn;
    }

    public java.util.Set<Integer> mappedPpns() {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        for (int t : table.values()) {
            s.add(mode == TranslationMode.PARA ? m2p.get(t) : t);
        }
        return s;
    }

    public int balloonSize() {
        int n = 0;
        for (boolean b : ballooned) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** The token at each key the guest maps. */
    public long read(long key) {
        return memory[ppnOf(key, "audit")];
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    @Override
    public String toString() {
        return "PerfectHost" + Arrays.toString(ballooned);
    }
}
