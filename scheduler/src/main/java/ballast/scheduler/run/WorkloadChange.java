package ballast.scheduler.run;

import ballast.guest.GuestVm;
import ballast.guest.workload.WorkloadSettings;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Asks a guest to switch to another workload and maps its answer: the only place that speaks the
 * guest's {@code SetWorkload(WorkloadSettings, replyTo)} / {@code WorkloadSet} protocol.
 *
 * <p><b>ADAPTER, to replace once guest-actor's {@code GuestVm.SetWorkload} is merged.</b> That
 * command is built on the guest side in parallel with this scheduler work; until it is on the
 * classpath this finds it by reflection (a record nested in {@link GuestVm} whose constructor takes
 * the workload and a reply address, the reply's class read from that address's type argument), so
 * that the scheduler compiles and a workload event is answered "not supported" rather than hanging.
 * Once merged, replace the body of {@link #ask} with
 * {@code context.ask(GuestVm.WorkloadSet.class, guest, timeout, ref -> new GuestVm.SetWorkload(workload, ref),
 * (reply, failure) -> answer.apply(failure != null ? "no answer: " + failure : reply.accepted() ? null
 * : "refused by the guest: " + reply.problem()))} and delete the reflection. The workload is sent as
 * written: its phase durations count from the change, as the guest restarts the new workload's
 * phase clock when it takes it (from its work of the tick after the event's: it may have generated
 * the event's tick ahead).
 */
final class WorkloadChange {
    private static final String COMMAND = "ballast.guest.GuestVm$SetWorkload";
    private static final Constructor<?> SET_WORKLOAD = find();

    private WorkloadChange() {
    }

    /** Whether the guest side understands workload changes. */
    static boolean supported() {
        return SET_WORKLOAD != null;
    }

    /**
     * Asks {@code guest} to switch to {@code workload}; {@code answer} turns the outcome (null when
     * the guest took it, else why not) into the caller's message.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> void ask(ActorContext<T> context, ActorRef<GuestVm.Command> guest, WorkloadSettings workload,
                        Duration timeout, Function<String, T> answer) {
        if (SET_WORKLOAD == null) {
            context.getSelf().tell(answer.apply("this build's guests cannot change their workload (no "
                    + COMMAND.replace('$', '.') + ")"));
            return;
        }
        Class reply = replyClass(SET_WORKLOAD);
        context.ask(reply, guest, timeout, ref -> {
            try {
                return (GuestVm.Command) SET_WORKLOAD.newInstance(workload, ref);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot build " + COMMAND + ": " + e, e);
            }
        }, (response, failure) -> answer.apply(failure != null ? "no answer from the guest: " + failure : problemOf(response)));
    }

    /** The reply's {@code problem()} (null when the guest took the workload), if it has one. */
    private static String problemOf(Object reply) {
        try {
            Object problem = reply.getClass().getMethod("problem").invoke(reply);
            return problem == null ? null : "refused by the guest: " + problem;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static Constructor<?> find() {
        try {
            Class<?> command = Class.forName(COMMAND);
            for (Constructor<?> c : command.getConstructors()) {
                Class<?>[] p = c.getParameterTypes();
                if (p.length == 2 && p[0] == WorkloadSettings.class && p[1] == ActorRef.class) {
                    return c;
                }
            }
            return null;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static Class<?> replyClass(Constructor<?> c) {
        Type t = c.getGenericParameterTypes()[1];
        if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> reply) {
            return reply;
        }
        return Object.class;
    }
}
