package ballast.host.sharing;

import java.util.Locale;

/**
 * A host's content-based page sharing, as configured ({@code hosts.NAME.sharing}).
 *
 * @param enabled                whether the host runs a page-sharing daemon at all
 * @param scanPagesPerSecond     pages the daemon scans per simulated second, over all guests (ESX: 200)
 * @param perGuestPagesPerSecond pages it scans per simulated second of any one guest (ESX: 50)
 * @param order                  the order it visits a guest's PPNs in
 * @param hashBits               width of the content hash (1..64); narrower hashes collide, and the
 *                               hypervisor's full comparison must reject the false matches
 * @param tickSeconds            simulated seconds per tick, to turn the rates into pages per tick
 */
public record SharingSettings(boolean enabled, double scanPagesPerSecond, double perGuestPagesPerSecond,
                              Order order, int hashBits, double tickSeconds) {

    /** Sharing off. */
    public static final SharingSettings DISABLED = new SharingSettings(false, 200, 50, Order.RANDOM, 64, 0.1);

    public SharingSettings {
        if (hashBits < 1 || hashBits > 64) {
            throw new IllegalArgumentException("hash-bits must be between 1 and 64: " + hashBits);
        }
        if (!(scanPagesPerSecond >= 0) || !(perGuestPagesPerSecond >= 0) || !(tickSeconds > 0)) {
            throw new IllegalArgumentException("scan rates must be >= 0 and the tick > 0");
        }
        if (order == null) {
            order = Order.RANDOM;
        }
    }

    /** How the daemon walks a guest's PPNs. */
    public enum Order {
        /** A fresh pseudo-random permutation of the guest's PPNs every pass (ESX). */
        RANDOM,
        /** PPN 0 upward, then again (KSM walks its mm list in order). */
        SEQUENTIAL;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The scenario spelling, or null. */
        public static Order fromConfigName(String name) {
            for (Order o : values()) {
                if (o.configName().equals(name)) {
                    return o;
                }
            }
            return null;
        }
    }
}
