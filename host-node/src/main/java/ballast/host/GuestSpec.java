package ballast.host;

import ballast.abi.TranslationMode;
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
 * @param allocation      its min, shares and balloon cap
 * @param largePages      whether the hypervisor backs it with 2 MiB pages where it can (only with
 *                        hardware-assisted nested paging, as ESX: other techniques ignore it)
 * @param hotplug         its memory hotplug device, or null when it has none (not for a para-virtual guest)
 */
public record GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes, CpuSpec cpu,
                        GuestAllocation allocation, boolean largePages, ballast.host.hotplug.HotplugSpec hotplug) {

    /** A guest without a memory hotplug device. */
    public GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes, CpuSpec cpu,
                     GuestAllocation allocation, boolean largePages) {
        this(index, name, mode, configuredPages, processes, cpu, allocation, largePages, null);
    }

    /** The same guest with memory hotplug device {@code device} (null: none). */
    public GuestSpec withHotplug(ballast.host.hotplug.HotplugSpec device) {
        return new GuestSpec(index, name, mode, configuredPages, processes, cpu, allocation, largePages, device);
    }

    /** A guest without large pages. */
    public GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes, CpuSpec cpu,
                     GuestAllocation allocation) {
        this(index, name, mode, configuredPages, processes, cpu, allocation, false);
    }

    /** The same guest with large pages on or off. */
    public GuestSpec withLargePages(boolean on) {
        return new GuestSpec(index, name, mode, configuredPages, processes, cpu, allocation, on, hotplug);
    }

    public GuestSpec {
        if (hotplug != null) {
            if (mode == TranslationMode.PARA) {
                throw new IllegalArgumentException(name + ": a para-virtual guest cannot have a memory hotplug device");
            }
            hotplug.checkFits(name, configuredPages);
        }
        if (allocation == null) {
            allocation = GuestAllocation.defaults(configuredPages);
        }
        if (allocation.minPages() > configuredPages) {
            throw new IllegalArgumentException(name + ": min of " + allocation.minPages() + " pages exceeds its "
                    + configuredPages + " pages");
        }
    }

    /** A guest with the default allocation ({@link GuestAllocation#defaults}). */
    public GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes, CpuSpec cpu) {
        this(index, name, mode, configuredPages, processes, cpu, null);
    }

    /** A guest with the default CPU settings ({@link CpuSpec#DEFAULT}). */
    public GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes) {
        this(index, name, mode, configuredPages, processes, CpuSpec.DEFAULT, null);
    }

    /** Whether it is backed with large pages: asked for, and its technique is hardware nested paging. */
    public boolean backedLarge() {
        return largePages && technique() == Technique.HARDWARE_NESTED_PAGING;
    }

    /** The virtualization technique its mode and CPU settings make. */
    public Technique technique() {
        return Technique.of(mode, cpu.binaryTranslation(), cpu.nestedPaging());
    }
}
