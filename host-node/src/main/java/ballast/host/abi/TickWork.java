package ballast.host.abi;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A guest's work for one tick: first its {@code mmu_update} hypercalls (para-virtual guests
 * only, each applied whole or refused whole), then its operation stream (see {@link Ops}) with the
 * values that {@code WRITE} and {@code MAP} operations take, in order, and the tick's kernel
 * activity as counts (null when the kernel did nothing), and its memory-reservation calls
 * ({@link Reservation}: guest page-outs, balloon inflate and deflate; null when none).
 *
 * <p>A record holding arrays compares by identity; tests compare contents.
 */
public record TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                       KernelActivity kernel, Reservation reservation, ActorRef<ToGuest> replyTo) implements GuestCall {

    /** Work without reservation calls. */
    public TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                    KernelActivity kernel, ActorRef<ToGuest> replyTo) {
        this(guest, tick, mmuUpdates, ops, values, kernel, null, replyTo);
    }

    /** Work without kernel activity or reservation calls. */
    public TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                    ActorRef<ToGuest> replyTo) {
        this(guest, tick, mmuUpdates, ops, values, null, null, replyTo);
    }
}
