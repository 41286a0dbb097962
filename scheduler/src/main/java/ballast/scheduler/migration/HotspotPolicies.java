package ballast.scheduler.migration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The hotspot policies by name: the built-in {@code free-states}, then those of the plug-ins (every
 * {@link HotspotPolicyProvider} on the class path, and those of the class loaders given to
 * {@link #load}).
 */
public final class HotspotPolicies {
    public static final List<String> NAMES = List.of(FreeStatesHotspot.NAME);
    private static final Map<String, HotspotPolicyProvider> PLUGINS = Collections.synchronizedMap(new LinkedHashMap<>());

    static {
        load(HotspotPolicies.class.getClassLoader());
    }

    private HotspotPolicies() {
    }

    /**
     * Adds the providers {@code loader} finds; returns their names. A name already taken, or a
     * provider that cannot be loaded, is refused with an IllegalArgumentException saying which.
     */
    public static List<String> load(ClassLoader loader) {
        List<String> added = new ArrayList<>();
        try {
            for (HotspotPolicyProvider p : ServiceLoader.load(HotspotPolicyProvider.class, loader)) {
                synchronized (PLUGINS) {
                    HotspotPolicyProvider existing = PLUGINS.get(p.name());
                    if (existing != null && existing.getClass().getName().equals(p.getClass().getName())) {
                        continue;
                    }
                    if (existing != null || NAMES.contains(p.name())) {
                        throw new IllegalArgumentException("hotspot policy " + p.name() + " of "
                                + p.getClass().getName() + ": the name is taken");
                    }
                    PLUGINS.put(p.name(), p);
                }
                added.add(p.name());
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("a hotspot policy plug-in cannot be loaded: " + e.getMessage());
        }
        return added;
    }

    /** Every known name: the built-in one, then the plug-ins'. */
    public static List<String> names() {
        List<String> all = new ArrayList<>(NAMES);
        synchronized (PLUGINS) {
            all.addAll(PLUGINS.keySet());
        }
        return all;
    }

    /** A fresh policy of the name {@code settings.policy()} for one run; an unknown name is refused. */
    public static HotspotPolicy create(HotspotSettings settings, double tickSeconds) {
        String name = settings.policy();
        if (FreeStatesHotspot.NAME.equals(name)) {
            return new FreeStatesHotspot(settings, tickSeconds);
        }
        HotspotPolicyProvider p = PLUGINS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no hotspot policy " + name + "; known: " + names());
        }
        return p.create(settings, tickSeconds);
    }
}
