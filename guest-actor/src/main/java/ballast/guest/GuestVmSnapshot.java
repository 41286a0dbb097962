package ballast.guest;

import ballast.guest.balloon.Balloon;

/**
 * A guest VM's whole state between two ticks, as it travels in a live migration's stop-and-copy:
 * its guest OS ({@link GuestOsSnapshot}), its balloon driver's state (null when ballooning is
 * disabled), the driver's orders not yet carried out (null when none), and what the VM keeps
 * between ticks: the last work that carried a balloon call, the balloon status of the last result
 * and its tick, and the stall decisions by the parity of the work tick they apply to (the tick, and
 * the decision as bit 0 for an even tick, bit 1 for an odd one), and a workload change taken and
 * not yet in force (null when none) with the first work tick it applies to, and the tick of the
 * last {@code TickStart} it received (a workload change between ticks is timed from it), and the
 * paces by the parity of the work tick they apply to with the workload accesses of the last works
 * generated (their ticks and counts; null in a snapshot without them: no pace). A VM
 * restored from it ({@link GuestVm#restored}) goes on exactly as the original would have.
 *
 * <p>A record holding arrays compares by identity; tests compare contents.
 */
public record GuestVmSnapshot(GuestOsSnapshot os, Balloon.State balloon, Balloon.Orders orders, long lastCallWork,
                              int lastStatus, long lastStatusTick, long[] stallTick, int stallBits,
                              ballast.guest.workload.WorkloadSettings nextWorkload, long nextWorkloadTick,
                              long lastStartedTick, long[] paceCapacity, long[] paceBacklog, long[] workTick,
                              long[] workAccesses) {

    /** A snapshot without paces (nothing limits the restored guest's next works). */
    public GuestVmSnapshot(GuestOsSnapshot os, Balloon.State balloon, Balloon.Orders orders, long lastCallWork,
                           int lastStatus, long lastStatusTick, long[] stallTick, int stallBits,
                           ballast.guest.workload.WorkloadSettings nextWorkload, long nextWorkloadTick,
                           long lastStartedTick) {
        this(os, balloon, orders, lastCallWork, lastStatus, lastStatusTick, stallTick, stallBits, nextWorkload,
                nextWorkloadTick, lastStartedTick, null, null, null, null);
    }
}
