package ballast.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.GuestSettings;
import ballast.abi.TranslationMode;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's scenarios, its measurement window, and its raw kernel against the simulation. */
class BenchRunnerTest {
    /** Seven small guests on two hosts: six ticks, sampled every two. */
    static final BenchCase TINY = BenchCase.generated("7x8MiB", false, BenchCase.BY_GUESTS, 2, 7, 8, 4, 0.2, 0.4, 20_000,
            BenchPlan.MODES);

    @Test
    void theWindowRunsFromTheEndOfTheTouchPhaseToTheLastSampleBeforeTheEnd() {
        assertThat(BenchRunner.window(40, 10)).containsExactly(10, 30);
        assertThat(BenchRunner.window(30, 10)).containsExactly(10, 20);
        assertThat(BenchRunner.window(20, 10)).containsExactly(10, 20); // no sample in between: to the end
        assertThat(BenchRunner.window(25, 10)).containsExactly(10, 20);
        assertThat(BenchRunner.window(5, 10)).containsExactly(0, 5);   // a single sample: the whole run
        assertThat(BenchRunner.window(6, 2)).containsExactly(2, 4);
    }

    @Test
    void theRawKernelReplaysAnEvenlySpacedSampleOfTheGuests(@TempDir Path dir) throws Exception {
        Scenario scenario = new BenchRunner(dir, 64, false, false).scenario(TINY);
        List<GuestSettings> all = scenario.guests();
        assertThat(BenchRunner.sample(all, 100)).isEqualTo(all);
        assertThat(BenchRunner.sample(all, 3)).containsExactly(all.get(0), all.get(2), all.get(4));
        assertThat(BenchRunner.sample(all, 1)).containsExactly(all.get(0));
    }

    @Test
    void aGeneratedScenarioSpreadsItsGuestsOverItsHostsAndModes(@TempDir Path dir) throws Exception {
        Scenario scenario = new BenchRunner(dir, 64, false, false).scenario(TINY);
        assertThat(dir.resolve("scenarios").resolve("7x8MiB.conf")).exists();
        assertThat(scenario.hosts()).hasSize(2);
        assertThat(scenario.hosts().get(0).guests()).hasSize(4);
        assertThat(scenario.hosts().get(1).guests()).hasSize(3);
        // memory for the guests and the reserve, nothing more
        assertThat(scenario.hosts().get(0).totalFrames()).isEqualTo((4 * 8 + BenchCase.RESERVED_MIB) * 256);
        assertThat(scenario.guests()).hasSize(7).allSatisfy(g -> assertThat(g.configuredPages()).isEqualTo(8 * 256));
        assertThat(scenario.guests().stream().map(GuestSettings::mode).distinct())
                .containsExactlyInAnyOrder(TranslationMode.FULL, TranslationMode.PARA, TranslationMode.NESTED);
        assertThat(scenario.ticks()).isEqualTo(6);
        assertThat(scenario.sampleEveryTicks()).isEqualTo(2);
        assertThat(TINY.spread()).isEqualTo("4 + 3");
        // the touch phase runs at the steady rate, or faster when 1.5 accesses per working-set page need it
        assertThat(TINY.touchAccessesPerSecond()).isEqualTo(20_000);
        BenchCase large = BenchCase.generated("2x128MiB", false, null, 1, 2, 128, 64, 0.2, 0.2, 20_000, List.of("full"));
        assertThat(large.touchAccessesPerSecond()).isEqualTo(Math.ceil(1.5 * 64 * 256 / 0.2));
        assertThat(large.hocon()).contains("accesses-per-second = 122880", "h1-full { template = bench, host = h1, mode = full, count = 2 }");
    }

    @Test
    void theRawKernelPlaysExactlyTheAccessesOfTheRunAndTheRowAddsUp(@TempDir Path dir) throws Exception {
        BenchRunner runner = new BenchRunner(dir, 100, true, false);
        Scenario scenario = runner.scenario(TINY);
        long[] window = BenchRunner.window(scenario.ticks(), scenario.sampleEveryTicks());
        // every guest's reads are verified by the guest against the raw kernel's digest (else it throws)
        RawKernel raw = runner.raw(scenario, window[0], window[1]);
        assertThat(raw.guests()).isEqualTo(7);
        assertThat(raw.timedAccesses()).isPositive().isLessThan(raw.accesses());
        assertThat(raw.nanosPerAccess()).isPositive();
        // the guests' generation and checking of the same ticks, timed apart from the raw kernel's own figure
        assertThat(raw.generationCpuNanosPerAccess()).isPositive();
        // and its own cost over every tick it played, the touch phase's first touches included
        assertThat(raw.playedCpuNanosPerAccess()).isPositive();

        BenchRow row = runner.run(TINY);
        assertThat(row.ok()).isTrue();
        assertThat(row.readMismatches()).isZero();
        assertThat(row.guests()).isEqualTo(7);
        assertThat(row.guestPages()).isEqualTo(7 * 8 * 256);
        assertThat(row.simulatedSeconds()).isEqualTo(0.6, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(row.rawGuests()).isEqualTo(7);
        // the same guests in the same ticks: the raw kernel's timed accesses are the run's window
        assertThat(row.windowAccesses()).isEqualTo(raw.timedAccesses());
        assertThat(row.accesses()).isEqualTo(raw.accesses()); // and every tick of the run, every access
        assertThat(row.windowWallSeconds()).isPositive().isLessThan(row.wallSeconds());
        assertThat(row.startupSeconds()).isPositive();
        // the accesses before, in and after the window are every access; the spans are the run's, in order
        BenchRow.Around around = row.around();
        assertThat(around.beforeAccesses() + row.windowAccesses() + around.afterAccesses()).isEqualTo(row.accesses());
        assertThat(around.beforeAccesses()).isPositive();
        assertThat(around.afterAccesses()).isPositive();
        assertThat(around.beforeSeconds()).isGreaterThanOrEqualTo(row.startupSeconds());
        assertThat(around.afterSeconds()).isPositive();
        // the spans run from before the actor system starts, the run's wall time from its clock's start (within the
        // first tick); neither counts the bench's own full collection at the end
        double spans = around.beforeSeconds() + row.windowWallSeconds() + around.afterSeconds();
        assertThat(spans).isGreaterThanOrEqualTo(row.wallSeconds() - 1e-3)
                .isLessThanOrEqualTo(row.wallSeconds() + row.startupSeconds() + 1e-3);
        // the process's CPU clock may not advance within this tiny window on a loaded machine; over the run it does
        assertThat(row.cpuSeconds()).isPositive();
        assertThat(row.cpuNanosPerAccess()).isNotNaN().isGreaterThanOrEqualTo(0.0);
        assertThat(row.generationCpuNanosPerAccess()).isPositive();
        assertThat(row.rawPlusGenerationRatio()).isGreaterThan(1.0);
        assertThat(row.rawWholeOverSteady()).isPositive();
        assertThat(row.allocatedBytesPerAccess()).isPositive(); // the tick's message arrays at least
        // The heap figures are taken after full collections and the row derives the per-page cost from
        // them. In this shared test JVM a collection can also free what earlier tests left behind (an
        // actor system still terminating) between the baseline and the end, which on 7 x 8 MiB can
        // outweigh the run's own state; `ballast bench` measures in a JVM of its own.
        assertThat(row.heapBytes()).isPositive();
        assertThat(row.baselineHeapBytes()).isPositive();
        assertThat(row.bytesPerGuestPage()).isEqualTo(
                (double) Math.max(0, row.heapBytes() - row.baselineHeapBytes()) / row.guestPages());
        assertThat(dir.resolve("heap-7x8MiB.txt")).content().contains("[I", "Total");
    }
}
