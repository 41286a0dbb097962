package ballast.host.node;

import ballast.guest.GuestVm;
import ballast.guest.workload.TraceLostException;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;

/**
 * Tells {@code owner} why a guest actor failed (the exception it threw, at its boot or later)
 * before its supervisor stops it, so that the fault names its cause: the termination the node
 * agent watches for says only that it stopped. It also tells whether the guest lost its input (a
 * trace that can no longer be read), which no restart can mend.
 */
final class FailureWatch<T> extends BehaviorInterceptor<GuestVm.Command, GuestVm.Command> {
    private final ActorRef<T> owner;
    private final BiFunction<String, Boolean, T> failed;

    FailureWatch(ActorRef<T> owner, BiFunction<String, Boolean, T> failed) {
        super(GuestVm.Command.class);
        this.owner = owner;
        this.failed = failed;
    }

    @Override
    public Behavior<GuestVm.Command> aroundStart(TypedActorContext<GuestVm.Command> ctx,
                                                 PreStartTarget<GuestVm.Command> target) {
        try {
            return target.start(ctx);
        } catch (RuntimeException | Error e) {
            owner.tell(failed.apply(describe(e), e instanceof TraceLostException));
            throw e;
        }
    }

    @Override
    public Behavior<GuestVm.Command> aroundReceive(TypedActorContext<GuestVm.Command> ctx, GuestVm.Command msg,
                                                   ReceiveTarget<GuestVm.Command> target) {
        try {
            return target.apply(ctx, msg);
        } catch (RuntimeException | Error e) {
            owner.tell(failed.apply(describe(e), e instanceof TraceLostException));
            throw e;
        }
    }

    @Override
    public Behavior<GuestVm.Command> aroundSignal(TypedActorContext<GuestVm.Command> ctx, Signal signal,
                                                  SignalTarget<GuestVm.Command> target) {
        try {
            return target.apply(ctx, signal);
        } catch (RuntimeException | Error e) {
            owner.tell(failed.apply(describe(e), e instanceof TraceLostException));
            throw e;
        }
    }

    /** The exception's class and message, and those of its root cause. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return root == e ? top : top + " (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }
}
