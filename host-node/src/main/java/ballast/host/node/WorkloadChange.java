package ballast.host.node;

import ballast.guest.GuestVm;
import ballast.guest.workload.WorkloadSettings;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Asks a guest to switch to another workload ({@link GuestVm.SetWorkload}) and maps its answer
 * ({@link GuestVm.WorkloadSet}). The workload is sent as written: its phase durations count from
 * the change, as the guest restarts the new workload's phase clock when it takes it (from its work
 * of the tick after the event's: it may have generated the event's tick ahead).
 */
public final class WorkloadChange {

    private WorkloadChange() {
    }

    /**
     * Asks {@code guest} to switch to {@code workload}; {@code answer} turns the outcome (null when
     * the guest took it, else why not) into the caller's message.
     */
    public static <T> void ask(ActorContext<T> context, ActorRef<GuestVm.Command> guest, WorkloadSettings workload,
                        Duration timeout, Function<String, T> answer) {
        context.ask(GuestVm.WorkloadSet.class, guest, timeout, ref -> new GuestVm.SetWorkload(workload, ref),
                (reply, failure) -> answer.apply(failure != null ? "no answer from the guest: " + failure
                        : reply.accepted() ? null : "refused by the guest: " + reply.problem()));
    }
}
