package ballast.host.translation;

import ballast.abi.Ops;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The isolation invariant over one guest's translation structures: every para-virtual entry maps
 * a frame that is the guest's or shared, and exactly the frame now behind the PPN it was validated
 * for, and is in the reverse map; every guest-table entry maps a PPN inside the guest's memory;
 * every shadow entry agrees with the guest table and the pmap and is in the reverse map; every TLB
 * entry agrees with the tables, and a shared frame is never cached writable. Part of the host's
 * invariant check ({@code ballast.host.HostInvariants}), which owns the other invariants.
 *
 * <p>Stateless; reads the guest's structures without changing them. Called on the hypervisor
 * actor's thread (or a test's).
 */
public final class TableAudit {
    private TableAudit() {
    }

    /**
     * Reports each violation of {@code g}'s tables to {@code v}; {@code owner} names a frame owner
     * (another guest, free, reserved) for the message.
     */
    public static void check(GuestMemory g, FramePool frames, IntFunction<String> owner, Consumer<String> v) {
        String name = g.spec().name();
        ParaEntries para = g.mode() == TranslationMode.PARA ? new ParaEntries(g, frames, owner, v) : null;
        for (int p = 0; p < g.tables().length; p++) {
            final int process = p;
            if (para != null) {
                para.process = process;
                g.tables()[p].forEach(para::add);
                para.checkBatch();
            } else {
                g.tables()[p].forEach((vpn, ppn) -> {
                    if (!g.pmap().isValidPpn(ppn)) {
                        v.accept("isolation: " + name + " process " + process + " VPN 0x" + Long.toHexString(vpn) + " maps PPN " + ppn + " outside its memory");
                    }
                });
            }
            if (g.shadow() != null) {
                g.shadow()[p].forEach((vpn, mpn) -> {
                    long key = Ops.key(process, vpn);
                    int ppn = g.tables()[process].get(vpn);
                    if (ppn < 0 || !g.pmap().isValidPpn(ppn) || g.pmap().mpn(ppn) != mpn) {
                        v.accept("isolation: " + name + " stale shadow entry process " + process + " VPN 0x"
                                + Long.toHexString(vpn) + " -> MPN " + mpn);
                    } else if (!g.rmap().contains(ppn, key)) {
                        v.accept("isolation: " + name + " shadow entry VPN 0x" + Long.toHexString(vpn) + " missing from the reverse map of PPN " + ppn);
                    }
                });
            }
        }
        g.tlb().forEach((key, mpn, readOnly) -> {
            int expected = g.view().peekMpn(key);
            if (expected != mpn) {
                v.accept("isolation: " + name + " stale TLB entry process " + Ops.process(key) + " VPN 0x"
                        + Long.toHexString(Ops.vpn(key)) + " -> MPN " + mpn + ", tables say " + expected);
            } else if (!readOnly && frames.isValid(mpn) && frames.owner(mpn) == FramePool.SHARED) {
                v.accept("isolation: " + name + " TLB caches shared MPN " + mpn + " writable");
            }
        });
    }

    /**
     * A para-virtual guest's table entries, checked in batches of {@link #BATCH} in table order:
     * the owners of a batch's frames are read first, in a loop of independent loads (the frames are
     * scattered over the host's pool, and loads issued together wait for their cache lines
     * together), then each entry is checked as it comes.
     */
    private static final class ParaEntries {
        private static final int BATCH = 256;
        private final GuestMemory g;
        private final FramePool frames;
        private final IntFunction<String> owner;
        private final Consumer<String> v;
        private final String name;
        private final long[] vpns = new long[BATCH];
        private final int[] mpns = new int[BATCH];
        private final int[] owners = new int[BATCH];
        private int count;
        int process;

        ParaEntries(GuestMemory g, FramePool frames, IntFunction<String> owner, Consumer<String> v) {
            this.g = g;
            this.frames = frames;
            this.owner = owner;
            this.v = v;
            this.name = g.spec().name();
        }

        void add(long vpn, int mpn) {
            vpns[count] = vpn;
            mpns[count++] = mpn;
            if (count == BATCH) {
                checkBatch();
            }
        }

        void checkBatch() {
            for (int i = 0; i < count; i++) {
                int mpn = mpns[i];
                if (frames.isValid(mpn)) {
                    owners[i] = frames.owner(mpn);
                }
            }
            for (int i = 0; i < count; i++) {
                check(vpns[i], mpns[i], owners[i]);
            }
            count = 0;
        }

        private void check(long vpn, int mpn, int frameOwner) {
            int ppn = g.paraPpn()[process].get(vpn);
            if (!frames.isValid(mpn)) {
                v.accept("isolation: " + name + " process " + process + " VPN 0x" + Long.toHexString(vpn) + " maps nonexistent MPN " + mpn);
            } else if (frameOwner != g.index() && frameOwner != FramePool.SHARED) {
                v.accept("isolation: " + name + " process " + process + " VPN 0x" + Long.toHexString(vpn)
                        + " maps MPN " + mpn + " owned by " + owner.apply(frameOwner));
            } else if (ppn < 0 || !g.pmap().isValidPpn(ppn) || g.pmap().mpn(ppn) != mpn) {
                v.accept("isolation: " + name + " para-virtual entry process " + process + " VPN 0x" + Long.toHexString(vpn)
                        + " maps MPN " + mpn + " but its PPN " + ppn + " is on MPN "
                        + (ppn >= 0 && g.pmap().isValidPpn(ppn) ? g.pmap().mpn(ppn) : -1));
            } else if (!g.rmap().contains(ppn, Ops.key(process, vpn))) {
                v.accept("isolation: " + name + " para-virtual entry VPN 0x" + Long.toHexString(vpn)
                        + " missing from the reverse map of PPN " + ppn);
            }
        }
    }
}
