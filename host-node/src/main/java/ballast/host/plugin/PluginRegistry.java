package ballast.host.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;

/**
 * The plug-ins of one kind of policy (allocation, placement, hotspot), found through
 * {@link ServiceLoader} by their providers' service type: those on the class path, and those of the
 * class loaders given to {@link #load} (a {@code --plugin} jar). A name must be new: a built-in's
 * or another plug-in's name is refused, saying which class wanted it; the same provider class seen
 * again (one jar loaded twice) is skipped. Thread-safe: runs may load and look up at once.
 *
 * @param <P> the provider type (the service)
 */
public final class PluginRegistry<P> {
    private final Class<P> service;
    private final String kind;
    private final Function<P, String> nameOf;
    private final Set<String> builtIn;
    private final Map<String, P> plugins = new LinkedHashMap<>();

    /**
     * @param service the providers' service type
     * @param kind    what they make, in words for messages ("placement policy")
     * @param nameOf  a provider's name, as a scenario selects it
     * @param builtIn the built-in names, which no plug-in may take
     */
    public PluginRegistry(Class<P> service, String kind, Function<P, String> nameOf, Collection<String> builtIn) {
        this.service = service;
        this.kind = kind;
        this.nameOf = nameOf;
        this.builtIn = new LinkedHashSet<>(builtIn);
    }

    /**
     * Adds the providers {@code loader} finds; returns their names. A name already taken, or a
     * provider that cannot be loaded, is refused with an IllegalArgumentException saying which.
     */
    public synchronized List<String> load(ClassLoader loader) {
        List<String> added = new ArrayList<>();
        try {
            for (P p : ServiceLoader.load(service, loader)) {
                String name = nameOf.apply(p);
                P existing = plugins.get(name);
                if (existing != null && existing.getClass().getName().equals(p.getClass().getName())) {
                    continue;
                }
                if (existing != null || builtIn.contains(name)) {
                    throw new IllegalArgumentException(kind + " " + name + " of " + p.getClass().getName()
                            + ": the name is taken" + (existing == null ? " by a built-in one" : ""));
                }
                plugins.put(name, p);
                added.add(name);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("a " + kind + " plug-in cannot be loaded: " + e.getMessage());
        }
        return added;
    }

    /** Every known name: the built-in ones, then the plug-ins' in the order they were loaded. */
    public synchronized List<String> names() {
        List<String> all = new ArrayList<>(builtIn);
        all.addAll(plugins.keySet());
        return all;
    }

    /** The plug-in's provider of that name, or null (a built-in name, or none). */
    public synchronized P plugin(String name) {
        return plugins.get(name);
    }
}
