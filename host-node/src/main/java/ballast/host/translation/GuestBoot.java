package ballast.host.translation;

import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.host.memory.Pmap;

/**
 * A guest's boot on its host: the guest must be the one the slot holds and not booted yet. A
 * para-virtual guest's whole reservation is populated now, as Xen's domain builder does (a guest
 * that arrived by live migration with PPNs in its balloon gets no frame for those, and its p2m
 * names none), and its p2m returned; it is refused when the host has too few free frames. Other
 * guests get frames lazily on first touch.
 *
 * <p>Stateless; called by the host's core on the hypervisor actor's thread.
 */
public final class GuestBoot {
    private GuestBoot() {
    }

    /**
     * Boots {@code g}, which the guest calls {@code name}, on host {@code host}.
     *
     * @return the p2m (empty for non-para guests), or null with the reason in {@code refusal[0]}
     */
    public static int[] boot(GuestMemory g, FramePool frames, String host, String name, Refusal[] refusal) {
        int index = g.index();
        if (!g.spec().name().equals(name)) {
            refusal[0] = new Refusal(RefusalReason.UNKNOWN_GUEST, index,
                    "guest " + index + " of host " + host + " is " + g.spec().name() + ", not " + name);
            return null;
        }
        if (g.booted()) {
            refusal[0] = new Refusal(RefusalReason.ALREADY_BOOTED, index, name + " has already booted");
            return null;
        }
        if (g.mode() != TranslationMode.PARA) {
            g.markBooted();
            return new int[0];
        }
        int pages = g.pmap().pages();
        // a guest that arrived by live migration is backed already, but for its balloon
        long needed = (long) pages - g.pmap().backedPages() - g.pmap().balloonedPages();
        if (frames.freeFrames() < needed) {
            refusal[0] = new Refusal(RefusalReason.OUT_OF_MEMORY, index,
                    name + " needs " + needed + " frames at boot, " + frames.freeFrames() + " are free");
            return null;
        }
        int[] p2m = new int[pages];
        for (int ppn = 0; ppn < pages; ppn++) {
            p2m[ppn] = g.pmap().state(ppn) == Pmap.BALLOONED ? FramePool.NO_FRAME : g.backing(ppn);
        }
        g.markBooted();
        return p2m;
    }
}
