package ballast.host.abi;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A guest's work for one tick: first its {@code mmu_update} hypercalls (para-virtual guests
 * only, each applied whole or refused whole), then its operation stream (see {@link Ops}) with the
 * values that {@code WRITE} and {@code MAP} operations take, in order.
 *
 * <p>A record holding arrays compares by identity; tests compare contents.
 */
public record TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                       ActorRef<ToGuest> replyTo) implements GuestCall {
}
