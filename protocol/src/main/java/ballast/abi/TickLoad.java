package ballast.abi;

/**
 * What a tick's work means for the guest's progress, as the guest OS knows it: the time model
 * ({@code ballast.host.time}) prices the tick from it and the hypervisor's own events.
 *
 * @param demand       accesses the workload asked for in this tick (its native speed)
 * @param workAccesses workload accesses in the operation stream (work units; the guest OS's own
 *                     fills and page-ins are not among them)
 * @param pageIns      pages the guest OS read from its virtual disk in this tick (each one a read
 *                     the guest waits for)
 * @param stalled      the tick was stalled (no workload accesses: the host blocked the guest)
 */
public record TickLoad(long demand, long workAccesses, int pageIns, boolean stalled) {
    public TickLoad {
        if (demand < 0 || workAccesses < 0 || pageIns < 0) {
            throw new IllegalArgumentException("tick load with demand " + demand + ", " + workAccesses
                    + " work accesses, " + pageIns + " page-ins");
        }
    }
}
