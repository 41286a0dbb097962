package ballast.host.control;

import ballast.host.Hypervisor;
import ballast.wire.WireMessage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The scheduler tells a hypervisor that one of its guests is gone (its actor failed and was
 * stopped). The hypervisor releases every frame the guest held and plays on without it; when
 * {@code reboot} is set, a fresh incarnation of the guest will boot and join at a later tick.
 *
 * <p>With {@code restartTo} (a restart after a backoff), the guest's node agent waits before it
 * starts the fresh incarnation: the hypervisor plays on without the guest for
 * {@code backoffTicks} ticks, then tells {@code restartTo} that the restart is due
 * ({@link RestartDue}) and the tick it starts waits for that incarnation's boot (or for its
 * failure), so that its fault is in before the run goes further.
 *
 * <p>{@code stopped}: the guest was stopped as the scenario asked (a {@code stop} event, or a guest
 * that starts later), not lost to a failure; its release is then no cause for a warning.
 */
public record GuestGone(int guest, boolean reboot, int backoffTicks, ActorRef<RestartDue> restartTo, boolean stopped)
        implements HostControl {

    /** A guest gone for good ({@code reboot} false), or rebooting at once at the next tick. */
    public GuestGone(int guest, boolean reboot) {
        this(guest, reboot, 0, null, false);
    }

    /** A guest stopped as the scenario asked (a {@code stop} event, or one that starts later), gone for good. */
    public static GuestGone stoppedByScenario(int guest) {
        return new GuestGone(guest, false, 0, null, true);
    }

    /** A guest to restart after {@code backoffTicks} ticks: {@code restartTo} hears when its restart is due. */
    public static GuestGone restartAfter(int guest, int backoffTicks, ActorRef<RestartDue> restartTo) {
        return new GuestGone(guest, true, backoffTicks, restartTo, false);
    }

    /** Whether the restart waits for the hypervisor's {@link RestartDue}. */
    public boolean backsOff() {
        return reboot && restartTo != null;
    }

    /** The hypervisor to the guest's node agent: start guest {@code name} (index {@code guest}) afresh now. */
    public record RestartDue(int guest, String name) implements WireMessage {
    }
}
