package ballast.scheduler.migration;

import ballast.abi.TranslationMode;

/**
 * The admission rule, the one place it is written (ESX's admission control, Waldspurger 2002,
 * section 3.3): what a host promises one guest. Used when a scenario is loaded (every guest of a
 * host must fit at once) and when a guest moves ({@link HostCommitments}).
 *
 * <p>A host that reclaims memory promises a guest its min plus the host's per-guest overhead in
 * memory, and its max - min in swap. A para-virtual guest is the exception: its reservation is
 * backed whole, at boot and when it arrives, and the host never pages it (only its balloon gives
 * memory back), so it is promised its whole memory plus the overhead. A host that does not
 * reclaim cannot take memory back: it promises every guest its whole memory, and no swap.
 *
 * <p>Stateless; the sums over a host's guests are the caller's.
 */
public final class Admission {
    private Admission() {
    }

    /**
     * The memory (pages) a host promises a guest.
     *
     * @param reclaims        whether the host reclaims memory
     * @param overheadPages   the host's per-guest overhead (pages), counted only when it reclaims
     * @param mode            the guest's translation mode
     * @param configuredPages the guest's memory (max), in pages
     * @param minPages        the guest's min, in pages
     */
    public static long memoryPages(boolean reclaims, long overheadPages, TranslationMode mode, long configuredPages,
                                   long minPages) {
        if (!reclaims) {
            return configuredPages;
        }
        return (backedWhole(mode) ? configuredPages : minPages) + overheadPages;
    }

    /** The swap (pages) a host promises a guest: max - min on a host that reclaims, else none. */
    public static long swapPages(boolean reclaims, long configuredPages, long minPages) {
        return reclaims ? configuredPages - minPages : 0;
    }

    /** Whether a guest in {@code mode} is backed whole on a reclaiming host (a para-virtual guest is). */
    public static boolean backedWhole(TranslationMode mode) {
        return mode == TranslationMode.PARA;
    }
}
