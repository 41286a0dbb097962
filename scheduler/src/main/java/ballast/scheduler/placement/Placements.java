package ballast.scheduler.placement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The placement policies by name: the built-in {@code first-fit}, {@code best-fit}, {@code spread}
 * and {@code sharing-aware}, then those of the plug-ins (every {@link PlacementPolicyProvider} on
 * the class path, and those of the class loaders given to {@link #load}).
 */
public final class Placements {
    public static final List<String> NAMES = List.of("first-fit", "best-fit", "spread", "sharing-aware");
    /** Sharing-aware: overlaps under 2% of a guest's distinct pages count as none. */
    public static final double MIN_SHARE = 0.02;
    private static final Map<String, PlacementPolicyProvider> PLUGINS = Collections.synchronizedMap(new LinkedHashMap<>());

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
        List<String> added = new ArrayList<>();
        try {
            for (PlacementPolicyProvider p : ServiceLoader.load(PlacementPolicyProvider.class, loader)) {
                synchronized (PLUGINS) {
                    PlacementPolicyProvider existing = PLUGINS.get(p.name());
                    if (existing != null && existing.getClass().getName().equals(p.getClass().getName())) {
                        continue;
                    }
                    if (existing != null || NAMES.contains(p.name())) {
                        throw new IllegalArgumentException("placement policy " + p.name() + " of "
                                + p.getClass().getName() + ": the name is taken");
                    }
                    PLUGINS.put(p.name(), p);
                }
                added.add(p.name());
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("a placement policy plug-in cannot be loaded: " + e.getMessage());
        }
        return added;
    }

    /** Every known name: the built-in ones, then the plug-ins'. */
    public static List<String> names() {
        List<String> all = new ArrayList<>(NAMES);
        synchronized (PLUGINS) {
            all.addAll(PLUGINS.keySet());
        }
        return all;
    }

    /** The policy called {@code name}; an unknown name is refused. */
    public static PlacementPolicy byName(String name) {
        return switch (name) {
            case "first-fit" -> new FirstFit();
            case "best-fit" -> new BestFit();
            case "spread" -> new Spread();
            case "sharing-aware" -> new SharingAware(MIN_SHARE);
            default -> {
                PlacementPolicyProvider p = PLUGINS.get(name);
                if (p == null) {
                    throw new IllegalArgumentException("no placement policy " + name + "; known: " + names());
                }
                yield p.create();
            }
        };
    }
}
