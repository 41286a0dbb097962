package ballast.host.control;

import ballast.host.Hypervisor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The clock asks a hypervisor to play a whole run free-running: no tick barrier, every guest
 * moving from one tick to the next as soon as its previous tick was acknowledged, the hypervisor
 * applying each guest's work as it arrives, in whatever order that is. For concurrency stress, not
 * for reproducible figures.
 *
 * @param ticks      ticks every guest plays
 * @param checkEvery check every invariant after this many applied works (the hypervisor's state is
 *                   consistent between any two messages, so any point is a quiescent point), and
 *                   report progress with a {@link HostTickDone}
 */
public record RunFree(long ticks, long checkEvery, ActorRef<HostTickDone> replyTo)
        implements HostControl {
}
