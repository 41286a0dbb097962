package ballast.host.reclaim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The registry of allocation policies by name, each made with its defaults: {@code none}
 * ({@link KeepCurrentPolicy}), {@code shares} ({@link SharesPolicy}), {@code working-set}
 * ({@link WorkingSetPolicy}, 25% headroom) and {@code idle-tax} ({@link IdleTaxPolicy}, tau 0.75).
 * Each call makes a fresh instance (policies keep scratch arrays: one per host).
 */
public final class AllocationPolicies {
    private static final Map<String, Supplier<AllocationPolicy>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put(KeepCurrentPolicy.NAME, KeepCurrentPolicy::new);
        BY_NAME.put(SharesPolicy.NAME, SharesPolicy::new);
        BY_NAME.put(WorkingSetPolicy.NAME, WorkingSetPolicy::new);
        BY_NAME.put(IdleTaxPolicy.NAME, IdleTaxPolicy::new);
    }

    private AllocationPolicies() {
    }

    /** The policy called {@code name}; an unknown name is refused with the known ones listed. */
    public static AllocationPolicy byName(String name) {
        Supplier<AllocationPolicy> make = BY_NAME.get(name);
        if (make == null) {
            throw new IllegalArgumentException("unknown allocation policy '" + name + "'; known: " + names());
        }
        return make.get();
    }

    /** The known names, in registration order. */
    public static Set<String> names() {
        return BY_NAME.keySet();
    }
}
