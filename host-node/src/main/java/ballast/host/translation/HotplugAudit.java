package ballast.host.translation;

import ballast.abi.Ops;
import ballast.host.hotplug.HotplugDevice;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import java.util.function.Consumer;

/**
 * The invariant of a guest's unplugged memory: every PPN of an unplugged block is unbacked (no
 * frame, no share, no host swap slot, not ballooned), no entry of the guest's tables maps it, no
 * shadow entry or reverse-map entry is built from it, and the device counts its plugged blocks
 * right. Part of the host's invariant check ({@code ballast.host.HostInvariants}); frames adding
 * up is that check's own.
 *
 * <p>Stateless; reads the guest's structures without changing them.
 */
public final class HotplugAudit {
    private HotplugAudit() {
    }

    /** Reports each violation of {@code g}'s unplugged blocks to {@code v}; nothing for a guest without a device. */
    public static void check(GuestMemory g, HostSwap swap, Consumer<String> v) {
        HotplugDevice d = g.hotplug();
        if (d == null) {
            return;
        }
        String name = g.spec().name();
        Pmap pmap = g.pmap();
        int plugged = 0;
        for (int b = 0; b < d.blocks(); b++) {
            if (d.isPluggedBlock(b)) {
                plugged++;
                continue;
            }
            int first = b * d.blockPages();
            for (int ppn = first; ppn < first + d.blockPages(); ppn++) {
                if (pmap.state(ppn) != Pmap.UNBACKED || pmap.mpn(ppn) != FramePool.NO_FRAME) {
                    v.accept("hotplug: " + name + " unplugged PPN " + ppn + " is in state " + pmap.state(ppn) + " on MPN "
                            + pmap.mpn(ppn));
                }
                if (swap.slot(g.index(), ppn) != HostSwap.NO_SLOT) {
                    v.accept("hotplug: " + name + " unplugged PPN " + ppn + " holds swap slot " + swap.slot(g.index(), ppn));
                }
                if (g.rmap() != null && g.rmap().count(ppn) != 0) {
                    v.accept("hotplug: " + name + " unplugged PPN " + ppn + " has " + g.rmap().count(ppn)
                            + " reverse-map entries");
                }
            }
        }
        if (plugged != d.pluggedBlocks()) {
            v.accept("hotplug: " + name + " device counts " + d.pluggedBlocks() + " plugged blocks, found " + plugged);
        }
        for (int p = 0; p < g.tables().length; p++) {
            final int process = p;
            g.tables()[p].forEach((vpn, ppn) -> {
                if (ppn >= 0 && pmap.isValidPpn(ppn) && !d.isPlugged(ppn)) {
                    v.accept("hotplug: " + name + " process " + process + " VPN 0x" + Long.toHexString(vpn)
                            + " maps unplugged PPN " + ppn + " (key " + Ops.key(process, vpn) + ")");
                }
            });
        }
    }
}
