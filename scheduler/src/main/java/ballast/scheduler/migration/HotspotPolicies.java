package ballast.scheduler.migration;

import ballast.host.plugin.PluginRegistry;
import java.util.List;

/**
 * The hotspot policies by name: the built-in {@code free-states}, then those of the plug-ins (every
 * {@link HotspotPolicyProvider} on the class path, and those of the class loaders given to
 * {@link #load}).
 */
public final class HotspotPolicies {
    public static final List<String> NAMES = List.of(FreeStatesHotspot.NAME);
    private static final PluginRegistry<HotspotPolicyProvider> PLUGINS = new PluginRegistry<>(
            HotspotPolicyProvider.class, "hotspot policy", HotspotPolicyProvider::name, NAMES);

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
        return PLUGINS.load(loader);
    }

    /** Every known name: the built-in one, then the plug-ins'. */
    public static List<String> names() {
        return PLUGINS.names();
    }

    /** A fresh policy of the name {@code settings.policy()} for one run; an unknown name is refused. */
    public static HotspotPolicy create(HotspotSettings settings, double tickSeconds) {
        String name = settings.policy();
        if (FreeStatesHotspot.NAME.equals(name)) {
            return new FreeStatesHotspot(settings, tickSeconds);
        }
        HotspotPolicyProvider p = PLUGINS.plugin(name);
        if (p == null) {
            throw new IllegalArgumentException("no hotspot policy " + name + "; known: " + names());
        }
        return p.create(settings, tickSeconds);
    }
}
