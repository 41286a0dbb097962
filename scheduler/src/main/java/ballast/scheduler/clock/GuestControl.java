package ballast.scheduler.clock;

import ballast.guest.workload.WorkloadSettings;
import ballast.host.node.GuestChanged;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the clock asks of the run manager when a timed event starts, stops or changes a guest (the
 * manager passes it on to the node agent that runs the guest's host). Each request is answered with
 * one {@link GuestChanged} once the change has landed: a started guest has booted with its
 * hypervisor, a stopped guest's actor has stopped, a guest has switched to its new workload. The
 * clock and the run manager share a JVM: never serialized.
 */
public sealed interface GuestControl extends org.apache.pekko.actor.NoSerializationVerificationNeeded {

    /** Boot {@code guest} now (it joins tick {@code tick}). */
    record Start(String guest, long tick, ActorRef<GuestChanged> replyTo) implements GuestControl {
    }

    /** Stop {@code guest}'s actor (the clock then tells its hypervisor to release its memory). */
    record Stop(String guest, ActorRef<GuestChanged> replyTo) implements GuestControl {
    }

    /** Switch running {@code guest} to {@code workload} from tick {@code tick} on. */
    record ChangeWorkload(String guest, WorkloadSettings workload, long tick, ActorRef<GuestChanged> replyTo)
            implements GuestControl {
    }
}
