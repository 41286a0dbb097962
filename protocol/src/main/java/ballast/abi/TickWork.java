package ballast.abi;

import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A guest's work for one tick: first its {@code mmu_update} hypercalls (para-virtual guests
 * only, each applied whole or refused whole), then its operation stream (see {@link Ops}) with the
 * values that {@code WRITE} and {@code MAP} operations take, in order, and the tick's kernel
 * activity as counts (null when the kernel did nothing), and its memory-reservation calls
 * ({@link Reservation}: guest page-outs, balloon inflate and deflate; null when none), and what the
 * tick means for its progress ({@link TickLoad}; null when the guest does not say), and its free page
 * reports ({@link FreePageReport}, one hypercall each; empty when none), and its memory hotplug
 * requests ({@link MemoryHotplug}, one hypercall each; empty when none).
 *
 * <p>The streams are the first {@code opCount} entries of {@code ops} and the first
 * {@code valueCount} of {@code values}: a guest hands over its reused buffers rather than a copy
 * (it does not write a buffer again before the hypervisor has answered the tick it carried; see
 * {@code GuestOs}). Only those entries go on the wire, and arrive as arrays of exactly that length.
 *
 * <p>A record holding arrays compares by identity; tests compare contents ({@link #exact()}).
 */
public record TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                       int valueCount, KernelActivity kernel, Reservation reservation, ActorRef<ToGuest> replyTo,
                       TickLoad load, List<FreePageReport> reports, List<MemoryHotplug> hotplug)
        implements GuestCall {

    /** Work without memory hotplug requests. */
    public TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                    int valueCount, KernelActivity kernel, Reservation reservation, ActorRef<ToGuest> replyTo,
                    TickLoad load, List<FreePageReport> reports) {
        this(guest, tick, mmuUpdates, ops, opCount, values, valueCount, kernel, reservation, replyTo, load, reports,
                List.of());
    }

    /** Work without free page reports. */
    public TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                    int valueCount, KernelActivity kernel, Reservation reservation, ActorRef<ToGuest> replyTo,
                    TickLoad load) {
        this(guest, tick, mmuUpdates, ops, opCount, values, valueCount, kernel, reservation, replyTo, load, List.of());
    }

    /** Work without a {@link TickLoad} (the time model counts its reads and writes as its work). */
    public TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                    int valueCount, KernelActivity kernel, Reservation reservation, ActorRef<ToGuest> replyTo) {
        this(guest, tick, mmuUpdates, ops, opCount, values, valueCount, kernel, reservation, replyTo, null);
    }

    /** @throws IllegalArgumentException when a count is negative or passes its array (0 for a null array) */
    public TickWork {
        reports = reports == null ? List.of() : reports;
        hotplug = hotplug == null ? List.of() : hotplug;
        if (opCount < 0 || opCount > (ops == null ? 0 : ops.length)) {
            throw new IllegalArgumentException("operation count " + opCount + " outside the stream of "
                    + (ops == null ? 0 : ops.length));
        }
        if (valueCount < 0 || valueCount > (values == null ? 0 : values.length)) {
            throw new IllegalArgumentException("value count " + valueCount + " outside the stream of "
                    + (values == null ? 0 : values.length));
        }
    }

    /** Work whose streams are the whole arrays. */
    public TickWork(int guest, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                    KernelActivity kernel, Reservation reservation, ActorRef<ToGuest> replyTo) {
        this(guest, tick, mmuUpdates, ops, ops == null ? 0 : ops.length, values, values == null ? 0 : values.length,
                kernel, reservation, replyTo);
    }

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

    /** The same work with streams of exactly their counts (copies when the arrays are longer). */
    public TickWork exact() {
        boolean opsExact = ops == null || ops.length == opCount;
        boolean valuesExact = values == null || values.length == valueCount;
        if (opsExact && valuesExact) {
            return this;
        }
        return new TickWork(guest, tick, mmuUpdates, opsExact ? ops : Arrays.copyOf(ops, opCount), opCount,
                valuesExact ? values : Arrays.copyOf(values, valueCount), valueCount, kernel, reservation, replyTo, load, reports, hotplug);
    }
}
