package ballast.host.control;

import ballast.host.Hypervisor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The clock asks a hypervisor to play one tick with its guests.
 *
 * @param sample whether the reply must carry per-guest figures (a sampling point or the last tick)
 * @param audit  whether to audit every guest's memory and check every invariant after the tick
 */
public record RunTick(long tick, boolean sample, boolean audit, ActorRef<HostTickDone> replyTo)
        implements HostControl {
}
