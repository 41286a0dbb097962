package ballast.host.control;

/**
 * A host's proactive-offload figures at one instant ({@link ballast.host.offload.ColdPageOffload}).
 *
 * @param savedPages offloaded pages still out: frames the policy holds free
 * @param pressure   the host's memory pressure now (the controller's input, avg10)
 * @param backoffs   control periods that offloaded nothing because the pressure was at or above the target
 */
public record HostOffload(long savedPages, double pressure, long backoffs) {
    public static final HostOffload NONE = new HostOffload(0, 0, 0);
}
