package ballast.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw kernel's work, fingerprinted and compared with the recorded fingerprints. */
class RawWorkTest {

    static BenchRow row(String name, long rawWork) {
        return row(name, rawWork, 64);
    }

    static BenchRow row(String name, long rawWork, int rawGuests) {
        return new BenchRow(name, "", "2 x 5", 2, 10, 16, 40_960, 20_480, 4.5, 1.0, 0.1, 1_000_000, 800_000, 0.5, 1.0,
                -1, 20.0, 20.0, rawGuests, 30L << 20, 16L << 20, 2.0, 0.0, 0, true, 0.0, Double.NaN, rawWork, 5.0, 30.0, Double.NaN,
                BenchRow.Around.UNKNOWN);
    }

    @Test
    void theVerdictNamesTheScenariosWhoseRawKernelDidOtherWork() {
        RawWork recorded = new RawWork(Map.of(RawWork.key("quick", "a", 64), 1L, RawWork.key("quick", "b", 64), 2L,
                RawWork.key("full", "c", 64), 3L));
        assertThat(recorded.verdict(List.of(row("a", 1L), row("b", 2L)), true))
                .isEqualTo("raw kernel: the same work as recorded for 2 scenarios");
        assertThat(recorded.verdict(List.of(row("a", 1L), row("b", 7L), row("c", 3L)), true))
                .startsWith("raw kernel: its work CHANGED for b (")
                .endsWith("; the same work as recorded for 1 scenario; no recorded work for c");
        assertThat(recorded.verdict(List.of(row("c", 3L)), false)).isEqualTo("raw kernel: the same work as recorded for 1 scenario");
    }

    /** The raw kernel of the quick set's smallest scenarios does the work recorded with the build. */
    @Test
    void theRecordedFingerprintsAreTheRawKernelsWorkToday(@TempDir Path dir) throws Exception {
        BenchRunner runner = new BenchRunner(dir, 64, false, false);
        RawWork recorded = RawWork.recorded();
        for (BenchCase c : BenchPlan.quick()) {
            if (!c.name().equals("10x16MiB") && !c.name().equals("16x16MiB-size")) {
                continue;
            }
            Scenario scenario = runner.scenario(c);
            long[] window = BenchRunner.window(scenario.ticks(), scenario.sampleEveryTicks());
            RawKernel raw = runner.raw(scenario, window[0], window[1]);
            assertThat(raw.timedAccesses()).isPositive();
            assertThat(recorded.verdict(List.of(row(c.name(), raw.timedWork(), raw.guests())), true))
                    .as(c.name()).isEqualTo("raw kernel: the same work as recorded for 1 scenario");
            // one access fewer, or one other read, is other work
            assertThat(recorded.verdict(List.of(row(c.name(), raw.timedWork() ^ 1, raw.guests())), true))
                    .contains("CHANGED for " + c.name());
        }
    }
}
