package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.run.Quickstart;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documented limits are checked where they are given, before anything runs: exit 2 with one clear
 * line, never an overflow, a NegativeArraySizeException, an OutOfMemoryError or a hang.
 */
class LimitsTest {
    @TempDir
    Path dir;

    private Path scenario(String hostMemory, String extraHost) throws Exception {
        return Files.writeString(dir.resolve("limits.conf"), """
                scenario { duration = 200ms, tick = 100ms }
                hosts { h { memory = %s %s } }
                guests { g { host = h, memory = 4MiB, mode = full } }
                """.formatted(hostMemory, extraHost));
    }

    private static void assertClean(MainTest.Outcome o) {
        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err()).doesNotContain("Exception", "Error:", "\tat ", "internal error");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void aHostOfFourTiBOrMoreIsRefusedAtValidation() throws Exception {
        for (String memory : new String[] {"4TiB", "5TiB", "7TiB"}) {
            MainTest.Outcome o = MainTest.ballast("validate", scenario(memory, "").toString());
            assertClean(o);
            assertThat(o.err()).contains(":2: hosts.h.memory: is too large", "just under 4TiB");
        }
    }

    @Test
    void theTlbSizeIsCheckedAtItsDocumentedMaximum() throws Exception {
        MainTest.Outcome o = MainTest.ballast("validate", scenario("256MiB", ", tlb-entries = 1073741824").toString());
        assertClean(o);
        assertThat(o.err()).contains("hosts.h.tlb-entries", "1048576");
        MainTest.Outcome max = MainTest.ballast("validate", scenario("256MiB", ", tlb-entries = 1048576").toString());
        assertThat(max.code()).as(max.err()).isZero();
    }

    @Test
    void aScenarioLargerThanTheHeapIsRefusedBeforeTheRun() throws Exception {
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.ballast("run", scenario("4000GiB", "").toString(), "--out", out.toString());
        assertClean(o);
        assertThat(o.err()).contains("need at least", "GiB of heap", "BALLAST_JAVA_OPTS");
        assertThat(out).doesNotExist();
    }

    @Test
    void aBarrierTimeoutBeyondADayOrBelowASecondIsABadArgument() {
        for (String seconds : new String[] {"9223372036854775807", "86401", "0", "-5"}) {
            MainTest.Outcome o = MainTest.ballast("run", Quickstart.FILE.toString(), "--barrier-timeout", seconds,
                    "--out", dir.resolve("out").toString());
            assertClean(o);
            assertThat(o.err()).contains("--barrier-timeout " + seconds + ": must be between 1 and 86400");
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aPortInUseIsOneClearLineForANodeAndForAClusterRun() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String port = String.valueOf(taken.getLocalPort());
            MainTest.Outcome node = MainTest.ballast("node", "--port", port);
            assertClean(node);
            assertThat(node.err()).contains("--port " + port + ": cannot listen on 127.0.0.1:" + port, "already in use");
            MainTest.Outcome run = MainTest.ballast("run", Quickstart.FILE.toString(), "--cluster", "127.0.0.1:1",
                    "--port", port, "--out", dir.resolve("out").toString());
            assertClean(run);
            assertThat(run.err()).contains("already in use");
        }
        MainTest.Outcome huge = MainTest.ballast("node", "--port", "99999");
        assertClean(huge);
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
