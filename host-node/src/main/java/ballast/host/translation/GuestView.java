package ballast.host.translation;

import ballast.abi.Ops;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import ballast.host.memory.RadixPageTable;

/**
 * What one guest would read right now, through the hypervisor's own tables and without side
 * effects (no TLB fill, no counter, no frame given): for the end-of-run audit of the guest's
 * integrity record and for the invariant checks' TLB coherence. A full or nested guest's tables
 * map VPN to PPN and the pmap gives the frame; a para-virtual guest's tables hold the frame.
 *
 * <p>Reads the tables of its {@link GuestMemory} (the same arrays, whose entries that guest
 * replaces on release); owns nothing. On the hypervisor actor's thread, not thread-safe.
 */
public final class GuestView {
    private final int index;
    private final TranslationMode mode;
    private final RadixPageTable[] tables;
    private final Pmap pmap;
    private final FramePool frames;
    private final HostSwap swap;

    GuestView(int index, TranslationMode mode, RadixPageTable[] tables, Pmap pmap, FramePool frames, HostSwap swap) {
        this.index = index;
        this.mode = mode;
        this.tables = tables;
        this.pmap = pmap;
        this.frames = frames;
        this.swap = swap;
    }

    /**
     * What the guest would read at {@code key} right now, without touching the TLB or any counter;
     * {@link FramePool#NO_FRAME} when unmapped.
     */
    public int peekMpn(long key) {
        int process = Ops.process(key);
        if (process >= tables.length) {
            return FramePool.NO_FRAME;
        }
        int target = tables[process].get(Ops.vpn(key));
        if (target < 0) {
            return FramePool.NO_FRAME;
        }
        if (mode == TranslationMode.PARA) {
            return target;
        }
        return pmap.isValidPpn(target) ? pmap.mpn(target) : FramePool.NO_FRAME;
    }

    /** {@link #peekTarget}: the guest has no (valid) mapping at the key. */
    public static final int UNMAPPED = -2;

    /**
     * Like {@link #peekMpn}, but tells a key the guest has not mapped ({@link #UNMAPPED}) from a key
     * mapped to a guest-physical page that has no frame yet ({@link FramePool#NO_FRAME}, which reads
     * as the zero page on first touch).
     */
    public int peekTarget(long key) {
        int process = Ops.process(key);
        if (key < 0 || key > Ops.KEY_MASK || process >= tables.length) {
            return UNMAPPED;
        }
        int target = tables[process].get(Ops.vpn(key));
        if (target < 0) {
            return UNMAPPED;
        }
        if (mode == TranslationMode.PARA) {
            return target;
        }
        return pmap.isValidPpn(target) && pmap.state(target) != Pmap.BALLOONED ? pmap.mpn(target) : UNMAPPED;
    }

    /** Keys whose targets are found before their frames' tokens are read (the audit's batch). */
    private static final int BATCH = 256;

    /**
     * The integrity audit of the first {@code n} keys: how many of them the guest would not read
     * back as {@code tokens[i]} right now, without side effects. A key the guest has no valid
     * mapping at, or whose mapping reaches a ballooned PPN, counts as a difference; a page with no
     * frame yet reads as the zero page; a swapped page reads its content from host swap.
     *
     * <p>A batch of keys is translated first (the guest's own tables and pmap), then the frames'
     * tokens are read in a loop of independent loads: the frames are scattered over the host's
     * pool, and loads issued together wait for their cache lines together.
     */
    public long mismatches(long[] keys, long[] tokens, int n) {
        int[] targets = new int[Math.min(BATCH, n)];
        long[] read = new long[targets.length];
        long mismatches = 0;
        for (int first = 0; first < n; first += BATCH) {
            int count = Math.min(BATCH, n - first);
            for (int i = 0; i < count; i++) {
                targets[i] = peekTarget(keys[first + i]);
            }
            for (int i = 0; i < count; i++) {
                int target = targets[i];
                if (target >= 0) {
                    read[i] = frames.token(target);
                }
            }
            for (int i = 0; i < count; i++) {
                int target = targets[i];
                if (target == UNMAPPED) {
                    mismatches++;
                    continue;
                }
                long key = keys[first + i];
                long token = target != FramePool.NO_FRAME ? read[i] : contentWithoutFrame(key);
                if (token != tokens[first + i]) {
                    mismatches++;
                }
            }
        }
        return mismatches;
    }

    /** What a mapped page without a frame reads: its host swap copy when swapped, else the zero page. */
    private long contentWithoutFrame(long key) {
        int ppn = tables[Ops.process(key)].get(Ops.vpn(key));
        return pmap.state(ppn) == Pmap.SWAPPED ? swap.peek(index, ppn) : Tokens.ZERO;
    }
}
