package ballast.scheduler.cluster;

import ballast.guest.GuestSettings;
import ballast.host.node.GuestFault;
import ballast.scheduler.migration.LiveMigration;
import ballast.scheduler.scenario.Scenario;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the loss of a node (its process died, or its member became unreachable) does to a run. By
 * default the run ends, the node's guests (those on its hosts, and those migrating to them)
 * reported lost. With {@code on-node-loss = restart}, when the clock runs deterministically, no
 * migration involves the node's hosts and some host is left, the clock stops waiting for the lost
 * hosts and each of their guests boots afresh (new memory, new integrity record) at the next tick
 * boundary on the host the placement policy picks among the others; a guest with no room anywhere,
 * or one that was not running, stays lost. Each node counts once (unreachable, then terminated).
 *
 * <p>Owned by the run manager's actor; not thread-safe.
 */
public final class NodeLoss {

    /**
     * What to do: end the run ({@code restart} false, {@code note} is the failure) or carry on
     * without the hosts; either way tell the clock {@code faults}.
     */
    public record Outcome(boolean restart, String note, List<GuestFault> faults) {
    }

    private final Scenario scenario;
    private final GuestRoster roster;
    private final MigrationBoard board;
    private final Set<String> lostNodes = new HashSet<>();
    private String note;

    public NodeLoss(Scenario scenario, GuestRoster roster, MigrationBoard board) {
        this.scenario = scenario;
        this.roster = roster;
        this.board = board;
    }

    /**
     * Node {@code node} with its {@code hosts} (sorted) was lost ({@code how}); {@code clockRuns}
     * whether the run has begun. Null if this node was already handled.
     */
    public Outcome lost(String node, String how, List<String> hosts, boolean clockRuns) {
        if (!lostNodes.add(node)) {
            return null;
        }
        List<String> lostGuests = new ArrayList<>();
        for (GuestSettings g : roster.all()) {
            LiveMigration m = board.of(g.name());
            if (hosts.contains(g.host()) || m != null && hosts.contains(m.to()) || postCopyFrom(m, hosts)) {
                lostGuests.add(g.name());
            }
        }
        String cause = "node " + node + " lost";
        List<GuestFault> faults = new ArrayList<>();
        if ("restart".equals(scenario.cluster().onNodeLoss()) && clockRuns && !board.migratingOn(hosts)
                && !Scenario.FREE_RUNNING.equals(scenario.mode())
                && board.lostHosts().size() + hosts.size() < scenario.hosts().size()) {
            board.hostsLost(hosts);
            List<String> where = new ArrayList<>();
            for (String g : lostGuests) {
                String lostWith = "lost with its host " + roster.get(g).host();
                if (!roster.running(g)) { // not started yet, or stopped by an event: nothing to boot again
                    faults.add(new GuestFault(g, cause,
                            lostWith + "; it was not running, so it is not restarted"));
                    where.add(g + " lost (not running)");
                    continue;
                }
                String to = board.restartElsewhere(g);
                if (to == null) {
                    faults.add(new GuestFault(g, cause, lostWith + "; no room to restart it elsewhere"));
                    where.add(g + " lost");
                    continue;
                }
                roster.bootsAfresh(g);
                faults.add(new GuestFault(g, cause, "restarted from a fresh boot on " + to));
                where.add(g + " on " + to);
            }
            String what = "node " + node + " was lost (" + how + "): host(s) " + String.join(", ", hosts)
                    + (where.isEmpty() ? "" : "; guests restarted from a fresh boot: " + String.join(", ", where));
            note = note == null ? what : note + "; " + what;
            return new Outcome(true, what, faults);
        }
        for (String g : lostGuests) {
            LiveMigration m = board.of(g);
            faults.add(new GuestFault(g, cause, postCopyFrom(m, hosts) ? MigrationBoard.LOST_WITH_POST_COPY_SOURCE + m.from()
                    + " (it ran on " + m.to() + ", pages it had not received were still there)"
                    : "lost with its host " + roster.get(g).host()));
        }
        String reason = "node " + node + " was lost (" + how + "): host(s) " + String.join(", ", hosts)
                + (lostGuests.isEmpty() ? "" : " with guest(s) " + String.join(", ", lostGuests) + " lost");
        return new Outcome(false, reason, faults);
    }

    /** Whether {@code m} is a post-copy migration whose source is among {@code hosts}: its guest is lost with it. */
    private static boolean postCopyFrom(LiveMigration m, List<String> hosts) {
        return m != null && m.phase() == LiveMigration.Phase.POSTCOPY && hosts.contains(m.from());
    }

    /** What the node losses the run survived did, for its failure line, or null. */
    public String note() {
        return note;
    }
}
