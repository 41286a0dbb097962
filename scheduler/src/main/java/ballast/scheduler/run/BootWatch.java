package ballast.scheduler.run;

import ballast.guest.GuestVm;
import ballast.host.abi.Booted;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;

/**
 * Watches a guest actor for its hypervisor's {@link Booted} and tells the guardian once the guest
 * has handled it: then its hypervisor has registered it, so the next tick includes it. Used for
 * guests a timed event starts, whose boot the clock waits for.
 */
final class BootWatch extends BehaviorInterceptor<GuestVm.Command, GuestVm.Command> {
    private final ActorRef<Guardian.Message> guardian;
    private final String guest;
    private final int incarnation;
    private boolean told;

    BootWatch(ActorRef<Guardian.Message> guardian, String guest, int incarnation) {
        super(GuestVm.Command.class);
        this.guardian = guardian;
        this.guest = guest;
        this.incarnation = incarnation;
    }

    @Override
    public Behavior<GuestVm.Command> aroundReceive(TypedActorContext<GuestVm.Command> ctx, GuestVm.Command msg,
                                                   ReceiveTarget<GuestVm.Command> target) {
        Behavior<GuestVm.Command> next = target.apply(ctx, msg);
        if (!told && msg instanceof GuestVm.FromHypervisor from && from.message() instanceof Booted) {
            told = true;
            guardian.tell(new Guardian.GuestBooted(guest, incarnation));
        }
        return next;
    }
}
