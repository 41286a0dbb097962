package ballast.host.memory;

import java.util.Locale;

/**
 * A host's large pages, as configured ({@code hosts.NAME.large-pages} and its neighbours); whether
 * a given guest is backed with them is its {@link ballast.host.GuestSpec#largePages()}.
 *
 * @param breakAt                  the free-memory state from which (ESX flavour) large pages are
 *                                 broken when one of their pieces could be shared
 *                                 ({@link ballast.host.reclaim.FreeMemoryStates#SOFT} or
 *                                 {@link ballast.host.reclaim.FreeMemoryStates#HARD})
 * @param flavour                  how page sharing treats a standing large page
 * @param tlbEntries               the TLB's entries for 2 MiB pages (a power of two, or 0 for none)
 * @param hostLargeWalkReferences  memory references of a two-dimensional walk whose nested
 *                                 (guest-physical) dimension ends on a 2 MiB host mapping
 * @param largeWalkReferences      the same when the guest maps the block as one 2 MiB page too
 */
public record LargePageSettings(int breakAt, Flavour flavour, int tlbEntries, int hostLargeWalkReferences,
                                int largeWalkReferences) {

    /** The library defaults: break at soft, ESX flavour, 32 large TLB entries, walks of 19 and 15 references. */
    public static final LargePageSettings DEFAULT = new LargePageSettings(1, Flavour.ESX, 32, 19, 15);

    public LargePageSettings {
        if (breakAt < 1 || breakAt > 3) {
            throw new IllegalArgumentException("break-at must be soft, hard or low: " + breakAt);
        }
        if (tlbEntries < 0 || tlbEntries > 0 && Integer.bitCount(tlbEntries) != 1) {
            throw new IllegalArgumentException("large TLB entries must be 0 or a power of two: " + tlbEntries);
        }
        if (hostLargeWalkReferences < 0 || largeWalkReferences < 0) {
            throw new IllegalArgumentException("walk references must be >= 0");
        }
        if (flavour == null) {
            flavour = Flavour.ESX;
        }
    }

    /** How page sharing treats a standing large page. */
    public enum Flavour {
        /**
         * ESX (VMware KB 1021095): the scanner hashes the 4 KiB pieces but shares none while the
         * large page stands; from the {@code breakAt} state on, a piece that matches is shared and
         * its large page broken.
         */
        ESX,
        /** KSM: a piece that matches is shared at once, splitting its huge page, whatever the free memory. */
        KSM;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The scenario spelling, or null. */
        public static Flavour fromConfigName(String name) {
            for (Flavour f : values()) {
                if (f.configName().equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }
}
