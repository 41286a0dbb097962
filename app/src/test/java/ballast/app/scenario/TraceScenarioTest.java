package ballast.app.scenario;

import ballast.scheduler.scenario.Scenario;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.GuestSettings;
import ballast.guest.workload.TraceFormat;
import ballast.guest.workload.TraceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trace workloads in a scenario: where files are looked for, and every way they can be wrong. */
class TraceScenarioTest {

    private static Path scenario(Path dir, String guests) throws Exception {
        Files.createDirectories(dir.resolve("scenarios"));
        Files.createDirectories(dir.resolve("traces"));
        Files.writeString(dir.resolve("traces/a.csv"), "1,w\n2,r\n3,r\n1,r\n");
        Files.writeString(dir.resolve("traces/b.lackey"), "==1== hi\nI  00001000,4\n S 00005000,8\n");
        return Files.writeString(dir.resolve("scenarios/s.conf"), String.join("\n",
                "scenario { duration = 1s }",
                "hosts { h { memory = 256MiB } }",
                "guests {",
                guests,
                "}", ""));
    }

    private static List<String> problems(Path file, String... sets) {
        try {
            ScenarioLoader.load(file, List.of(sets), null);
            throw new AssertionError("expected problems");
        } catch (ScenarioException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
    }

    @Test
    void relativePathsAreReadNextToTheScenarioAndEachTraceIsAProcess(@TempDir Path dir) throws Exception {
        Path file = scenario(dir, """
                  g { host = h, memory = 16MiB, workload { type = trace, format = csv, path = "../traces/a.csv",
                      accesses-per-second = 10 } }
                  two { host = h, memory = 16MiB, workload { type = trace, loop = true,
                      path = ["../traces/b.lackey", "../traces/b.lackey"] } }
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        GuestSettings g = s.guests().get(0);
        assertThat(g.name()).isEqualTo("g");
        assertThat(g.processes()).isEqualTo(1);
        assertThat(g.workload().type()).isEqualTo("trace");
        assertThat(g.workload().traces()).containsExactly(new TraceSpec(TraceFormat.CSV,
                dir.resolve("traces/a.csv").toAbsolutePath().normalize(), 10, false, 4, 3));
        GuestSettings two = s.guests().get(1);
        assertThat(two.processes()).isEqualTo(2);
        assertThat(two.workload().traces()).hasSize(2).allSatisfy(t -> {
            assertThat(t.format()).isEqualTo(TraceFormat.LACKEY);
            assertThat(t.loop()).isTrue();
            assertThat(t.accessesPerSecond()).isEqualTo(1_000_000);
            assertThat(t.distinctPages()).isEqualTo(2);
        });
        assertThat(s.hosts().get(0).guests().get(1).processes()).isEqualTo(2);
    }

    @Test
    void aMissingFileIsAProblemAtTheLineThatNamesIt(@TempDir Path dir) throws Exception {
        Path file = scenario(dir, """
                  g { host = h, workload { type = trace, path = "../traces/nope.lackey" } }
                """);
        assertThat(problems(file)).containsExactly(file + ":4: guests.g.workload.path: trace file ../traces/nope.lackey"
                + " not found (" + dir.resolve("traces/nope.lackey").toAbsolutePath().normalize() + ")");
    }

    @Test
    void formatPathAndRateAreChecked(@TempDir Path dir) throws Exception {
        Path file = scenario(dir, """
                  a { host = h, workload { type = trace, format = pin, path = "../traces/a.csv" } }
                  b { host = h, workload { type = trace } }
                  c { host = h, workload { type = trace, path = [], accesses-per-second = -1, loop = maybe } }
                  d { host = h, workload { type = trace, path = "../traces" } }
                """);
        assertThat(problems(file)).containsExactly(
                file + ":4: guests.a.workload.format: unknown trace format pin; allowed: lackey, csv",
                file + ":5: guests.b.workload.path: missing: a trace workload needs path = FILE (or a list of files, one process each)",
                file + ":6: guests.c.workload.accesses-per-second: must be at least 0, got -1",
                file + ":6: guests.c.workload.loop: expected on or off (true or false), got maybe",
                file + ":6: guests.c.workload.path: a trace workload needs at least one file",
                file + ":7: guests.d.workload.path: trace file ../traces is not a readable file ("
                        + dir.resolve("traces").toAbsolutePath().normalize() + ")");
    }

    @Test
    void malformedCsvAndEmptyTracesAreProblems(@TempDir Path dir) throws Exception {
        Path file = scenario(dir, """
                  a { host = h, workload { type = trace, format = csv, path = "../traces/bad.csv" } }
                  b { host = h, workload { type = trace, path = "../traces/a.csv" } }
                """);
        Files.writeString(dir.resolve("traces/bad.csv"), "1,w\n2;r\n");
        Path bad = dir.resolve("traces/bad.csv").toAbsolutePath().normalize();
        assertThat(problems(file)).containsExactly(
                file + ":4: guests.a.workload.path: 1 malformed line(s) in csv trace ../traces/bad.csv, the first: "
                        + bad + ":2: 2;r (expected vpn,r or vpn,w)",
                file + ":5: guests.b.workload.path: no access records in ../traces/a.csv ("
                        + dir.resolve("traces/a.csv").toAbsolutePath().normalize()
                        + "): is it a lackey trace? (valgrind --tool=lackey --trace-mem=yes)");
    }

    @Test
    void theTracesMustFitInTheGuestsMemoryAndProcessesMustAgree(@TempDir Path dir) throws Exception {
        Path file = scenario(dir, """
                  small { host = h, memory = 4KiB, workload { type = trace, format = csv, path = "../traces/a.csv" } }
                  odd { host = h, memory = 1MiB, processes = 3, workload { type = trace, format = csv,
                      path = ["../traces/a.csv", "../traces/a.csv"] } }
                """);
        assertThat(problems(file)).containsExactly(
                file + ":4: guests.small.workload.path: the trace touches 3 distinct pages (12KiB), more than the memory"
                        + " of guest small (4KiB)",
                file + ":5: guests.odd.processes: is 3 but the workload replays 2 trace(s), one process each:"
                        + " leave processes out or make it 2");
    }

    @Test
    void aPathGivenWithSetIsReadFromTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Path file = scenario(dir, """
                  g { host = h, memory = 16MiB, workload { type = trace, format = csv, path = "../traces/a.csv" } }
                """);
        Path trace = dir.resolve("traces/a.csv").toAbsolutePath();
        Scenario s = ScenarioLoader.load(file, List.of("guests.g.workload.path=\"" + trace + "\""), null);
        assertThat(s.guests().get(0).workload().traces().get(0).path()).isEqualTo(trace.normalize());
        assertThat(problems(file, "guests.g.workload.path=no-such.csv")).singleElement().asString()
                .contains("guests.g.workload.path: trace file no-such.csv not found (" + Path.of("no-such.csv").toAbsolutePath());
    }

    @Test
    void recordsBeyondThe48BitAddressSpaceAreAProblemNotDroppedSilently(@TempDir Path dir) throws Exception {
        Path file = scenario(dir, """
                  c { host = h, memory = 1MiB, workload { type = trace, format = csv, path = "../traces/far.csv" } }
                  l { host = h, memory = 1MiB, workload { type = trace, path = "../traces/far.lackey" } }
                """);
        Files.writeString(dir.resolve("traces/far.csv"), "1,w\n0x1000000000,r\n0xfffffffff,r\n0xffffffffffff,w\n");
        Files.writeString(dir.resolve("traces/far.lackey"), "I  00001000,4\nI  ffffffffff600000,4\n");
        Path far = dir.resolve("traces/far.csv").toAbsolutePath().normalize();
        Path lackey = dir.resolve("traces/far.lackey").toAbsolutePath().normalize();
        assertThat(problems(file)).containsExactly(
                file + ":4: guests.c.workload.path: 2 record(s) of csv trace ../traces/far.csv address pages beyond the"
                        + " 48-bit address space a guest has (VPNs up to 0xfffffffff), the first: " + far
                        + ":2: 0x1000000000,r; remove them (e.g. the kernel's vsyscall page) or trace a user program",
                file + ":5: guests.l.workload.path: 1 record(s) of lackey trace ../traces/far.lackey address pages beyond"
                        + " the 48-bit address space a guest has (VPNs up to 0xfffffffff), the first: " + lackey
                        + ":2: I  ffffffffff600000,4; remove them (e.g. the kernel's vsyscall page) or trace a user program");
    }
}
