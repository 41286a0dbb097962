package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.Problem;
import ballast.app.scenario.ScenarioException;
import ballast.app.scenario.ScenarioLoader;
import ballast.host.control.GuestStats;
import ballast.host.node.NodeAgent;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes a run fail although it played on: a guest that fails at every boot is restarted a
 * bounded number of times, then stopped, and the run fails naming it and why; an image file that
 * cannot be read is a scenario problem before anything runs.
 */
class RunFailureTest {
    @TempDir
    Path dir;

    private Path scenarioWithImage(Path image) throws Exception {
        return Files.writeString(dir.resolve("image.conf"), """
                scenario { duration = 1s, tick = 100ms }
                hosts { h { memory = 64MiB, reserved = 4MiB } }
                guests {
                  img { host = h, memory = 2MiB, mode = full, image { files = ["%s"] } }
                  other { host = h, memory = 2MiB, mode = full }
                }
                """.formatted(image.toString()));
    }

    @Test
    void aGuestThatFailsAtEveryBootIsRestartedABoundedNumberOfTimesThenTheRunFailsWithTheReason() throws Exception {
        Path image = Files.write(dir.resolve("disk.bin"), new byte[3 * 4096]);
        Scenario scenario = ScenarioLoader.load(scenarioWithImage(image), List.of(), null);
        Files.delete(image); // gone after validation: every boot of the guest fails
        RunResult result = Simulation.run(scenario, GuestFaultTest.CHECKED.with(Simulation.OnGuestFailure.RESTART));

        // the run was not held up by the restarts; its 10 ticks hold the backoffs (1 + 2 + 4), and the
        // end of the run waits for the restarts' faults
        assertThat(result.ticksPlayed()).isEqualTo(10);
        assertThat(result.faults()).hasSize(NodeAgent.MAX_RESTARTS + 1);
        assertThat(result.faults()).allSatisfy(f -> {
            assertThat(f.guest()).isEqualTo("img");
            assertThat(f.cause()).contains("cannot read its image").contains("disk.bin");
        });
        assertThat(result.faults().get(0).handling()).startsWith("restarted from a fresh boot (restart 1 of at most 3)");
        assertThat(result.faults().get(NodeAgent.MAX_RESTARTS).handling()).startsWith("stopped: it failed again after 3");
        assertThat(result.faults().get(0).handling()).contains("(restart 1 of at most 3) after 1 tick;");
        assertThat(result.faults().get(1).handling()).contains("(restart 2 of at most 3) after 2 ticks;");
        assertThat(result.faults().get(2).handling()).contains("(restart 3 of at most 3) after 4 ticks;");
        // restart n boots 1 + 2 + ... ticks after the first failure (before tick 0): its failure cannot come sooner
        assertThat(result.faults().get(1).tick()).isGreaterThanOrEqualTo(1);
        assertThat(result.faults().get(2).tick()).isGreaterThanOrEqualTo(3);
        assertThat(result.faults().get(3).tick()).isGreaterThanOrEqualTo(7);
        assertThat(result.ok()).isFalse();
        assertThat(result.failure()).contains("guest img", "after 3 restarts", "cannot read its image");
        assertThat(result.violations()).isEmpty();
    }

    @Test
    void anImageFileThatCannotBeReadIsAScenarioProblem() throws Exception {
        Path unreadable = Path.of("/proc/self/mem"); // a regular file whose reads fail
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(unreadable));
        try {
            ScenarioLoader.load(scenarioWithImage(unreadable), List.of(), null);
            throw new AssertionError("loaded");
        } catch (ScenarioException e) {
            assertThat(e.problems()).extracting(Problem::path).containsExactly("guests.img.image.files[0]");
            assertThat(e.problems().get(0).message()).startsWith("cannot be read: /proc/self/mem");
        }
    }

    @Test
    void aTraceThatCanNoLongerBeReadFailsTheRunNamingItAndIsNotRestarted() throws Exception {
        Path trace = Files.writeString(dir.resolve("t.csv"), "1,w\n2,w\n1,r\n2,r\n3,w\n");
        Path file = Files.writeString(dir.resolve("trace.conf"), """
                scenario { duration = 1s, tick = 100ms }
                hosts { h { memory = 64MiB, reserved = 4MiB } }
                guests {
                  t { host = h, memory = 1MiB, workload { type = trace, format = csv, path = "t.csv",
                      accesses-per-second = 20, loop = true } }
                  other { host = h, memory = 2MiB }
                }
                """);
        Scenario scenario = ScenarioLoader.load(file, List.of(), null);
        Files.delete(trace); // gone after validation
        RunResult result = Simulation.run(scenario, GuestFaultTest.CHECKED.with(Simulation.OnGuestFailure.RESTART));

        assertThat(result.faults()).singleElement().satisfies(f -> {
            assertThat(f.guest()).isEqualTo("t");
            assertThat(f.cause()).contains("t.csv");
            assertThat(f.handling()).startsWith("stopped: its input can no longer be read");
        });
        assertThat(result.ok()).isFalse();
        assertThat(result.failure()).contains("guest t", "t.csv");
        // 10 ticks: the guest's failure comes asynchronously beside the ticks; the end of the run waits for it
        assertThat(result.ticksPlayed()).isEqualTo(10);
    }

    @Test
    void aReadMismatchFailsTheRunNamingTheGuest() {
        GuestStats good = stats("a", 0);
        GuestStats bad = stats("b", 3);
        assertThat(ballast.scheduler.clock.ResultAssembly.mismatches(List.of(good))).isNull();
        assertThat(ballast.scheduler.clock.ResultAssembly.mismatches(List.of(good, bad)))
                .isEqualTo("3 read(s) returned something other than what the guest last wrote (b: 3)");
    }

    private static GuestStats stats(String name, long mismatches) {
        return new GuestStats(name, 1, 1, 1, 10, 5, 5, 5, mismatches, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                new long[0], new long[0], 0, 0, new long[0]);
    }
}
