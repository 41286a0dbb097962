package ballast.scheduler.placement;

import ballast.host.plugin.PluginRegistry;
import java.util.List;

/**
 * The placement policies by name: the built-in {@code first-fit}, {@code best-fit}, {@code spread}
 * and {@code sharing-aware}, then those of the plug-ins (every {@link PlacementPolicyProvider} on
 * the class path, and those of the class loaders given to {@link #load}).
 */
public final class Placements {
    public static final List<String> NAMES = List.of("first-fit", "best-fit", "spread", "sharing-aware");
    /** Sharing-aware: overlaps under 2% of a guest's distinct pages count as none. */
    public static final double MIN_SHARE = 0.02;
    private static final PluginRegistry<PlacementPolicyProvider> PLUGINS = new PluginRegistry<>(
            PlacementPolicyProvider.class, "placement policy", PlacementPolicyProvider::name, NAMES);

    static {
        load(Placements.class.getClassLoader());
    }

    private Placements() {
    }

    /**
     * Adds the providers {@code loader} finds; returns their names. A name already taken, or a
     * provider that cannot be loaded, is refused with an IllegalArgumentException saying which.
     */
    public static List<String> load(ClassLoader loader) {
        return PLUGINS.load(loader);
    }

    /** Every known name: the built-in ones, then the plug-ins'. */
    public static List<String> names() {
        return PLUGINS.names();
    }

    /** The policy called {@code name}; an unknown name is refused. */
    public static PlacementPolicy byName(String name) {
        return switch (name) {
            case "first-fit" -> new FirstFit();
            case "best-fit" -> new BestFit();
            case "spread" -> new Spread();
            case "sharing-aware" -> new SharingAware(MIN_SHARE);
            default -> {
                PlacementPolicyProvider p = PLUGINS.plugin(name);
                if (p == null) {
                    throw new IllegalArgumentException("no placement policy " + name + "; known: " + names());
                }
                yield p.create();
            }
        };
    }
}
