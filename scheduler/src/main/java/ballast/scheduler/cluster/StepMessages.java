package ballast.scheduler.cluster;

import ballast.host.node.NodeAgent;
import ballast.abi.ToHypervisor;
import ballast.host.migration.AdmitGuest;
import ballast.host.migration.CancelMigration;
import ballast.host.migration.DirtyPages;
import ballast.host.migration.InstallGuest;
import ballast.host.migration.MigrationReply;
import ballast.host.migration.PostCopyStatus;
import ballast.host.migration.PostCopyTerms;
import ballast.host.migration.SendRound;
import ballast.host.migration.TrackWrites;
import ballast.scheduler.migration.LiveMigration;
import ballast.scheduler.migration.MigrationSettings;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The message each step of a {@link LiveMigration} sends, and where: admission, write tracking,
 * the rounds, the written pages, cancellation and installation go to a host's hypervisor; the
 * evacuation and the resumption to the node agent of a host. Answers go to the run manager's
 * adapters given here. Pure: builds messages, sends nothing.
 */
final class StepMessages {

    /** A message for the hypervisor of {@code host}, or for the node agent running {@code host}. */
    sealed interface Outgoing {
    }

    record ToHost(String host, ToHypervisor message) implements Outgoing {
    }

    record ToAgent(String host, NodeAgent.Command message) implements Outgoing {
    }

    private final GuestRoster roster;
    private final MigrationBoard board;
    private final MigrationSettings settings;
    private final ActorRef<MigrationReply> replies;
    private final ActorRef<ToHypervisor> installs;
    private final ActorRef<NodeAgent.Report> reports;

    StepMessages(GuestRoster roster, MigrationBoard board, MigrationSettings settings,
                 ActorRef<MigrationReply> replies, ActorRef<ToHypervisor> installs,
                 ActorRef<NodeAgent.Report> reports) {
        this.roster = roster;
        this.board = board;
        this.settings = settings;
        this.replies = replies;
        this.installs = installs;
        this.reports = reports;
    }

    /** The message of {@code m}'s current step; a round names the destination's hypervisor from {@code hypervisors}. */
    Outgoing of(LiveMigration m, Map<String, ActorRef<ToHypervisor>> hypervisors) {
        String guest = m.guest();
        int index = roster.get(guest).index();
        switch (m.step()) {
            case ADMIT, RESTART_ADMIT:
                return new ToHost(m.to(), new AdmitGuest(m.id(), roster.spec(guest), board.swapToAdd(m.to(), guest),
                        replies));
            case TRACK_WRITES:
                return new ToHost(m.from(), new TrackWrites(m.id(), index, replies));
            case FIRST_ROUND, ROUND, LAST_ROUND:
                boolean last = m.step() == LiveMigration.Step.LAST_ROUND;
                boolean switching = last && m.postCopy();
                return new ToHost(m.from(), new SendRound(m.id(), index, m.step() == LiveMigration.Step.FIRST_ROUND
                        || switching && m.lastRoundSendsAll(), last, hypervisors.get(m.to()), m.destIndex(),
                        settings.batchPages(), settings.window(), last ? board.swapToAdd(m.from(), guest) : 0, replies,
                        switching ? new PostCopyTerms(m.precopy().bandwidth(board.sharers(m)), settings.latencySeconds(),
                                settings.prepageWindow()) : null));
            case POSTCOPY_STATUS:
                return new ToHost(m.to(), new PostCopyStatus(m.id(), m.destIndex(), replies));
            case DIRTY_PAGES:
                return new ToHost(m.from(), new DirtyPages(m.id(), index, replies));
            case CANCEL_AT_SOURCE:
                return new ToHost(m.from(), new CancelMigration(m.id(), index, false, replies));
            case CANCEL_AT_DESTINATION:
                return new ToHost(m.to(), new CancelMigration(m.id(), m.destIndex(), true, replies));
            case RESTART_INSTALL:
                return new ToHost(m.to(), new InstallGuest(m.id(), m.destIndex(), new long[0], new int[0], null, null,
                        installs));
            case EVACUATE:
                return new ToAgent(m.from(), new NodeAgent.Evacuate(m.id(), guest, reports));
            case RESUME:
                return new ToAgent(m.to(), new NodeAgent.Resume(m.id(), roster.resumingAt(guest, m.to(), m.destIndex()),
                        m.handover().snapshot(), reports));
            case RESTART_RESUME:
                return new ToAgent(m.to(), new NodeAgent.Resume(m.id(),
                        GuestRoster.relocated(roster.get(guest), m.to(), m.destIndex()), null, reports));
            default:
                throw new IllegalStateException("no message for step " + m.step());
        }
    }
}
