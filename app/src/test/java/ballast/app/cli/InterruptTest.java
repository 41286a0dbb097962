package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.run.RunControl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C stops a run cleanly: the next tick is the last (sampled and audited), the outputs are
 * written with "interrupted": true, and the exit code is 130. Once in-process through the run's
 * control (what the shutdown hook does), once for real with SIGINT to a separate JVM.
 */
class InterruptTest {
    private static final Path QUICKSTART = Path.of("..", "conf", "scenarios", "quickstart.conf");

    @Test
    void stopRequestEndsTheRunAtATickBoundaryAndWritesWhatWasSimulated(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> Main.execute(new String[] {
            "run", QUICKSTART.toString(), "--out", dir.toString(), "--set", "scenario.duration=3600s"},
                new PrintWriter(out), new PrintWriter(err)));
        RunControl control = awaitTicks(10);
        control.requestStop();
        assertThat(code.get(60, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(Main.INTERRUPTED);

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("interrupted").asBoolean()).isTrue();
        assertThat(summary.get("status").asText()).isEqualTo("interrupted");
        long ticks = summary.get("ticks").asLong();
        assertThat(ticks).isBetween(11L, 35999L);
        assertThat(summary.get("simulatedSeconds").asDouble()).isEqualTo(ticks / 10.0);
        // The last tick was audited: the invariants were checked and held.
        assertThat(summary.get("invariants").get("checks").asLong()).isPositive();
        assertThat(summary.get("invariants").get("violations").asLong()).isZero();
        // ... and sampled: the time series ends at the last tick played.
        List<String> csv = Files.readAllLines(dir.resolve("timeseries.csv"));
        assertThat(csv.get(csv.size() - 1)).startsWith(ticks / 10.0 + ",");
        List<String> hosts = Files.readAllLines(dir.resolve("hosts.csv"));
        assertThat(hosts.get(hosts.size() - 1)).startsWith(ticks / 10.0 + ",host-a,");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("Interrupted");
        assertThat(out.toString()).contains("INTERRUPTED after tick " + ticks + " of 36000");
    }

    @Test
    void sigintToTheProcessExits130WithInterruptedOutputs(@TempDir Path dir) throws Exception {
        // A shell that started us in the background may have set SIGINT to "ignore", which the child
        // would inherit (and then the JVM installs no handler): env puts it back to the default.
        // Progress lines start once the run is under way (stderr is a file: plain lines).
        Process p = ChildJvm.startAwaiting(dir, List.of("-Dballast.progress.delay-ms=0"), List.of("run",
                QUICKSTART.toString(), "--out", dir.toString(), "--set", "scenario.duration=3600s"),
                ".*ballast: quickstart: tick.*", 60);
        Path err = dir.resolve("stderr.txt");
        try {
            // The shell's own kill: no dependency on procps.
            new ProcessBuilder("sh", "-c", "kill -INT " + p.pid()).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(stderr).isEqualTo(130);
        assertThat(stderr).contains("ballast: interrupted: finishing the current tick");
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("interrupted").asBoolean()).isTrue();
        assertThat(summary.get("ticks").asLong()).isBetween(1L, 35999L);
        assertThat(summary.get("invariants").get("violations").asLong()).isZero();
        assertThat(dir.resolve("report.html")).exists();
    }

    @Test
    void aFreeRunningRunStopsEarlyTooWithEveryGuestAuditedAtItsLastTick(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path scenario = Path.of("..", "conf", "scenarios", "stress-free-running.conf");
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> Main.execute(new String[] {
            "run", scenario.toString(), "--out", dir.toString(), "--set", "scenario.duration=3600s"},
                new PrintWriter(out), new PrintWriter(err)));
        RunControl control = awaitTicks(3);
        control.requestStop();
        assertThat(code.get(120, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(Main.INTERRUPTED);
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("interrupted").asBoolean()).isTrue();
        long ticks = summary.get("ticks").asLong();
        assertThat(ticks).isBetween(4L, 35999L);
        assertThat(summary.get("invariants").get("checks").asLong()).isPositive();
        assertThat(summary.get("invariants").get("violations").asLong()).isZero();
        assertThat(summary.get("readMismatches").asLong()).isZero();
        assertThat(summary.get("guests").size()).isEqualTo(248); // every guest's final figures, each audited
    }

    static RunControl awaitTicks(long ticks) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            RunControl c = RunCommand.current;
            if (c != null && c.ticksDone() >= ticks) {
                return c;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the run did not reach tick " + ticks + " within 60 s");
    }
}
