package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.run.Quickstart;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario sources that are not plain small files: clear problems (exit 2, no stack trace), and a pipe read properly. */
class ScenarioSourceTest {

    @Test
    void anEndlessDeviceIsRefusedAsTooLargeNotReadToTheEnd() {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero));
        MainTest.Outcome o = MainTest.ballast("validate", zero.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("/dev/zero", "larger than 16 MiB: not a scenario file")
                .doesNotContain("Exception", "Error", "\tat ");
    }

    @Test
    void aScenarioNestedThousandsOfLevelsDeepIsAProblemNotAStackOverflow(@TempDir Path dir) throws Exception {
        int depth = 5000;
        String nested = "a { ".repeat(depth) + "b = 1" + " }".repeat(depth) + "\n";
        Path file = Files.writeString(dir.resolve("deep.conf"), nested);
        Path list = Files.writeString(dir.resolve("deep-list.conf"), "a = " + "[".repeat(depth) + "]".repeat(depth) + "\n");
        for (Path f : new Path[] {file, list}) {
            for (String command : new String[] {"validate", "run"}) {
                MainTest.Outcome o = command.equals("run")
                        ? MainTest.ballast(command, f.toString(), "--out", dir.resolve("out").toString())
                        : MainTest.ballast(command, f.toString());
                assertThat(o.code()).as(command + " " + f + ": " + o.err()).isEqualTo(2);
                assertThat(o.err()).contains(f.toString()).doesNotContain("Exception", "Error", "\tat ");
            }
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aScenarioFromAPipeIsReadWholeAndItsProblemsKeepTheirLines(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("scenario.fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no mkfifo here");
            return;
        }
        Assumptions.assumeTrue(mkfifo.waitFor() == 0);
        String quickstart = Files.readString(Quickstart.FILE);
        MainTest.Outcome good = throughPipe(fifo, quickstart, "validate");
        assertThat(good.code()).as(good.err()).isZero();
        assertThat(good.out()).contains("valid: 1 host(s), 4 guest(s)");

        MainTest.Outcome bad = throughPipe(fifo, "scenario { duration = 1s }\nhosts { h { memory = lots } }\n", "validate");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains(fifo + ":2: hosts.h.memory: ").doesNotContain("Exception");
    }

    /** Runs {@code ballast COMMAND FIFO} while another thread writes {@code text} into the pipe. */
    private static MainTest.Outcome throughPipe(Path fifo, String text, String command) throws Exception {
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.setDaemon(true);
        writer.start();
        MainTest.Outcome o = MainTest.ballast(command, fifo.toString());
        writer.join(10_000);
        return o;
    }
}
