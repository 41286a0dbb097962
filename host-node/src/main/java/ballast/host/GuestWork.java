package ballast.host;

import ballast.abi.FreePageReport;
import ballast.abi.KernelActivity;
import ballast.abi.MmuUpdate;
import ballast.abi.Reservation;
import ballast.abi.TickLoad;
import ballast.abi.TickWork;
import java.util.List;

/**
 * One guest's work for one tick, as {@link HypervisorCore#apply} takes it: the guest's index on
 * this host, the tick, its {@code mmu_update} hypercalls, its operation stream (the first
 * {@code opCount} entries of {@code ops}) with the values its writes and maps take (the first
 * {@code valueCount} of {@code values}), its kernel activity and its reservation calls (each null
 * when there are none).
 *
 * <p>The streams are not checked here: a count outside its array, a missing stream or a malformed
 * operation is the guest's error and the hypervisor refuses it with a typed reason
 * ({@link ballast.abi.RefusalReason#MALFORMED}). What is checked is the caller's side: the index
 * names a guest slot (not negative), and missing {@code mmu_update}s are none.
 *
 * <p>A record holding arrays compares by identity; it is built per tick and not kept.
 */
public record GuestWork(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                        int valueCount, KernelActivity kernel, Reservation reservation, TickLoad load,
                        List<FreePageReport> reports, List<ballast.abi.MemoryHotplug> hotplug) {

    /** Work without memory hotplug requests. */
    public GuestWork(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                     int valueCount, KernelActivity kernel, Reservation reservation, TickLoad load,
                     List<FreePageReport> reports) {
        this(index, tick, mmuUpdates, ops, opCount, values, valueCount, kernel, reservation, load, reports, List.of());
    }

    /** Work without free page reports. */
    public GuestWork(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                     int valueCount, KernelActivity kernel, Reservation reservation, TickLoad load) {
        this(index, tick, mmuUpdates, ops, opCount, values, valueCount, kernel, reservation, load, List.of());
    }

    /** Work without a {@link TickLoad}: the time model counts its reads and writes as its work. */
    public GuestWork(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                     int valueCount, KernelActivity kernel, Reservation reservation) {
        this(index, tick, mmuUpdates, ops, opCount, values, valueCount, kernel, reservation, null);
    }

    /** @throws IllegalArgumentException when {@code index} is negative */
    public GuestWork {
        if (index < 0) {
            throw new IllegalArgumentException("guest index " + index + " is negative");
        }
        mmuUpdates = mmuUpdates == null ? List.of() : mmuUpdates;
        reports = reports == null ? List.of() : reports;
        hotplug = hotplug == null ? List.of() : hotplug;
    }

    /** Work whose streams are the whole arrays (a missing array counts 0), with kernel activity and reservation calls. */
    public static GuestWork of(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                               KernelActivity kernel, Reservation reservation) {
        return new GuestWork(index, tick, mmuUpdates, ops, ops == null ? 0 : ops.length, values,
                values == null ? 0 : values.length, kernel, reservation);
    }

    /** Work whose streams are the whole arrays, without kernel activity or reservation calls. */
    public static GuestWork of(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values) {
        return of(index, tick, mmuUpdates, ops, values, null, null);
    }

    /** A guest's {@link TickWork} message, applied as guest {@code index} (the sender the host knows). */
    public static GuestWork from(int index, TickWork work) {
        return new GuestWork(index, work.tick(), work.mmuUpdates(), work.ops(), work.opCount(), work.values(),
                work.valueCount(), work.kernel(), work.reservation(), work.load(), work.reports(), work.hotplug());
    }
}
