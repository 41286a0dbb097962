package ballast.host.balloon;

import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.host.memory.Pmap;
import java.util.Arrays;

/**
 * The hypervisor's side of a guest's memory-reservation calls (Xen's {@code decrease_reservation}
 * for a balloon inflate, {@code increase_reservation} for a deflate, and the guest OS's own
 * page-outs, which the virtual disk reads by DMA): each call is checked whole against the guest's
 * pmap before any PPN changes, and refused whole with a typed reason when one entry is wrong. The
 * caller applies an accepted call PPN by PPN.
 *
 * <p>Stateless; reads the guest's pmap, so it runs on the thread that owns it (the hypervisor's).
 */
public final class BalloonCalls {
    private BalloonCalls() {
    }

    /**
     * Why the guest OS may not page these PPNs out: one is out of range
     * ({@link RefusalReason#PPN_OUT_OF_RANGE}) or in the balloon ({@link RefusalReason#ALREADY_BALLOONED}:
     * the balloon driver holds it); null when it may.
     */
    public static Refusal checkPageOuts(Pmap pmap, int[] ppns) {
        for (int i = 0; i < ppns.length; i++) {
            int ppn = ppns[i];
            if (!pmap.isValidPpn(ppn)) {
                return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, -1,
                        "page-out " + i + ": PPN " + ppn + " outside 0.." + (pmap.pages() - 1));
            }
            if (pmap.state(ppn) == Pmap.BALLOONED) {
                return new Refusal(RefusalReason.ALREADY_BALLOONED, -1, "page-out " + i + ": PPN " + ppn + " is in the balloon");
            }
        }
        return null;
    }

    /**
     * Why these PPNs may not go into the balloon: one is out of range, already ballooned or named
     * twice, or the balloon would pass {@code capPages}; null when they may.
     */
    public static Refusal checkInflate(Pmap pmap, int[] ppns, long capPages) {
        Refusal r = outOfRange(pmap, ppns, "inflate");
        if (r != null) {
            return r;
        }
        for (int i = 0; i < ppns.length; i++) {
            if (pmap.state(ppns[i]) == Pmap.BALLOONED) {
                return new Refusal(RefusalReason.ALREADY_BALLOONED, -1, "inflate entry " + i + ": PPN " + ppns[i] + " is already in the balloon");
            }
        }
        int twice = duplicate(ppns);
        if (twice >= 0) {
            return new Refusal(RefusalReason.ALREADY_BALLOONED, -1, "inflate names PPN " + twice + " twice");
        }
        if (pmap.balloonedPages() + (long) ppns.length > capPages) {
            return new Refusal(RefusalReason.BALLOON_CAP, -1, "inflate of " + ppns.length + " pages onto "
                    + pmap.balloonedPages() + " would pass the balloon cap of " + capPages + " pages");
        }
        return null;
    }

    /**
     * Why these PPNs may not leave the balloon: one is out of range, not in the balloon or named
     * twice, or (a para-virtual guest, which gets its frames at once) fewer than that many frames
     * are free; null when they may.
     */
    public static Refusal checkDeflate(Pmap pmap, int[] ppns, boolean framesNow, long freeFrames) {
        Refusal r = outOfRange(pmap, ppns, "deflate");
        if (r != null) {
            return r;
        }
        for (int i = 0; i < ppns.length; i++) {
            if (pmap.state(ppns[i]) != Pmap.BALLOONED) {
                return new Refusal(RefusalReason.NOT_BALLOONED, -1, "deflate entry " + i + ": PPN " + ppns[i] + " is not in the balloon");
            }
        }
        int twice = duplicate(ppns);
        if (twice >= 0) {
            return new Refusal(RefusalReason.NOT_BALLOONED, -1, "deflate names PPN " + twice + " twice");
        }
        if (framesNow && freeFrames < ppns.length) {
            return new Refusal(RefusalReason.OUT_OF_MEMORY, -1, "deflate of " + ppns.length + " pages needs as many frames now, "
                    + freeFrames + " are free");
        }
        return null;
    }

    private static Refusal outOfRange(Pmap pmap, int[] ppns, String call) {
        for (int i = 0; i < ppns.length; i++) {
            if (!pmap.isValidPpn(ppns[i])) {
                return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, -1,
                        call + " entry " + i + ": PPN " + ppns[i] + " outside 0.." + (pmap.pages() - 1));
            }
        }
        return null;
    }

    /** A PPN named twice in {@code ppns} (valid PPNs), or -1. */
    private static int duplicate(int[] ppns) {
        int[] sorted = ppns.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return sorted[i];
            }
        }
        return -1;
    }
}
