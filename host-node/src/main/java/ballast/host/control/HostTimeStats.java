package ballast.host.control;

import java.util.List;

/**
 * A host's cores and devices in the time model ({@code ballast.host.time.HostTime}).
 *
 * @param cores                the host's cores
 * @param ghz                  their clock
 * @param elapsedSeconds       simulated seconds accounted
 * @param cpuBusySeconds       core seconds spent on the vCPUs' and the hypervisor's work
 * @param hypervisorCpuSeconds core seconds spent on the hypervisor's own work (scanning, hashing,
 *                             merging, swap handling, migration copies)
 * @param devices              the swap device, then the disk when it is another device
 */
public record HostTimeStats(int cores, double ghz, double elapsedSeconds, double cpuBusySeconds,
                            double hypervisorCpuSeconds, List<DeviceStats> devices) {
    public static final HostTimeStats NONE = new HostTimeStats(1, 1, 0, 0, 0, List.of());

    public HostTimeStats {
        devices = devices == null ? List.of() : List.copyOf(devices);
    }
}
