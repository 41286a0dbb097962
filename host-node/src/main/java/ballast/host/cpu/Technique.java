package ballast.host.cpu;

import ballast.abi.TranslationMode;

/**
 * How a guest's CPU is virtualized, which decides what each kernel event costs and whether it
 * traps, exits or calls the hypervisor (see {@link TechniqueCosts}).
 */
public enum Technique {
    /**
     * {@code full} with {@code binary-translation = on}: privileged instructions trap and are
     * emulated; kernel code blocks holding sensitive instructions that would fail silently are
     * translated on their first run and served from a translation cache afterwards.
     */
    BINARY_TRANSLATION("binary-translation"),
    /**
     * {@code full} with {@code binary-translation = off}: privileged instructions trap and are
     * emulated, but the sensitive unprivileged ones run as they are and fail silently: the guest
     * runs incorrectly.
     */
    TRAP_AND_EMULATE("trap-and-emulate"),
    /** {@code para}: the ported kernel calls the hypervisor instead (Xen's interface). */
    PARAVIRTUAL("paravirtual"),
    /** {@code nested} with {@code nested-paging = on}: VT-x/AMD-V with EPT/NPT. */
    HARDWARE_NESTED_PAGING("hardware-nested-paging"),
    /**
     * {@code nested} with {@code nested-paging = off}: first-generation VT-x, shadow page tables kept
     * by exits on guest page-table writes and page faults (the configuration Adams and Agesen measured).
     */
    HARDWARE_SHADOW_PAGING("hardware-shadow-paging");

    private final String configName;

    Technique(String configName) {
        this.configName = configName;
    }

    /** The name in {@code summary.json}: {@code binary-translation}, {@code paravirtual}, ... */
    public String configName() {
        return configName;
    }

    public static Technique of(TranslationMode mode, boolean binaryTranslation, boolean nestedPaging) {
        switch (mode) {
            case FULL:
                return binaryTranslation ? BINARY_TRANSLATION : TRAP_AND_EMULATE;
            case PARA:
                return PARAVIRTUAL;
            case NESTED:
                return nestedPaging ? HARDWARE_NESTED_PAGING : HARDWARE_SHADOW_PAGING;
            default:
                throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    /** Whether the hypervisor keeps shadow page tables (VPN -> MPN) for the guest. */
    public boolean shadowPaging() {
        return this == BINARY_TRANSLATION || this == TRAP_AND_EMULATE || this == HARDWARE_SHADOW_PAGING;
    }
}
