package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals to a real process: Ctrl-C on a cluster run ends it as interrupted with its final audit,
 * like a one-JVM run (not as every node lost); SIGTERM exits 130 like SIGINT; Ctrl-C stops a bench
 * with none of its results written.
 */
class SignalTest {
    private static final Path QUICKSTART = Path.of("..", "conf", "scenarios", "quickstart.conf");

    /** Starts {@code ballast ARGS} in a child JVM with SIGINT at its default, waits for a progress line past tick 0. */
    private static Process startAndAwaitTicks(Path dir, List<String> args) throws Exception {
        return ChildJvm.startAwaiting(dir, List.of("-Dballast.progress.delay-ms=0"), args, ".*: tick [1-9][0-9]*/.*", 90);
    }

    private static void signal(Process p, String name) throws Exception {
        new ProcessBuilder("sh", "-c", "kill -" + name + " " + p.pid()).start().waitFor();
    }

    @Test
    void sigtermExits130WithInterruptedOutputsLikeCtrlC(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Process p = startAndAwaitTicks(dir, List.of("run", QUICKSTART.toString(), "--out", out.toString(),
                "--set", "scenario.duration=3600s"));
        try {
            signal(p, "TERM");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isEqualTo(130);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("status").asText()).isEqualTo("interrupted");
    }

    @Test
    void ctrlCDuringABenchExits130SayingSoAndWritesNoResults(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path mine = Files.writeString(out.resolve("notes.txt"), "a user's file");
        Process p = ChildJvm.startAwaiting(dir, List.of(),
                List.of("bench", "--quick", "--only", "64x256MiB", "--out", out.toString()), ".*\\[1/1\\] 64x256MiB.*", 90);
        Path err = dir.resolve("stderr.txt");
        try {
            signal(p, "INT");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(stderr).isEqualTo(130);
        assertThat(stderr).contains("ballast: bench interrupted during 64x256MiB (1 of 1); no results written");
        assertThat(out.resolve("bench.csv")).doesNotExist();
        assertThat(out.resolve("bench.md")).doesNotExist();
        assertThat(Files.readString(mine)).isEqualTo("a user's file");
    }

    @Test
    void ctrlCOnAClusterRunEndsInterruptedWithItsAuditNotWithEveryNodeLost(@TempDir Path dir) throws Exception {
        int nodePort = ClusterTest.freePort();
        Path nodeLog = dir.resolve("node.log");
        Process node = new ProcessBuilder(ChildJvm.ballast(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC"), "node", "--port", String.valueOf(nodePort)))
                .redirectErrorStream(true).redirectOutput(nodeLog.toFile()).start();
        Path out = dir.resolve("out");
        Path scenario = Files.writeString(dir.resolve("c.conf"), """
                scenario { duration = 3600s, tick = 100ms, seed = 11 }
                hosts { host-a { memory = 128MiB }, host-b { memory = 128MiB } }
                guests { a { host = host-a, memory = 32MiB }, b { host = host-b, memory = 32MiB, mode = para } }
                """);
        Process run = null;
        try {
            run = startAndAwaitTicks(dir, List.of("run", scenario.toString(), "--cluster", "127.0.0.1:" + nodePort,
                    "--nodes", "1", "--out", out.toString(), "--barrier-timeout", "30"));
            signal(run, "INT");
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
        } finally {
            if (run != null) {
                run.destroyForcibly();
            }
            node.destroyForcibly();
            node.waitFor(20, TimeUnit.SECONDS);
        }
        String stderr = Files.readString(dir.resolve("stderr.txt"));
        assertThat(run.exitValue()).as(stderr).isEqualTo(130);
        assertThat(stderr).doesNotContain("was lost");
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("status").asText()).as(summary.toString()).isEqualTo("interrupted");
        assertThat(summary.get("interrupted").asBoolean()).isTrue();
        assertThat(summary.get("failure").isNull()).isTrue();
        assertThat(summary.get("faults").size()).isZero();
        assertThat(summary.get("invariants").get("checks").asLong()).isPositive(); // the final audit ran
        assertThat(summary.get("invariants").get("violations").asLong()).isZero();
        assertThat(summary.get("ticks").asLong()).isPositive();
    }
}
