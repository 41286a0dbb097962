package ballast.app.scenario;

import ballast.scheduler.scenario.Scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.guest.GuestSettings;
import ballast.host.HostSettings;
import ballast.host.sharing.SharingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario keys of page sharing: hosts.X.sharing, guest image { files }, content.duplicate-fraction, sweep. */
class SharingScenarioTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<Problem> problems(Path file) {
        try {
            Scenario s = ScenarioLoader.load(file, List.of(), null);
            throw new AssertionError("expected problems, but it loaded: " + s.name());
        } catch (ScenarioException e) {
            return e.problems();
        }
    }

    @Test
    void sharingSettingsAndDefaults() throws Exception {
        Path file = write("s.conf", """
                scenario { tick = 50ms }
                hosts {
                  a { sharing { enabled = true, scan-pages-per-second = 1000, order = sequential, hash-bits = 8 } }
                  b { }
                }
                guests { g { host = a }, h { host = b } }
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        HostSettings a = s.hosts().get(0);
        assertThat(a.sharing()).isEqualTo(new SharingSettings(true, 1000, 50, SharingSettings.Order.SEQUENTIAL, 8, 0.05));
        // ESX's defaults, off unless enabled
        assertThat(s.hosts().get(1).sharing()).isEqualTo(new SharingSettings(false, 200, 50, SharingSettings.Order.RANDOM, 64, 0.05));
        assertThat(s.sweep()).isNull();
    }

    @Test
    void badSharingValuesAreReportedAtTheirLines() throws Exception {
        Path file = write("bad.conf", """
                hosts { h { sharing {
                  enabled = maybe
                  scan-pages-per-second = -5
                  order = shuffled
                  hash-bits = 65
                  rate = 3
                } } }
                guests { g { host = h } }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(2, "hosts.h.sharing.enabled", "expected on or off (true or false), got maybe"),
                tuple(3, "hosts.h.sharing.scan-pages-per-second", "must be at least 0, got -5"),
                tuple(4, "hosts.h.sharing.order", "unknown scan order shuffled; allowed: random, sequential"),
                tuple(5, "hosts.h.sharing.hash-bits", "must be between 1 and 64, got 65"),
                tuple(6, "hosts.h.sharing.rate", "unknown key rate; known keys: enabled, hash-bits, order,"
                        + " per-guest-pages-per-second, scan-pages-per-second"));
    }

    @Test
    void imageFilesAreResolvedNextToTheScenarioAndMustExistAndFit() throws Exception {
        Files.write(dir.resolve("small.bin"), new byte[5000]);
        Files.write(dir.resolve("big.bin"), new byte[4096 * 300]);
        Files.createDirectory(dir.resolve("adir"));
        Path file = write("img.conf", """
                hosts { h { } }
                guests {
                  ok { host = h, memory = 1MiB, image { files = ["small.bin"] } }
                  missing { host = h, memory = 1MiB, image { files = [
                    "small.bin"
                    "nope.bin"
                    "adir"
                  ] } }
                  large { host = h, memory = 1MiB,
                          image { files = ["big.bin"] } }
                  typo { host = h, image { file = ["small.bin"] } }
                }
                """);
        List<Problem> problems = problems(file);
        assertThat(problems).extracting(Problem::line, Problem::path).containsExactly(
                tuple(6, "guests.missing.image.files[1]"),
                tuple(7, "guests.missing.image.files[2]"),
                tuple(10, "guests.large.image.files"),
                tuple(11, "guests.typo.image.file"));
        assertThat(problems.get(0).message()).startsWith("no such file: ").endsWith("nope.bin");
        assertThat(problems.get(1).message()).startsWith("not a regular file: ");
        assertThat(problems.get(2).message()).isEqualTo("the image files fill 300 pages of 4KiB (1200KiB), more than the"
                + " memory of guest large (1MiB)");
        assertThat(problems.get(3).message()).isEqualTo("unknown key file (did you mean files?)");

        Path good = write("good.conf", """
                hosts { h { } }
                guests { ok { host = h, memory = 1MiB, image { files = ["small.bin"] }, content { duplicate-fraction = 0.1 } } }
                """);
        GuestSettings ok = ScenarioLoader.load(good, List.of(), null).guests().get(0);
        assertThat(ok.content().imageFiles()).containsExactly(dir.resolve("small.bin").toAbsolutePath().toString());
        assertThat(ok.content().duplicateFraction()).isEqualTo(0.1);
    }

    @Test
    void aSweepHoldsOneValidatedScenarioPerValue() throws Exception {
        Path file = write("sweep.conf", """
                hosts { h { memory = 1GiB } }
                guests { linux { host = h, memory = 40MiB } }
                sweep { path = "guests.linux.count", values = [1, 3, 10] }
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        assertThat(s.sweep().path()).isEqualTo("guests.linux.count");
        assertThat(s.sweep().points()).extracting(Scenario.Point::label).containsExactly("1", "3", "10");
        assertThat(s.sweep().points()).extracting(p -> p.scenario().guests().size()).containsExactly(1, 3, 10);
        assertThat(s.sweep().points()).allMatch(p -> p.scenario().sweep() == null);
    }

    @Test
    void aBadSweepValueIsReportedAtItsLineNamingTheValue() throws Exception {
        Path file = write("badsweep.conf", """
                hosts { h { memory = 1GiB } }
                guests { linux { host = h, memory = 40MiB } }
                sweep {
                  path = "guests.linux.count"
                  values = [
                    2
                    0
                    "many"
                  ]
                }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(7, "guests.linux.count", "with sweep value guests.linux.count = 0: must be between 1 and 100000, got 0"),
                tuple(8, "guests.linux.count", "with sweep value guests.linux.count = many: expected an integer, got many"));
    }

    @Test
    void aMalformedSweepIsAProblem() throws Exception {
        Path file = write("malformed.conf", """
                hosts { h { } }
                guests { g { host = h } }
                sweep { path = "guests.g.count", values = [], step = 2 }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(3, "sweep.step", "unknown key step; known keys: combine, figures, path, seeds, values, vary"),
                tuple(3, "sweep.values", "a sweep needs between 1 and 1000 values, got 0"));
    }
}
