package ballast.scheduler.cluster;

import ballast.host.node.GuestFault;
import ballast.host.node.NodeAgent;
import ballast.abi.ToHypervisor;
import ballast.host.migration.MigrationReply;
import ballast.host.migration.PageBatchAck;
import ballast.scheduler.clock.Clock;
import ballast.scheduler.clock.TickEnded;
import ballast.scheduler.migration.HotspotPolicies;
import ballast.scheduler.migration.HotspotPolicy;
import ballast.scheduler.migration.LiveMigration;
import ballast.scheduler.scenario.ClusterPlan;
import ballast.scheduler.scenario.Scenario;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * Plays the tick boundaries of a deterministic run: starts the migrate events due and the hotspot
 * policy's moves, then plays this boundary's migration steps one at a time in the order
 * {@link MigrationBoard} gives (restarts, then migrations in guest-name order), each step's
 * message from {@link StepMessages}, each answer fed to its {@link LiveMigration}; when no step is
 * left the clock proceeds. Every step has a timeout (its sequence number). Sends through a
 * {@link Port}, so it runs without an actor system.
 *
 * <p>Owned by the run manager's actor; not thread-safe.
 */
final class BoundaryPlayer {

    /**
     * What the player does to the world: the run manager's sending (to a hypervisor or an agent, to
     * the clock), its step timer (started with a step's sequence number, or cancelled), ending the
     * run with a failure, and its log.
     */
    record Port(Consumer<StepMessages.Outgoing> send, Consumer<Clock.Command> toClock, LongConsumer startStepTimer,
                Runnable cancelStepTimer, Consumer<String> fail, Logger log) {
    }

    private final Scenario scenario;
    private final GuestRoster roster;
    private final MigrationBoard board;
    private final StepMessages messages;
    private final HotspotPolicy hotspot;
    private final Map<String, ActorRef<ToHypervisor>> hypervisors;
    private final Port port;
    private int nextEvent;
    private long stepSeq;
    /** The boundary being played: the tick that starts after it. */
    private long boundaryTick = -1;
    private LiveMigration current;
    /** Wall time a round's send started (for the cross-node throughput in the log). */
    private long roundStartNanos;

    BoundaryPlayer(Scenario scenario, GuestRoster roster, MigrationBoard board, StepMessages messages,
                   Map<String, ActorRef<ToHypervisor>> hypervisors, Port port) {
        this.scenario = scenario;
        this.roster = roster;
        this.board = board;
        this.messages = messages;
        this.hotspot = HotspotPolicies.create(scenario.cluster().hotspot(), scenario.tickSeconds());
        this.hypervisors = hypervisors;
        this.port = port;
    }

    /** The tick that starts after the boundary being played (-1 before the first). */
    long boundaryTick() {
        return boundaryTick;
    }

    /** A tick ended: start the migrations due, then play the boundary's steps. */
    void tickEnded(TickEnded ended) {
        boundaryTick = ended.nextTick();
        double now = boundaryTick * scenario.tickSeconds();
        board.sampled(ended.hosts(), ended.guests());
        List<ClusterPlan.MigrateEvent> events = scenario.cluster().events();
        while (nextEvent < events.size() && events.get(nextEvent).atSeconds() <= now + 1e-9) {
            begin(events.get(nextEvent++), "event");
        }
        board.hotspotMoves(hotspot, boundaryTick, now, ended.hosts(), ended.guests(), (hot, move) -> {
            port.log().info("hotspot: {} moves {} to {}", hot, move.guest(), move.to());
            begin(move, "hotspot");
        });
        board.planBoundary(boundaryTick);
        nextStep();
    }

    /** Starts a migration for an event, or reports why it cannot be done. */
    private void begin(ClusterPlan.MigrateEvent event, String trigger) {
        String why = board.begin(event, trigger, boundaryTick);
        if (why != null) {
            port.log().warn("migration of {} at {} s not done: {}", event.guest(), event.atSeconds(), why);
            port.toClock().accept(new Clock.Faulted(new GuestFault(event.guest(), "migration refused: " + why,
                    "stays where it is")));
        }
    }

    /** Plays the next migration step of this boundary, or lets the clock go on. */
    private void nextStep() {
        current = board.next();
        if (current == null) {
            port.toClock().accept(new Clock.Proceed(null, board.active().iterator().hasNext()));
            return;
        }
        current.begin();
        send(current);
    }

    /** Sends the message of {@code m}'s current step (and starts the step's timeout). */
    private void send(LiveMigration m) {
        port.startStepTimer().accept(++stepSeq);
        LiveMigration.Step step = m.step();
        if (step == LiveMigration.Step.FIRST_ROUND || step == LiveMigration.Step.ROUND
                || step == LiveMigration.Step.LAST_ROUND) {
            roundStartNanos = System.nanoTime();
        }
        port.send().accept(messages.of(m, hypervisors));
    }

    /** A hypervisor's answer to the current step. */
    void onReply(MigrationReply reply) {
        LiveMigration m = current;
        if (m == null || reply.migration() != m.id()) {
            return;
        }
        LiveMigration.Step step = m.step();
        m.noteReply(reply.workUnits(), reply.postCopy());
        LiveMigration.Next next = m.onHostReply(reply.guest(), reply.pagesSent(), reply.dirtyPages(), reply.problem(),
                reply.host(), boundaryTick, board.sharers(m));
        if (next == LiveMigration.Next.ROUND_SENT && step != LiveMigration.Step.POSTCOPY_STATUS
                && step != LiveMigration.Step.TRACK_WRITES || step == LiveMigration.Step.LAST_ROUND && reply.problem() == null) {
            logRound(m, m.pagesJustSent());
        }
        if (next == LiveMigration.Next.UNEXPECTED) {
            port.log().warn("unexpected migration reply {} at step {}", reply, step.number);
        }
        proceed(m, next);
    }

    /** The new host installed a restarted guest (empty), or refused. */
    void onInstalled(PageBatchAck ack) {
        LiveMigration m = current;
        if (m != null && ack.migration() == m.id() && m.step() == LiveMigration.Step.RESTART_INSTALL) {
            proceed(m, m.onInstalled(ack.problem()));
        }
    }

    /** The source's agent stopped the leaving guest and handed over its state (or had no such guest). */
    void onEvacuated(NodeAgent.Evacuated e) {
        LiveMigration m = current;
        if (m != null && e.migration() == m.id() && m.step() == LiveMigration.Step.EVACUATE) {
            proceed(m, m.onEvacuated(e.handover()));
        }
    }

    /** The guest's new incarnation runs at its destination: the migration (or restart) is over. */
    void onResumed(NodeAgent.Resumed r) {
        LiveMigration m = current;
        if (m == null || r.migration() != m.id() || !m.resuming()) {
            return;
        }
        port.cancelStepTimer().run();
        port.toClock().accept(new Clock.GuestMoved(m.guest(), m.to(), m.destIndex()));
        if (m.isRestart()) {
            roster.restarted(m.guest(), m.to(), m.destIndex());
        } else {
            roster.migrated(m.guest(), m.to(), m.destIndex());
            if (m.postCopy()) {
                m.resumedInPostCopy(); // its pages go on arriving: over when the last has
            } else {
                board.finished(m, boundaryTick);
            }
        }
        nextStep();
    }

    private void proceed(LiveMigration m, LiveMigration.Next next) {
        switch (next) {
            case SEND -> send(m);
            case ROUND_SENT -> nextStep();
            case GIVEN_UP -> abandoned(m);
            case FAILED -> port.fail().accept(m.failure());
            case UNEXPECTED -> { }
            case POSTCOPY_DONE -> {
                port.cancelStepTimer().run();
                board.finished(m, boundaryTick);
                nextStep();
            }
        }
    }

    /** A migration given up before its stop-and-copy: the guest runs on at its source; the fault says why. */
    private void abandoned(LiveMigration m) {
        port.cancelStepTimer().run();
        port.log().warn("{}; {} stays on {}", m.abortReason(), m.guest(), m.from());
        board.abandoned(m);
        port.toClock().accept(new Clock.Faulted(new GuestFault(m.guest(), m.abortReason(), "stays on " + m.from())));
        nextStep();
    }

    /** Logs how fast a round's pages crossed (page batches per wall second). */
    private void logRound(LiveMigration m, int pages) {
        int batchPages = scenario.cluster().migration().batchPages();
        double ms = (System.nanoTime() - roundStartNanos) / 1e6;
        long batches = (pages + batchPages - 1) / batchPages;
        port.log().info("migration of {} {} -> {}: {} pages in {} batches, {} ms wall ({} batches/s)",
                m.guest(), m.from(), m.to(), pages, batches, String.format("%.1f", ms),
                ms > 0 ? String.format("%.0f", batches * 1000 / ms) : "-");
    }

    /** Why the run ends when step timeout {@code seq} fired after {@code timeout}, or null if it is stale. */
    String timedOut(long seq, Duration timeout) {
        if (seq != stepSeq || current == null) {
            return null;
        }
        return "migration of " + current.guest() + " from " + current.from() + " to " + current.to()
                + " timed out after " + timeout.toSeconds() + " s at step " + current.step().number;
    }
}
