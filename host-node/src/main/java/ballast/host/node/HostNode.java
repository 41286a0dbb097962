package ballast.host.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The root of a host-node process ({@code ballast node}): its {@link NodeAgent}, registered with
 * the receptionist so that a scheduler joining the cluster finds it.
 */
public final class HostNode {
    private HostNode() {
    }

    public static Behavior<Void> create(int capacity) {
        return Behaviors.setup(context -> {
            String node = Cluster.get(context.getSystem()).selfMember().address().toString();
            ActorRef<NodeAgent.Command> agent = context.spawn(NodeAgent.create(node, capacity), "node-agent");
            context.getSystem().receptionist().tell(Receptionist.register(NodeAgent.KEY, agent));
            return Behaviors.empty();
        });
    }
}
