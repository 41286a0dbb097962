package ballast.host.reclaim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
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
    private static final Map<String, Function<ReclaimSettings, AllocationPolicy>> BY_NAME =
            Collections.synchronizedMap(new LinkedHashMap<>());
    private static final Set<String> BUILT_IN;

    static {
        BY_NAME.put(KeepCurrentPolicy.NAME, s -> new KeepCurrentPolicy());
        BY_NAME.put(SharesPolicy.NAME, s -> new SharesPolicy());
        BY_NAME.put(WorkingSetPolicy.NAME, s -> new WorkingSetPolicy(s.headroom()));
        BY_NAME.put(IdleTaxPolicy.NAME, s -> new IdleTaxPolicy(s.tau()));
        BUILT_IN = Set.copyOf(BY_NAME.keySet());
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
        List<String> added = new java.util.ArrayList<>();
        try {
            for (AllocationPolicyProvider p : ServiceLoader.load(AllocationPolicyProvider.class, loader)) {
                String name = p.name();
                synchronized (BY_NAME) {
                    Function<ReclaimSettings, AllocationPolicy> existing = BY_NAME.get(name);
                    if (existing instanceof FromProvider f && f.provider().getClass().getName().equals(p.getClass().getName())) {
                        continue;
                    }
                    if (existing != null) {
                        throw new IllegalArgumentException("allocation policy " + name + " of " + p.getClass().getName()
                                + ": the name is taken" + (BUILT_IN.contains(name) ? " by a built-in policy" : ""));
                    }
                    BY_NAME.put(name, new FromProvider(p));
                }
                added.add(name);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("an allocation policy plug-in cannot be loaded: " + e.getMessage());
        }
        return added;
    }

    /** A plug-in's policies, made by its provider. */
    private record FromProvider(AllocationPolicyProvider provider) implements Function<ReclaimSettings, AllocationPolicy> {
        @Override
        public AllocationPolicy apply(ReclaimSettings s) {
            return provider.create(s);
        }
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
        Function<ReclaimSettings, AllocationPolicy> make = BY_NAME.get(name);
        if (make == null) {
            throw new IllegalArgumentException("unknown allocation policy '" + name + "'; known: " + names());
        }
        if (settings == null) {
            settings = ReclaimSettings.DISABLED.withPolicy(name, tau);
        }
        return make.apply(settings);
    }

    /** The known names: the built-in ones, then the plug-ins' in the order they were loaded. */
    public static Set<String> names() {
        synchronized (BY_NAME) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(BY_NAME.keySet()));
        }
    }
}
