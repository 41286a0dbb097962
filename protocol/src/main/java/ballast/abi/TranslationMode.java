package ballast.abi;

import java.util.Locale;

/** How a guest's addresses are translated to machine frames. */
public enum TranslationMode {
    /**
     * Full virtualization: an unmodified guest keeps VPN -> PPN tables; every write to them traps
     * and the hypervisor keeps a shadow VPN -> MPN table coherent; a shadow miss is a hidden fault.
     */
    FULL,
    /**
     * Paravirtualization (Xen-style direct paging): the guest knows its machine frames, maps
     * VPN -> MPN itself and sends its page-table updates as batched, validated {@code mmu_update}
     * hypercalls.
     */
    PARA,
    /**
     * Hardware nested paging (EPT/NPT): page-table writes do not trap; a TLB miss walks the guest
     * table and the nested table, up to 24 memory references instead of 4.
     */
    NESTED;

    /** The scenario spelling: {@code full}, {@code para}, {@code nested}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the scenario spelling, or returns null. */
    public static TranslationMode fromConfigName(String name) {
        for (TranslationMode m : values()) {
            if (m.configName().equals(name)) {
                return m;
            }
        }
        return null;
    }
}
