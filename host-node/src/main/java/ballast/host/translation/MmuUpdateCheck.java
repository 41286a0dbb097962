package ballast.host.translation;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.host.memory.FramePool;
import ballast.host.memory.Pmap;

/**
 * Validates a para-virtual guest's {@code mmu_update} hypercall before any entry is written, as
 * Xen's direct paging does: every entry's address is in the 48-bit space and its process exists,
 * and every frame it installs exists and is the guest's (named by its MPN alone, or by MPN and the
 * PPN it backs, in which case the pmap must agree). A batch is applied whole or refused whole.
 *
 * <p>Stateless; reads the frame pool and the guest's pmap, so it runs on the thread that owns them.
 */
public final class MmuUpdateCheck {
    private MmuUpdateCheck() {
    }

    /**
     * Why hypercall {@code h} ({@code update}) of guest {@code guestIndex} may not be applied, or
     * null when it may.
     *
     * @param modeName the guest's mode as configured, for the refusal of a guest that is not para-virtual
     */
    public static Refusal check(int h, MmuUpdate update, int guestIndex, String name, boolean para, String modeName,
                                int processes, int maxEntries, Pmap pmap, FramePool frames) {
        if (!para) {
            return new Refusal(RefusalReason.NOT_PARAVIRTUAL, h, name + " is a " + modeName + " guest");
        }
        if (update == null || update.keys() == null || update.mpns() == null
                || update.keys().length != update.mpns().length
                || update.ppns() != null && update.ppns().length != update.keys().length) {
            return new Refusal(RefusalReason.MALFORMED, h, "mmu_update keys, values and PPNs differ in length");
        }
        int n = update.keys().length;
        if (n > maxEntries) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, h,
                    "mmu_update of " + n + " entries, at most " + maxEntries);
        }
        long[] keys = update.keys();
        int[] mpns = update.mpns();
        int[] ppns = update.ppns();
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            if (key < 0 || key > Ops.KEY_MASK) {
                return new Refusal(RefusalReason.VPN_OUT_OF_RANGE, h,
                        "entry " + i + ": address 0x" + Long.toHexString(key) + " is outside the 48-bit address space");
            }
            if (Ops.process(key) >= processes) {
                return new Refusal(RefusalReason.PROCESS_OUT_OF_RANGE, h,
                        "entry " + i + ": process " + Ops.process(key) + " of " + processes);
            }
            int mpn = mpns[i];
            if (mpn == MmuUpdate.CLEAR) {
                continue;
            }
            if (!frames.isValid(mpn)) {
                return new Refusal(RefusalReason.FRAME_OUT_OF_RANGE, h, "entry " + i + ": MPN " + mpn + " does not exist");
            }
            if (ppns == null) {
                if (frames.owner(mpn) != guestIndex) {
                    return new Refusal(RefusalReason.FRAME_NOT_OWNED, h,
                            "entry " + i + ": MPN " + mpn + " is not " + name + "'s");
                }
                continue;
            }
            int ppn = ppns[i];
            if (!pmap.isValidPpn(ppn)) {
                return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, h,
                        "entry " + i + ": PPN " + ppn + " outside 0.." + (pmap.pages() - 1));
            }
            if (pmap.mpn(ppn) != mpn) {
                return new Refusal(RefusalReason.FRAME_NOT_OWNED, h, "entry " + i + ": MPN " + mpn + " does not back "
                        + name + "'s PPN " + ppn + (pmap.mpn(ppn) >= 0 ? " (it is on MPN " + pmap.mpn(ppn) + " now)" : ""));
            }
        }
        return null;
    }
}
