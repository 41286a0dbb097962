package ballast.scheduler.migration;

/**
 * Makes a hotspot policy by name: the service a plug-in offers to add one, found through
 * {@link java.util.ServiceLoader} (a jar on the class path, or one given with
 * {@code ballast run --plugin JAR}, listing its providers in
 * {@code META-INF/services/ballast.scheduler.migration.HotspotPolicyProvider}). A scenario selects
 * it with {@code hotspot.policy = NAME}.
 */
public interface HotspotPolicyProvider {

    /** The name a scenario selects the policy by. */
    String name();

    /**
     * A fresh policy for one run.
     *
     * @param settings    the scenario's {@code hotspot} block
     * @param tickSeconds the length of a tick in simulated seconds
     */
    HotspotPolicy create(HotspotSettings settings, double tickSeconds);
}
