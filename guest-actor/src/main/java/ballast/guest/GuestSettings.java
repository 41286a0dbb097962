package ballast.guest;

import ballast.guest.workload.WorkloadSettings;
import ballast.abi.TranslationMode;
import ballast.guest.OsProfile;

/**
 * Everything a guest needs, built once from the scenario and passed to {@link GuestVm}.
 *
 * @param name            the guest's name (a {@code count = N} guest becomes name-1 .. name-N)
 * @param host            the host it runs on
 * @param index           its index on that host
 * @param os              its OS (picks the OS profile; default content image)
 * @param mode            its address-translation mode
 * @param configuredPages the guest-physical memory it believes it has, in 4 KiB pages
 * @param processes       processes it runs, each with its own page table
 * @param seed            seeds every random choice of this guest
 * @param tickSeconds     simulated seconds per tick
 * @param content         what its pages hold when first filled
 * @param workload        what it does
 * @param osProfile       what its kernel does per unit of work (its os's profile with the guest's overrides)
 * @param memory          its balloon driver and working-set period
 */
public record GuestSettings(String name, String host, int index, String os, TranslationMode mode,
                            int configuredPages, int processes, long seed, double tickSeconds,
                            ContentSettings content, WorkloadSettings workload, OsProfile osProfile,
                            GuestMemorySettings memory) {

    public GuestSettings {
        if (memory == null) {
            memory = GuestMemorySettings.defaults(configuredPages);
        }
    }

    /** A guest with the default balloon driver. */
    public GuestSettings(String name, String host, int index, String os, TranslationMode mode,
                         int configuredPages, int processes, long seed, double tickSeconds,
                         ContentSettings content, WorkloadSettings workload, OsProfile osProfile) {
        this(name, host, index, os, mode, configuredPages, processes, seed, tickSeconds, content, workload, osProfile,
                null);
    }

    /** A guest whose kernel does nothing the hypervisor would notice ({@link OsProfile#NONE}). */
    public GuestSettings(String name, String host, int index, String os, TranslationMode mode,
                         int configuredPages, int processes, long seed, double tickSeconds,
                         ContentSettings content, WorkloadSettings workload) {
        this(name, host, index, os, mode, configuredPages, processes, seed, tickSeconds, content, workload,
                OsProfile.NONE);
    }
}
