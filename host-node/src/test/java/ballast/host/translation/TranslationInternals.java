package ballast.host.translation;

import ballast.host.memory.RadixPageTable;
import ballast.host.memory.ReverseMap;
import ballast.host.memory.Tlb;

/**
 * Test access to a guest's translation structures (its TLB, guest tables, shadow tables,
 * para-virtual PPN record and reverse map), which the main code keeps inside this package: tests
 * of other packages read them to assert what a change did, and corrupt them on purpose to check
 * that the invariant check finds it.
 */
public final class TranslationInternals {
    private TranslationInternals() {
    }

    public static Tlb tlb(GuestMemory g) {
        return g.tlb();
    }

    public static RadixPageTable[] tables(GuestMemory g) {
        return g.tables();
    }

    public static RadixPageTable[] shadow(GuestMemory g) {
        return g.shadow();
    }

    public static RadixPageTable[] paraPpn(GuestMemory g) {
        return g.paraPpn();
    }

    public static ReverseMap rmap(GuestMemory g) {
        return g.rmap();
    }

    public static boolean popped(GuestMemory g) {
        return g.popped();
    }
}
