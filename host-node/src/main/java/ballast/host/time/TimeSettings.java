package ballast.host.time;

import ballast.host.device.DeviceSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

/**
 * What a host's time model needs: the tick, the host's cores and clock, its swap device and the
 * storage behind its guests' virtual disks (one device, or two), what a guest's access costs, and
 * what the hypervisor's own work costs per page. Defaults in {@code reference.conf}
 * ({@code ballast.host.cpu}, {@code ballast.host.devices}, {@code ballast.devices.presets}, {@code ballast.time}); every figure there
 * names its source or says it is an assumption.
 *
 * @param tickSeconds        simulated seconds per tick
 * @param cores              the host's cores
 * @param ghz                their clock
 * @param swap               the host's swap device
 * @param disk               the storage behind the guests' virtual disks
 * @param sharedDevice       swap and the virtual disks are one device with one queue
 * @param workPerAccess      cycles of a guest's own work per workload access at native speed (the
 *                           work between two page references the simulator samples, the reference
 *                           included)
 * @param hypervisor         cycles of the hypervisor's own work per page
 */
public record TimeSettings(double tickSeconds, int cores, double ghz, DeviceSettings swap, DeviceSettings disk,
                           boolean sharedDevice, long workPerAccess, HypervisorPrices hypervisor) {

    /**
     * Cycles of the hypervisor's work per page: hashing a page for the page-sharing daemon, merging
     * one (a full compare and the remap), writing one to swap and bringing one back (the host
     * kernel's I/O path, the device time aside), copying one for a live migration.
     */
    public record HypervisorPrices(long hashPage, long mergePage, long swapOutPage, long swapInPage,
                                   long migrationPage) {
        public HypervisorPrices {
            if (hashPage < 0 || mergePage < 0 || swapOutPage < 0 || swapInPage < 0 || migrationPage < 0) {
                throw new IllegalArgumentException("negative hypervisor price");
            }
        }

        public static HypervisorPrices fromConfig(Config c) {
            return new HypervisorPrices(c.getLong("hash-page"), c.getLong("merge-page"), c.getLong("swap-out-page"),
                    c.getLong("swap-in-page"), c.getLong("migration-page"));
        }
    }

    public TimeSettings {
        if (!(tickSeconds > 0) || Double.isInfinite(tickSeconds)) {
            throw new IllegalArgumentException("tick must be a finite number of seconds > 0, not " + tickSeconds);
        }
        if (cores < 1) {
            throw new IllegalArgumentException("a host needs at least one core, not " + cores);
        }
        if (!(ghz > 0) || Double.isInfinite(ghz)) {
            throw new IllegalArgumentException("core clock must be a finite number of GHz > 0, not " + ghz);
        }
        if (swap == null || disk == null || hypervisor == null) {
            throw new IllegalArgumentException("time settings need a swap device, a disk and hypervisor prices");
        }
        if (workPerAccess < 1) {
            throw new IllegalArgumentException("work per access must be >= 1 cycle, not " + workPerAccess);
        }
    }

    /** The library's defaults ({@code ballast.host.cpu}, {@code ballast.host.devices}, {@code ballast.devices.presets}, {@code ballast.time}) with a tick of {@code tickSeconds}. */
    public static TimeSettings defaults(double tickSeconds) {
        Config c = ConfigFactory.defaultReference().getConfig("ballast");
        return fromConfig(c.getConfig("host.cpu"), c.getConfig("host.devices"), c.getConfig("devices.presets"),
                c.getConfig("time"), tickSeconds);
    }

    /** The defaults with a 100 ms tick. */
    public static final TimeSettings DEFAULT = defaults(0.1);

    /** From a host's {@code cpu} and {@code devices} sections, the device presets and a {@code time} section. */
    public static TimeSettings fromConfig(Config hostCpu, Config devices, Config presets, Config time, double tickSeconds) {
        try {
            return new TimeSettings(tickSeconds, hostCpu.getInt("cores"), hostCpu.getDouble("ghz"),
                    DeviceSettings.fromDevicesConfig(devices, "swap", presets),
                    DeviceSettings.fromDevicesConfig(devices, "disk", presets),
                    devices.getBoolean("swap-on-disk-device"), time.getLong("work-per-access"),
                    HypervisorPrices.fromConfig(time.getConfig("hypervisor")));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The same settings with another tick. */
    public TimeSettings withTick(double seconds) {
        return new TimeSettings(seconds, cores, ghz, swap, disk, sharedDevice, workPerAccess, hypervisor);
    }
}
