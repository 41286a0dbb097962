package ballast.host.control;

/**
 * Where a guest's time went on its host, and how much work it got done (the time model,
 * {@code ballast.host.time.HostTime}). Seconds are vCPU seconds: each category summed over the
 * guest's vCPUs, so the seven add up to {@code vcpus x accountedSeconds}.
 *
 * @param vcpus               the guest's vCPUs
 * @param workUnits           workload accesses completed
 * @param demand              workload accesses its workload asked for (at native speed)
 * @param backlog             accesses generated and not completed yet
 * @param accountedSeconds    simulated seconds of the guest's ticks on this host
 * @param runSeconds          its own work (accesses, walks, its kernel's native work)
 * @param overheadSeconds     what virtualization added (traps, exits, hidden faults, hypercalls)
 * @param ioWaitSeconds       blocked on its own virtual disk (its page-ins)
 * @param hostSwapWaitSeconds blocked on host swap-ins
 * @param stalledSeconds      stalled by the host (the low free-memory state)
 * @param readySeconds        ready to run, waiting for a host core
 * @param idleSeconds         nothing to do
 */
public record GuestTimeStats(int vcpus, long workUnits, long demand, long backlog, double accountedSeconds,
                             double runSeconds, double overheadSeconds, double ioWaitSeconds,
                             double hostSwapWaitSeconds, double stalledSeconds, double readySeconds,
                             double idleSeconds) {
    /** No time accounted. */
    public static final GuestTimeStats ZERO = new GuestTimeStats(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Work units per simulated second (0 before any time). */
    public double throughput() {
        return accountedSeconds > 0 ? workUnits / accountedSeconds : 0;
    }

    /** What the workload asked for, per simulated second. */
    public double demandThroughput() {
        return accountedSeconds > 0 ? demand / accountedSeconds : 0;
    }

    /** Demand over work done (at least one unit done is assumed, so it stays finite); 1 when it got all it asked for. */
    public double slowdown() {
        return demand == 0 ? 1.0 : demand / (double) Math.max(1, workUnits);
    }

    /** The seven categories added up: {@code vcpus x accountedSeconds}, up to rounding. */
    public double totalSeconds() {
        return runSeconds + overheadSeconds + ioWaitSeconds + hostSwapWaitSeconds + stalledSeconds + readySeconds
                + idleSeconds;
    }
}
