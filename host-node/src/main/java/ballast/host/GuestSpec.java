package ballast.host;

import ballast.host.abi.TranslationMode;
import ballast.host.cpu.CpuSpec;
import ballast.host.cpu.Technique;

/**
 * What the hypervisor knows of one of its guests before it boots.
 *
 * @param index           the guest's index on this host (canonical order: guests sorted by name)
 * @param name            the guest's name
 * @param mode            its address-translation mode
 * @param configuredPages the guest-physical memory it believes it has, in 4 KiB pages
 * @param processes       how many processes (page tables) it runs
 * @param cpu             how its CPU is virtualized within the mode, and its OS's sensitive blocks
 */
public record GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes, CpuSpec cpu) {

    /** A guest with the default CPU settings ({@link CpuSpec#DEFAULT}). */
    public GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes) {
        this(index, name, mode, configuredPages, processes, CpuSpec.DEFAULT);
    }

    /** The virtualization technique its mode and CPU settings make. */
    public Technique technique() {
        return Technique.of(mode, cpu.binaryTranslation(), cpu.nestedPaging());
    }
}
