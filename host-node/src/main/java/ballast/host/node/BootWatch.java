package ballast.host.node;

import ballast.guest.GuestVm;
import ballast.abi.Booted;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;

/**
 * Watches a guest actor for its hypervisor's {@link Booted} and tells {@code owner} (the node agent
 * that started it) once the guest has handled it: then its hypervisor has registered it, so the
 * next tick includes it. Used for guests a timed event starts, whose boot the clock waits for.
 */
public final class BootWatch<T> extends BehaviorInterceptor<GuestVm.Command, GuestVm.Command> {
    private final ActorRef<T> owner;
    private final T booted;
    private boolean told;

    /** Tells {@code owner} {@code booted} once the guest has booted. */
    public BootWatch(ActorRef<T> owner, T booted) {
        super(GuestVm.Command.class);
        this.owner = owner;
        this.booted = booted;
    }

    @Override
    public Behavior<GuestVm.Command> aroundReceive(TypedActorContext<GuestVm.Command> ctx, GuestVm.Command msg,
                                                   ReceiveTarget<GuestVm.Command> target) {
        Behavior<GuestVm.Command> next = target.apply(ctx, msg);
        if (!told && msg instanceof GuestVm.FromHypervisor from && from.message() instanceof Booted) {
            told = true;
            owner.tell(booted);
        }
        return next;
    }
}
