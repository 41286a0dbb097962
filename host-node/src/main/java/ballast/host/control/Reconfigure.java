package ballast.host.control;

import ballast.host.Hypervisor;
import ballast.host.reclaim.ReclaimSettings;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A timed event for one host, sent by the clock between two ticks (it waits for the reply before
 * playing the next tick, so the change lands at the same tick in every run): from now on the host
 * reclaims with {@code reclaim} (e.g. {@code hosts.host-a.policy.tau = 0.75}), and rebalances at
 * once. A setting the host cannot take is refused in the reply and changes nothing.
 */
public record Reconfigure(ReclaimSettings reclaim, ActorRef<Reconfigured> replyTo) implements HostControl {
}
