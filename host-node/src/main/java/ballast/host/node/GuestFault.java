package ballast.host.node;

/** A guest actor failed and how it was handled; reported by its node agent, listed under {@code faults}. */
public record GuestFault(String guest, String cause, String handling) implements NodeAgent.Report {
}
