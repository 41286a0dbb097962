package ballast.host.device;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.util.List;
import java.util.Locale;

/**
 * One storage device of a host, as the time model sees it: a fixed positioning latency per
 * request and a transfer bandwidth. Serving a request of {@code bytes} takes
 * {@code latencySeconds + bytes / bandwidthBytesPerSecond} (see {@link #serviceSeconds(long)});
 * {@link DeviceQueue} queues the requests of a host's guests in front of it.
 *
 * <p>Presets (also in {@code reference.conf}, {@code ballast.devices.presets}); each figure is
 * marked with where it comes from:
 * <ul>
 *   <li>{@link #DISK_2002} ({@code disk-2002}), a 10,000 rpm SCSI disk of 2002: latency 8 ms =
 *       3 ms average rotational latency (derived: half a revolution at 10,000 rpm, 60 s / 10,000 / 2)
 *       + 5 ms average seek (assumption: the typical figure quoted for 10,000 rpm SCSI drives of
 *       the time, such as Seagate's Cheetah 73LP family; not checked against its product manual);
 *       bandwidth 40 MB/s (assumption: the middle of the tens of MB/s such drives sustained).</li>
 *   <li>{@link #SATA_SSD} ({@code sata-ssd}): latency 0.1 ms (assumption: a typical 4 KiB random
 *       read at queue depth 1); bandwidth 500 MB/s (from Samsung's rated sequential read of the
 *       860 EVO, 550 MB/s, rounded down; the SATA 3.0 link carries at most 600 MB/s after 8b/10b
 *       encoding).</li>
 *   <li>{@link #NVME} ({@code nvme}): latency 0.02 ms (assumption: a flash NVMe drive's 4 KiB
 *       random read at queue depth 1); bandwidth 2.5 GB/s (assumption: between the 2 and 3.5 GB/s
 *       rated for PCIe 3.0 x4 drives, below the link's 3.9 GB/s).</li>
 * </ul>
 * Immutable; any thread.
 *
 * @param name                    the preset name, or what the configuration calls the device
 * @param latencySeconds          time from the start of service to the first byte (seek and rotation, or flash read)
 * @param bandwidthBytesPerSecond transfer rate once positioned
 */
public record DeviceSettings(String name, double latencySeconds, double bandwidthBytesPerSecond) {

    /** A 10,000 rpm SCSI disk of 2002: 8 ms, 40 MB/s (see the class comment for sources). */
    public static final DeviceSettings DISK_2002 = new DeviceSettings("disk-2002", 0.008, 40e6);
    /** A SATA SSD: 0.1 ms, 500 MB/s. */
    public static final DeviceSettings SATA_SSD = new DeviceSettings("sata-ssd", 0.0001, 500e6);
    /** An NVMe drive: 0.02 ms, 2.5 GB/s. */
    public static final DeviceSettings NVME = new DeviceSettings("nvme", 0.00002, 2.5e9);

    /** The presets, in the order above. */
    public static final List<DeviceSettings> PRESETS = List.of(DISK_2002, SATA_SSD, NVME);

    public DeviceSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a device needs a name");
        }
        if (!(latencySeconds >= 0) || Double.isInfinite(latencySeconds)) {
            throw new IllegalArgumentException("device " + name + ": latency must be a finite number of seconds >= 0, not "
                    + latencySeconds);
        }
        if (!(bandwidthBytesPerSecond > 0) || Double.isInfinite(bandwidthBytesPerSecond)) {
            throw new IllegalArgumentException("device " + name + ": bandwidth must be a finite number of bytes per second > 0, not "
                    + bandwidthBytesPerSecond);
        }
    }

    /** Seconds the device is busy serving one request of {@code bytes}: latency + bytes / bandwidth. */
    public double serviceSeconds(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("device " + name + ": negative request size " + bytes);
        }
        return latencySeconds + bytes / bandwidthBytesPerSecond;
    }

    /** The preset called {@code name} (case-insensitive), or an exception naming the presets. */
    public static DeviceSettings preset(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (DeviceSettings p : PRESETS) {
            if (p.name.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown device preset '" + name + "'; known: "
                + PRESETS.stream().map(DeviceSettings::name).toList());
    }

    /**
     * A device from a configuration section {@code { latency = 8ms, bandwidth = 40MB }} (latency a
     * HOCON duration, bandwidth a HOCON size read as bytes per second), named {@code name}.
     */
    public static DeviceSettings fromConfig(String name, Config c) {
        try {
            double latency = c.getDuration("latency").toNanos() / 1e9;
            double bandwidth = c.getBytes("bandwidth");
            return new DeviceSettings(name, latency, bandwidth);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("device " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The device {@code key} ({@code swap} or {@code disk}) of a host's {@code devices} section: a
     * name of {@code presets} (the library's {@code ballast.devices.presets}), or its own
     * {@code { latency, bandwidth }} (named {@code key}).
     */
    public static DeviceSettings fromDevicesConfig(Config devices, String key, Config presets) {
        try {
            if (devices.getValue(key).valueType() == com.typesafe.config.ConfigValueType.OBJECT) {
                return fromConfig(key, devices.getConfig(key));
            }
            String presetName = devices.getString(key);
            if (!presets.hasPath(com.typesafe.config.ConfigUtil.quoteString(presetName))) {
                throw new IllegalArgumentException("devices." + key + " names '" + presetName + "', which is not a preset "
                        + new java.util.TreeSet<>(presets.root().keySet()));
            }
            return fromConfig(presetName, presets.getConfig(com.typesafe.config.ConfigUtil.quoteString(presetName)));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("devices." + key + ": " + e.getMessage(), e);
        }
    }

    /** The library's presets, {@code ballast.devices.presets}. */
    public static Config libraryPresets() {
        return com.typesafe.config.ConfigFactory.defaultReference().getConfig("ballast.devices.presets");
    }
}
