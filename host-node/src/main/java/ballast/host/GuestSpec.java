package ballast.host;

import ballast.host.abi.TranslationMode;

/**
 * What the hypervisor knows of one of its guests before it boots.
 *
 * @param index           the guest's index on this host (canonical order: guests sorted by name)
 * @param name            the guest's name
 * @param mode            its address-translation mode
 * @param configuredPages the guest-physical memory it believes it has, in 4 KiB pages
 * @param processes       how many processes (page tables) it runs
 */
public record GuestSpec(int index, String name, TranslationMode mode, int configuredPages, int processes) {
}
