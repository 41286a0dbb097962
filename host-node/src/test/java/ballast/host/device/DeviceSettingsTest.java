package ballast.host.device;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DeviceSettingsTest {

    @Test
    void serviceTimeIsLatencyPlusSizeOverBandwidth() {
        DeviceSettings d = new DeviceSettings("d", 0.005, 1e6);
        assertThat(d.serviceSeconds(0)).isEqualTo(0.005);
        assertThat(d.serviceSeconds(4096)).isCloseTo(0.005 + 0.004096, within(1e-15));
    }

    @Test
    void presetsAreOrderedFromSlowestToFastest() {
        assertThat(DeviceSettings.DISK_2002.serviceSeconds(4096)).isGreaterThan(DeviceSettings.SATA_SSD.serviceSeconds(4096));
        assertThat(DeviceSettings.SATA_SSD.serviceSeconds(4096)).isGreaterThan(DeviceSettings.NVME.serviceSeconds(4096));
        // a 4 KiB page from the 2002 disk: 8 ms positioning + about 0.1 ms transfer
        assertThat(DeviceSettings.DISK_2002.serviceSeconds(4096)).isCloseTo(0.0081024, within(1e-9));
    }

    @Test
    void presetIsFoundByNameAndAnUnknownNameListsTheKnownOnes() {
        assertThat(DeviceSettings.preset("NVMe")).isSameAs(DeviceSettings.NVME);
        assertThat(DeviceSettings.preset("disk-2002")).isSameAs(DeviceSettings.DISK_2002);
        assertThatThrownBy(() -> DeviceSettings.preset("floppy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("floppy").hasMessageContaining("sata-ssd");
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new DeviceSettings(" ", 0.001, 1e6)).hasMessageContaining("name");
        assertThatThrownBy(() -> new DeviceSettings("d", -0.001, 1e6)).hasMessageContaining("latency");
        assertThatThrownBy(() -> new DeviceSettings("d", Double.NaN, 1e6)).hasMessageContaining("latency");
        assertThatThrownBy(() -> new DeviceSettings("d", 0.001, 0)).hasMessageContaining("bandwidth");
        assertThatThrownBy(() -> new DeviceSettings("d", 0.001, Double.POSITIVE_INFINITY)).hasMessageContaining("bandwidth");
        assertThatThrownBy(() -> DeviceSettings.SATA_SSD.serviceSeconds(-1)).hasMessageContaining("negative");
    }

    @Test
    void referenceConfPresetsMatchTheConstantsAndTheDefaultsNameThem() {
        Config presets = ConfigFactory.defaultReference().getConfig("ballast.devices.presets");
        Config devices = ConfigFactory.defaultReference().getConfig("ballast.host.devices");
        for (DeviceSettings p : DeviceSettings.PRESETS) {
            DeviceSettings fromConf = DeviceSettings.fromConfig(p.name(), presets.getConfig(p.name()));
            assertThat(fromConf.latencySeconds()).isCloseTo(p.latencySeconds(), within(1e-12));
            assertThat(fromConf.bandwidthBytesPerSecond()).isEqualTo(p.bandwidthBytesPerSecond());
        }
        assertThat(DeviceSettings.fromDevicesConfig(devices, "swap", presets)).isEqualTo(DeviceSettings.DISK_2002);
        assertThat(DeviceSettings.fromDevicesConfig(devices, "disk", presets)).isEqualTo(DeviceSettings.DISK_2002);
        assertThat(devices.getBoolean("swap-on-disk-device")).isTrue();
    }

    @Test
    void aDefaultNamingAnUnknownPresetIsRefused() {
        Config presets = ConfigFactory.parseString("fast { latency = 1ms, bandwidth = 1MB }");
        Config devices = ConfigFactory.parseString("swap = slow, disk { latency = 2ms, bandwidth = 10MB }");
        assertThat(DeviceSettings.fromDevicesConfig(devices, "disk", presets).latencySeconds()).isEqualTo(0.002);
        assertThatThrownBy(() -> DeviceSettings.fromDevicesConfig(devices, "swap", presets))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slow").hasMessageContaining("fast");
        Config bad = ConfigFactory.parseString("latency = 1ms");
        assertThatThrownBy(() -> DeviceSettings.fromConfig("x", bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bandwidth");
    }
}
