package ballast.host.tick;

import ballast.abi.Audit;
import ballast.host.HypervisorCore;
import java.util.List;

/**
 * The audit at the end of an audited tick (and of a free run): every structural invariant of the
 * host ({@link HypervisorCore#checkInvariants}, which counts as {@code invariantChecks} checks), then each audited guest's integrity record, the tokens it
 * believes it last wrote, against what its pages hold (invariant 4 of docs/reliability.md).
 */
public final class HostAudit {
    private HostAudit() {
    }

    /**
     * Checks every invariant and audits the integrity record of every guest marked in
     * {@code audited} (those of the last acknowledged tick; a guest that sent none for it is a
     * violation); adds what was violated to {@code found}; returns the number of checks.
     */
    public static long auditAll(HypervisorCore core, long invariantChecks, GuestRoster<?> roster, boolean[] audited,
                                List<String> found) {
        String host = core.settings().name();
        found.addAll(core.checkInvariants());
        long checks = invariantChecks;
        for (int g = 0; g < roster.count(); g++) {
            if (!audited[g]) {
                continue; // gone (its memory was released), or booted afresh after the tick began
            }
            Audit audit = roster.audit(g);
            checks++;
            if (audit == null) {
                found.add(host + ": integrity: " + core.settings().guests().get(g).name()
                        + " sent no integrity record for an audited tick");
                continue;
            }
            long mismatches = core.audit(g, audit.keys(), audit.tokens());
            if (mismatches > 0) {
                found.add(host + ": integrity: " + core.settings().guests().get(g).name() + " reads back "
                        + mismatches + " of " + audit.keys().length + " pages differently from what it wrote");
            }
        }
        return checks;
    }
}
