package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.ScenarioLoader;
import ballast.host.compression.HostCompression;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * conf/scenarios/compression.conf end to end, shortened to 60 s (the guests fill their memory in
 * the first 20 s; reclamation then takes it): the swap-only host compresses nothing and swaps every
 * victim; the esx and zswap hosts compress part of their victims, decompress them on a touch and
 * get at least as much work done as the swap-only host; every read is as written, every invariant holds.
 */
class CompressionExperimentTest {
    static final Path FILE = Path.of("..", "conf", "scenarios", "compression.conf");

    @Test
    void compressionThenSwapDecompressesWhatSwapAloneReadsFromDiskAndTheGuestsDoAtLeastAsMuchWork() throws Exception {
        Scenario s = ScenarioLoader.load(FILE, List.of("scenario.duration=60s"), null);
        RunResult r = TimeScenariosTest.runCapturingLogs(s, new java.util.ArrayList<>());
        assertThat(r.ok()).as(r.failure() + " " + r.violations()).isTrue();
        r.guests().forEach(g -> assertThat(g.readMismatches()).as(g.name()).isZero());
        HostStats swap = host(s, r, "swap");
        assertThat(swap.compression().flavour()).isEqualTo("off");
        assertThat(swap.compression().compressedVictims()).isZero();
        assertThat(swap.compression().swappedVictims()).isEqualTo(swap.reclaim().swapOuts()).isPositive();
        long swapWork = work(r, "s");
        for (String name : List.of("compress", "zswap")) {
            HostCompression c = host(s, r, name).compression();
            assertThat(c.flavour()).isEqualTo(name.equals("compress") ? "esx" : "zswap");
            assertThat(c.compressions()).as(name).isPositive();
            assertThat(c.decompressions()).as(name).isPositive();
            assertThat(c.tooLarge()).as("private pages mostly compress above 2 KiB").isGreaterThan(c.compressions());
            assertThat(c.compressionRatio()).as(name).isBetween(2.0, 4.0);
            assertThat(c.compressionCacheBytes()).as(name).isGreaterThanOrEqualTo(c.compressedBytes())
                    .isLessThan(c.compressedBytes() + 4096L * 3);
            assertThat(c.swappedVictims()).as(name).isEqualTo(host(s, r, name).reclaim().swapOuts() + c.writeBacks());
        }
        assertThat(work(r, "c")).as("compress against swap").isGreaterThanOrEqualTo(swapWork);
        assertThat(work(r, "z")).as("zswap against swap").isGreaterThanOrEqualTo(swapWork);
        for (int i = 1; i <= 3; i++) {
            assertThat(guest(r, "c" + i).compression().decompressions()).as("c%d", i).isPositive();
            assertThat(guest(r, "s" + i).compression().decompressions()).as("s%d", i).isZero();
        }
    }

    private static HostStats host(Scenario s, RunResult r, String name) {
        for (int i = 0; i < s.hosts().size(); i++) {
            if (s.hosts().get(i).name().equals(name)) {
                return r.hosts().get(i);
            }
        }
        throw new AssertionError("no host " + name);
    }

    private static long work(RunResult r, String prefix) {
        long sum = 0;
        for (int i = 1; i <= 3; i++) {
            sum += guest(r, prefix + i).time().workUnits();
        }
        return sum;
    }

    private static GuestStats guest(RunResult r, String name) {
        return r.guests().stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no guest " + name));
    }
}
