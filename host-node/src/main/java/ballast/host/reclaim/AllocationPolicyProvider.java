package ballast.host.reclaim;

/**
 * Makes an allocation policy by name: the service a plug-in offers to add a policy, found through
 * {@link java.util.ServiceLoader} (a jar on the class path, or one given with
 * {@code ballast run --plugin JAR}, listing its providers in
 * {@code META-INF/services/ballast.host.reclaim.AllocationPolicyProvider}). A scenario selects it
 * with {@code hosts.NAME.policy.name = NAME}.
 */
public interface AllocationPolicyProvider {

    /** The name a scenario selects the policy by (lower case, dashes: {@code working-set-margin}). */
    String name();

    /**
     * A fresh policy for one host, made with the host's settings (its {@code policy.tau} and
     * {@code policy.headroom} are the scenario's, for the policy to use as it documents).
     */
    AllocationPolicy create(ReclaimSettings settings);
}
