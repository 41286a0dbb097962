package ballast.scheduler.placement;

/**
 * Makes a placement policy by name: the service a plug-in offers to add one, found through
 * {@link java.util.ServiceLoader} (a jar on the class path, or one given with
 * {@code ballast run --plugin JAR}, listing its providers in
 * {@code META-INF/services/ballast.scheduler.placement.PlacementPolicyProvider}). A scenario
 * selects it with {@code placement.policy = NAME}.
 */
public interface PlacementPolicyProvider {

    /** The name a scenario selects the policy by. */
    String name();

    /** A fresh policy for one run. */
    PlacementPolicy create();
}
