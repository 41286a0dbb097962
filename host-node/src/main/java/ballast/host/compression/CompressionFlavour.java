package ballast.host.compression;

import java.util.Locale;

/**
 * How a host's compression tier limits and evicts its cache.
 *
 * <ul>
 *   <li>{@link #ESX}: ESX 4.1's per-VM compression cache. Each guest's cache holds at most
 *       {@code cache} of its configured memory; when it is full, that guest's oldest compressed
 *       pages go to host swap.</li>
 *   <li>{@link #ZSWAP}: Linux zswap, one compressed pool in front of swap for the whole host. The
 *       pool holds at most {@code cache} of the host's memory (zswap's {@code max_pool_percent});
 *       when it is full, the least recently stored page of any guest is written back to swap (a
 *       page leaves the pool when it is loaded, so store order is LRU order).</li>
 * </ul>
 */
public enum CompressionFlavour {
    ESX,
    ZSWAP;

    /** The flavour named {@code name} ({@code esx} or {@code zswap}), or null. */
    public static CompressionFlavour byName(String name) {
        if (name == null) {
            return null;
        }
        for (CompressionFlavour f : values()) {
            if (f.name().equalsIgnoreCase(name.trim())) {
                return f;
            }
        }
        return null;
    }

    /** The name users write. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
