package ballast.host.migration;

import ballast.abi.ToHypervisor;
import ballast.wire.WireMessage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a live migration between two free-running hypervisors needs beyond the deterministic one's
 * steps, which are played at tick boundaries that a free run does not have. A guest's own ticks are
 * its boundaries: the pre-copy rounds go out between its works; for the stop-and-copy its node
 * agent asks the source to hold the guest ({@link HoldGuest}): the source takes the guest's
 * acknowledgement of its tick as usual but keeps back the {@code TickStart} of its next tick, so that
 * the guest has nothing in flight when it hands over its state; the destination is told the tick
 * the guest plays next ({@link JoinRun}) before the guest's new incarnation boots there, and starts
 * it at that tick. Agent and hypervisors share a JVM.
 */
public final class FreeMigration {
    private FreeMigration() {
    }

    /** Hold guest {@code guest} ({@code name}) after the tick it plays now; {@code replyTo} hears {@link GuestHeld}. */
    public record HoldGuest(int guest, String name, ActorRef<GuestHeld> replyTo) implements ToHypervisor, WireMessage {
    }

    /** Guest {@code name} is held: its work of every tick before {@code nextTick} is applied and acknowledged. */
    public record GuestHeld(String name, long nextTick) implements WireMessage {
    }

    /**
     * The clock to every host, before a free run that may move guests: once every guest has played
     * every tick, report that progress and wait for {@link ReleaseEnd} before the final report, so
     * that a guest may still arrive.
     */
    public record HoldEnd() implements ToHypervisor, WireMessage {
    }

    /**
     * The clock to every host of a free run that may move guests ({@link HoldEnd}): no guest will
     * arrive any more; a host whose guests have played every tick sends its final report.
     */
    public record ReleaseEnd() implements ToHypervisor, WireMessage {
    }

    /** The arriving guest {@code guest} (its index here) plays on from tick {@code tick} once it boots. */
    public record JoinRun(int guest, long tick) implements ToHypervisor, WireMessage {
    }
}
