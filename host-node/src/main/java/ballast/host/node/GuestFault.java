package ballast.host.node;

/**
 * A guest actor failed and how it was handled; reported by its node agent, listed under
 * {@code faults}. {@code failsRun}: the guest could not be kept running as asked (it failed again
 * after the most restarts allowed), so the run fails with this fault as its reason.
 */
public record GuestFault(String guest, String cause, String handling, boolean failsRun) implements NodeAgent.Report {
    public GuestFault(String guest, String cause, String handling) {
        this(guest, cause, handling, false);
    }
}
