package ballast.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.bench.BenchTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ballast bench}: bad options refused at once; the quick set end to end (stress profile only). */
class BenchCommandTest {

    @Test
    void anUnknownScenarioOrRawSampleIsBadInputAndRunsNothing(@TempDir Path dir) {
        MainTest.Outcome o = MainTest.ballast("bench", "--quick", "--only", "64x256MiB,nope", "--out", dir.toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains("no scenario nope in the quick bench set", "64x256MiB", "esx-sharing-10");
        assertThat(dir).isEmptyDirectory();
        o = MainTest.ballast("bench", "--raw-guests", "0", "--out", dir.toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains("--raw-guests must be at least 1");
    }

    @Test
    @Tag("stress")
    void theQuickBenchWritesItsTableAndCurves(@TempDir Path dir) throws Exception {
        MainTest.Outcome o = MainTest.ballast("bench", "--quick", "--out", dir.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("64x256MiB", "esx-sharing-10", "10000x16MiB", "startup", "outputs:");
        assertThat(Files.readAllLines(dir.resolve("bench.csv")).get(0)).isEqualTo(BenchTable.csvHeader());
        assertThat(Files.readAllLines(dir.resolve("bench.csv"))).hasSize(1 + 9);
        assertThat(dir.resolve("bench.md")).content().contains("| target | measured | verdict |", "scaling-by-guests.png");
        assertThat(dir.resolve("scaling-by-guests.png")).isNotEmptyFile();
        assertThat(dir.resolve("scaling-by-size.png")).isNotEmptyFile();
    }
}
