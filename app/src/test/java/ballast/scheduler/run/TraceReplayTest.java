package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ballast.host.control.GuestStats;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real memory traces replayed end to end: the guest touches exactly the distinct pages of the
 * trace, as counted here independently of the simulator's reader (a regular expression over the
 * text lines), under each translation mode, with every read verified.
 */
class TraceReplayTest {
    private static final Path SHIPPED = Path.of("..", "conf", "traces", "walk.lackey.gz");
    /** A lackey record as valgrind prints it: " L 1ffefffd48,8" or "I  04010a0c,3". */
    private static final Pattern RECORD = Pattern.compile("^ ?([ILSM]) +([0-9a-fA-F]+),[0-9]+\\s*$");

    /** What the test itself counts in a lackey trace. */
    record Counted(long records, long writes, int distinctPages) {
    }

    static Counted count(Path trace) throws Exception {
        Set<Long> pages = new HashSet<>();
        long records = 0;
        long writes = 0;
        try (InputStream raw = Files.newInputStream(trace);
             InputStream in = trace.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = lines.readLine()) != null) {
                Matcher m = RECORD.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                long page = Long.parseUnsignedLong(m.group(2), 16) >>> 12;
                if (page >= 1L << 36) {
                    continue; // beyond a 48-bit address space (the vsyscall page)
                }
                records++;
                pages.add(page);
                if (m.group(1).equals("S") || m.group(1).equals("M")) {
                    writes++;
                }
            }
        }
        return new Counted(records, writes, pages.size());
    }

    /** Replays {@code trace} in a full, a para and a nested guest until it ends; returns their figures. */
    static List<GuestStats> replay(Path dir, Path trace, Counted counted) throws Exception {
        // Fast enough to finish within the run: two seconds of simulated time at most.
        long rate = Math.max(1000, counted.records());
        Path file = Files.writeString(dir.resolve("replay.conf"), String.join("\n",
                "scenario { name = replay, duration = 3s, tick = 100ms }",
                // reclamation on for its working-set sampling: one 2 s period holds the whole replay
                "hosts { h { memory = 512MiB, reclaim = on, policy { sample-period = 2s, balance-period = 2s } } }",
                "guest-templates { t { memory = 16MiB, workload { type = trace, format = lackey,",
                "  path = \"" + trace.toAbsolutePath().toString().replace("\\", "\\\\") + "\", accesses-per-second = " + rate + " } } }",
                "guests {",
                "  full { template = t, host = h, mode = full }",
                "  para { template = t, host = h, mode = para }",
                "  nested { template = t, host = h, mode = nested }",
                "}", ""));
        Scenario scenario = ScenarioLoader.load(file, List.of(), null);
        RunResult result = Simulation.run(scenario, new Simulation.Options(true, java.time.Duration.ofSeconds(60),
                com.typesafe.config.ConfigFactory.empty()));
        assertThat(result.violations()).isEmpty();
        assertThat(result.ok()).isTrue();
        return result.guests();
    }

    static void assertReplayed(List<GuestStats> guests, Counted counted) {
        assertThat(guests).hasSize(3);
        for (GuestStats g : guests) {
            assertThat(g.pagesTouched()).as(g.name() + " pagesTouched").isEqualTo(counted.distinctPages());
            // Every record is one access; the guest OS's fill of each page it touches first is counted apart.
            assertThat(g.accesses()).as(g.name()).isEqualTo(counted.records());
            assertThat(g.writes()).as(g.name()).isEqualTo(counted.writes());
            assertThat(g.pageFills()).as(g.name()).isEqualTo(counted.distinctPages());
            assertThat(g.reads()).as(g.name()).isEqualTo(counted.records() - counted.writes());
            assertThat(g.readsVerified()).as(g.name()).isEqualTo(g.reads());
            assertThat(g.readMismatches()).as(g.name()).isZero();
            // the truth of the last complete period, [0 s, 2 s), is every page of the trace; the
            // hypervisor's estimate from 100 sampled PPNs of the guest's 4,096 stands beside it
            assertThat(g.reclaim().workingSetTruePages()).as(g.name() + " working-set truth").isEqualTo(counted.distinctPages());
            assertThat(g.reclaim().workingSetEstimatePages()).as(g.name() + " working-set estimate")
                    .isBetween((long) counted.distinctPages() / 4, 4L * counted.distinctPages());
        }
    }

    @Test
    void theShippedTraceReplaysToExactlyItsDistinctPages(@TempDir Path dir) throws Exception {
        Counted counted = count(SHIPPED);
        assertThat(counted.records()).isGreaterThan(50_000);
        assertThat(counted.distinctPages()).isBetween(512, 1024); // the 2 MiB buffer, plus code, data and stack
        assertReplayed(replay(dir, SHIPPED, counted), counted);
    }

    @Test
    void aLackeyTraceOfARealProgramMadeNowReplaysToItsDistinctPages(@TempDir Path dir) throws Exception {
        boolean valgrind = onPath("valgrind");
        assumeTrue(valgrind, "valgrind is not installed: the shipped trace is tested instead");
        Path program = Path.of("/bin/echo");
        Path trace = dir.resolve("echo.lackey");
        Process p = new ProcessBuilder("valgrind", "--tool=lackey", "--trace-mem=yes", "--log-file=" + trace,
                program.toString(), "ballast")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(trace, StandardCharsets.US_ASCII)).startsWith("==").contains("Lackey");
        Counted counted = count(trace);
        assertThat(counted.records()).isGreaterThan(50_000); // the dynamic loader alone makes more than that
        assertReplayed(replay(dir, trace, counted), counted);
    }

    @Test
    void aTraceRemovedBeforeTheRunStopsItsGuestAndFailsTheRunNamingTheTrace(@TempDir Path dir) throws Exception {
        Path trace = Files.writeString(dir.resolve("t.csv"), "1,w\n2,r\n");
        Path file = Files.writeString(dir.resolve("s.conf"), String.join("\n",
                "scenario { duration = 1s }",
                "hosts { h { memory = 256MiB } }",
                "guests { g { host = h, memory = 4MiB, workload { type = trace, format = csv, path = \"t.csv\" } } }", ""));
        Scenario scenario = ScenarioLoader.load(file, List.of(), null);
        Files.delete(trace);
        RunResult result = Simulation.run(scenario, Simulation.Options.defaults());
        assertThat(result.ok()).isFalse();
        assertThat(result.failure()).contains("guest g", "t.csv cannot be opened any more");
        // the run is not held up: it plays on without the guest (10 ticks; the guest's failure, which
        // comes asynchronously beside the ticks, is in before the end)
        assertThat(result.ticksPlayed()).isEqualTo(10);
        assertThat(result.guests().get(0).pagesTouched()).isZero();
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
