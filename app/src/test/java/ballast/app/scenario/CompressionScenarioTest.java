package ballast.app.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.host.HostSettings;
import ballast.host.compression.CompressionFlavour;
import ballast.host.compression.CompressionSettings;
import ballast.scheduler.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario keys of the compression tier: hosts.X.compression { enabled, threshold, cache, flavour, sizes }. */
class CompressionScenarioTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void compressionSettingsTheirDefaultsAndTheGuestsContents() throws Exception {
        Path image = Files.write(dir.resolve("disk.img"), new byte[8192]);
        Path file = write("c.conf", """
                hosts {
                  a { reclaim = on, compression { enabled = on, threshold = 3KiB, cache = 20%, flavour = zswap } }
                  b { reclaim = on }
                }
                guests {
                  g { host = a, memory = 64MiB, content { image = win, image-fraction = 0.25 } }
                  f { host = b, memory = 64MiB, image { files = ["IMAGE"] } }
                }
                """.replace("IMAGE", image.toString().replace("\\", "/")));
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        HostSettings a = s.hosts().get(0);
        CompressionSettings c = a.compression();
        assertThat(c.enabled()).isTrue();
        assertThat(c.thresholdBytes()).isEqualTo(3072);
        assertThat(c.cacheFraction()).isEqualTo(0.20);
        assertThat(c.flavour()).isEqualTo(CompressionFlavour.ZSWAP);
        assertThat(c.compressCycles()).isEqualTo(59_400);
        assertThat(c.decompressCycles()).isEqualTo(13_800);
        // every guest of the scenario may come to the host: it knows their contents
        assertThat(c.imageFiles()).containsExactly(image.toString().replace("\\", "/"));
        assertThat(c.images()).extracting(CompressionSettings.SyntheticImage::image).containsExactly("win");
        CompressionSettings b = s.hosts().get(1).compression();
        assertThat(b).isEqualTo(CompressionSettings.DISABLED); // off by default, and nothing read for it
        assertThat(b.thresholdBytes()).isEqualTo(2048);
        assertThat(b.cacheFraction()).isEqualTo(0.10);
        assertThat(b.flavour()).isEqualTo(CompressionFlavour.ESX);
    }

    @Test
    void badCompressionValuesAreReportedAtTheirLines() throws Exception {
        Path file = write("bad.conf", """
                hosts { h { reclaim = on, compression {
                  enabled = sometimes
                  threshold = 5KiB
                  cache = 150%
                  flavour = zram
                  sizes { image-min = 3000B, image-max = 1000B, private-max = lots, level = 9 }
                } } }
                guests { g { host = h } }
                """);
        assertThat(ReclaimScenarioTest.problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(2, "hosts.h.compression.enabled", "expected on or off (true or false), got sometimes"),
                tuple(3, "hosts.h.compression.threshold", "must be at most a page (4KiB), got 5KiB"),
                tuple(4, "hosts.h.compression.cache", "must be between 0 and 1, got 150%"),
                tuple(5, "hosts.h.compression.flavour", "unknown compression flavour zram; allowed: esx, zswap"),
                tuple(6, "hosts.h.compression.sizes.image-max", "must be at least image-min (3000 bytes), got 1000 bytes"),
                tuple(6, "hosts.h.compression.sizes.level", "unknown key level; known keys: image-max, image-min, private-max, private-min"),
                tuple(6, "hosts.h.compression.sizes.private-max", "expected a memory size such as 256MiB, got lots"));
    }
}
