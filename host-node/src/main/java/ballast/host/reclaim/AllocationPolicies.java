package ballast.host.reclaim;

import ballast.host.plugin.PluginRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The registry of allocation policies by name: the built-in {@code none} ({@link KeepCurrentPolicy}),
 * {@code shares} ({@link SharesPolicy}), {@code working-set} ({@link WorkingSetPolicy}, with the
 * host's headroom) and {@code idle-tax} ({@link IdleTaxPolicy}, with the host's tau), then those of
 * the plug-ins: every {@link AllocationPolicyProvider} on the class path, and those of the class
 * loaders given to {@link #load}. Each call makes a fresh instance (policies keep scratch arrays:
 * one per host).
 */
public final class AllocationPolicies {
    /** The built-in policies, by name, each made from the host's settings. */
    private static final Map<String, Function<ReclaimSettings, AllocationPolicy>> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put(KeepCurrentPolicy.NAME, s -> new KeepCurrentPolicy());
        BUILT_IN.put(SharesPolicy.NAME, s -> new SharesPolicy());
        BUILT_IN.put(WorkingSetPolicy.NAME, s -> new WorkingSetPolicy(s.headroom()));
        BUILT_IN.put(IdleTaxPolicy.NAME, s -> new IdleTaxPolicy(s.tau()));
    }

    private static final PluginRegistry<AllocationPolicyProvider> PLUGINS = new PluginRegistry<>(
            AllocationPolicyProvider.class, "allocation policy", AllocationPolicyProvider::name, BUILT_IN.keySet());

    static {
        load(AllocationPolicies.class.getClassLoader());
    }

    private AllocationPolicies() {
    }

    /**
     * Adds the providers {@code loader} finds; returns their names. A name already taken (a
     * built-in's, or another plug-in's) or a provider that cannot be loaded is refused with an
     * IllegalArgumentException that says which; the same provider class seen again is skipped.
     */
    public static List<String> load(ClassLoader loader) {
        return PLUGINS.load(loader);
    }

    /** The policy called {@code name} with its defaults (tau 0.75, headroom 25%). */
    public static AllocationPolicy byName(String name) {
        return create(name, 0.75, WorkingSetPolicy.DEFAULT_HEADROOM, null);
    }

    /** The policy the settings name, made with their tau and headroom. */
    public static AllocationPolicy create(ReclaimSettings settings) {
        return create(settings.policy(), settings.tau(), settings.headroom(), settings);
    }

    private static AllocationPolicy create(String name, double tau, double headroom, ReclaimSettings settings) {
        Function<ReclaimSettings, AllocationPolicy> builtIn = BUILT_IN.get(name);
        AllocationPolicyProvider plugin = builtIn == null ? PLUGINS.plugin(name) : null;
        if (builtIn == null && plugin == null) {
            throw new IllegalArgumentException("unknown allocation policy '" + name + "'; known: " + names());
        }
        if (settings == null) {
            settings = ReclaimSettings.DISABLED.withPolicy(name, tau);
        }
        return builtIn != null ? builtIn.apply(settings) : plugin.create(settings);
    }

    /** The known names: the built-in ones, then the plug-ins' in the order they were loaded. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(PLUGINS.names()));
    }
}
