package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ballast run} of a scenario with a sweep: one summary per value and sweep.csv. */
class SweepCommandTest {

    @Test
    void aSweepWritesOneSummaryPerValueAndSweepCsv(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), """
                scenario { duration = 1s }
                hosts { h { memory = 256MiB, sharing { enabled = true, scan-pages-per-second = 50000,
                                                        per-guest-pages-per-second = 50000 } } }
                guests { vm { host = h, memory = 4MiB, content { image-fraction = 0.5 },
                              workload { type = uniform, working-set = 4MiB, accesses-per-second = 100000, write-fraction = 0 } } }
                sweep { path = guests.vm.count, values = [1, 3] }
                """);
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.ballast("run", scenario.toString(), "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("] 1, seed 1: ok", "] 3, seed 1: ok", "sweep.csv");
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).startsWith("guests.vm.count,seed,host,framesTotal,").contains("pagesShared,pagesSharing,")
                .contains(",sharedPercent,reclaimedPercent,guests.configuredPages,").endsWith(",readMismatches,status");
        assertThat(csv.get(1)).startsWith("1,1,h,").endsWith(",0,ok");
        assertThat(csv.get(2)).startsWith("3,1,h,").endsWith(",0,ok");
        for (String value : List.of("1", "3")) {
            JsonNode summary = new ObjectMapper().readTree(out.resolve(value).resolve("summary.json").toFile());
            assertThat(summary.get("status").asText()).isEqualTo("ok");
            JsonNode host = summary.get("hosts").get(0);
            for (String key : List.of("pagesShared", "pagesSharing", "pagesUnshared", "pagesVolatile", "fullScans",
                    "zeroPagesShared", "staleHints", "falseMatches", "mergeCount", "framesMapped")) {
                assertThat(host.has(key)).as(key).isTrue();
            }
            assertThat(summary.get("guests").get(0).has("sharedPages")).isTrue();
            assertThat(summary.get("guests").get(0).has("cowBreaks")).isTrue();
        }
        JsonNode three = new ObjectMapper().readTree(out.resolve("3").resolve("summary.json").toFile());
        assertThat(three.get("hosts").get(0).get("pagesSharing").asLong()).isPositive();

        MainTest.Outcome v = MainTest.ballast("validate", scenario.toString());
        assertThat(v.code()).isZero();
        assertThat(v.out()).contains("a sweep of guests.vm.count over 2 values");
    }

    private static final String TINY = """
            scenario { duration = 1s }
            hosts { h { memory = 256MiB } }
            guests { vm { host = h, memory = 4MiB,
                          workload { type = uniform, working-set = 4MiB, accesses-per-second = 1000, write-fraction = 0.3 } } }
            """;

    @Test
    void twoPathsCrossedWithThreeSeedsRunInParallelWithMeansAndIntervals(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), TINY + """
                sweep { seeds = 3, figures = [guests.pagesTouched] }
                """);
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.ballast("run", scenario.toString(), "--out", out.toString(), "--jobs", "3",
                "--sweep", "guests.vm.count=1,2", "--sweep", "guests.vm.workload.working-set=1MiB,4MiB");
        assertThat(o.code()).as(o.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertThat(csv).hasSize(1 + 2 * 2 * 3);
        assertThat(csv.get(0)).startsWith("guests.vm.count,guests.vm.workload.working-set,seed,host,");
        assertThat(csv.subList(1, csv.size())).extracting(l -> l.substring(0, l.indexOf(",h,")))
                .containsExactly("1,1MiB,1", "1,1MiB,2", "1,1MiB,3", "1,4MiB,1", "1,4MiB,2", "1,4MiB,3",
                        "2,1MiB,1", "2,1MiB,2", "2,1MiB,3", "2,4MiB,1", "2,4MiB,2", "2,4MiB,3");

        // per point: the mean and the 95% interval of the seeds' values, Student's t with 2 degrees of freedom
        List<String> header = List.of(csv.get(0).split(","));
        int touched = header.indexOf("guests.pagesTouched");
        List<String> points = Files.readAllLines(out.resolve("sweep-points.csv"));
        assertThat(points).hasSize(1 + 4);
        List<String> pointHeader = List.of(points.get(0).split(","));
        assertThat(pointHeader.subList(0, 5)).containsExactly("guests.vm.count", "guests.vm.workload.working-set", "host",
                "runs", "failed");
        for (int p = 0; p < 4; p++) {
            double[] xs = new double[3];
            for (int s = 0; s < 3; s++) {
                xs[s] = Double.parseDouble(csv.get(1 + 3 * p + s).split(",")[touched]);
            }
            double mean = (xs[0] + xs[1] + xs[2]) / 3;
            double sd = Math.sqrt(((xs[0] - mean) * (xs[0] - mean) + (xs[1] - mean) * (xs[1] - mean)
                    + (xs[2] - mean) * (xs[2] - mean)) / 2);
            String[] row = points.get(1 + p).split(",");
            assertThat(row[3]).isEqualTo("3");
            assertThat(Double.parseDouble(row[pointHeader.indexOf("guests.pagesTouched_mean")])).isCloseTo(mean, within(1e-3));
            assertThat(Double.parseDouble(row[pointHeader.indexOf("guests.pagesTouched_ci95")]))
                    .isCloseTo(4.303 * sd / Math.sqrt(3), within(1e-3));
        }
        // the seeds differ: the uniform workload touches different pages
        assertThat(Double.parseDouble(points.get(3).split(",")[pointHeader.indexOf("guests.pagesTouched_ci95")])).isPositive();

        // a point and seed played in parallel gives the summary it gives alone
        Path alone = dir.resolve("alone");
        Path plain = Files.writeString(Files.createDirectories(dir.resolve("plain")).resolve("tiny.conf"), TINY);
        MainTest.Outcome a = MainTest.ballast("run", plain.toString(), "--out", alone.toString(), "--quiet",
                "--set", "guests.vm.count=2", "--set", "guests.vm.workload.working-set=4MiB",
                "--seed", "2");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(withoutTiming(alone.resolve("summary.json")))
                .isEqualTo(withoutTiming(out.resolve("count=2_working-set=4MiB/seed-2/summary.json")));

        assertThat(Files.readString(out.resolve("sweep.html"))).contains("data-error-bars=\"");
        assertThat(out.resolve("charts/sweep-guests.pagesTouched.png")).isRegularFile();
        assertThat(out.resolve("charts/sweep-guests.pagesTouched.svg")).isRegularFile();
        JsonNode sweep = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        assertThat(sweep.get("finishedRuns").asInt()).isEqualTo(12);
        assertThat(sweep.get("interrupted").asBoolean()).isFalse();
    }

    @Test
    void zippedPathsPairTheirValues(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), TINY + """
                sweep {
                  vary = [ { path = guests.vm.count, values = [1, 2, 3] },
                           { path = guests.vm.memory, values = [4MiB, 8MiB, 12MiB] } ]
                  combine = zip
                }
                """);
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.ballast("run", scenario.toString(), "--out", out.toString(), "--quiet");
        assertThat(o.code()).as(o.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertThat(csv.subList(1, csv.size())).extracting(l -> l.substring(0, l.indexOf(",h,")))
                .containsExactly("1,4MiB,1", "2,8MiB,1", "3,12MiB,1");
        MainTest.Outcome v = MainTest.ballast("validate", scenario.toString());
        assertThat(v.out()).contains("a sweep of guests.vm.count + guests.vm.memory over 3 points");
    }

    @Test
    void zippedPathsOfUnequalLengthsAreAProblem(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), TINY + """
                sweep {
                  vary = [ { path = guests.vm.count, values = [1, 2, 3] }, { path = guests.vm.memory, values = [4MiB] } ]
                  combine = zip
                }
                """);
        MainTest.Outcome v = MainTest.ballast("validate", scenario.toString());
        assertThat(v.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(v.err()).contains("tiny.conf:7: sweep.combine: zipped paths need as many values each: "
                + "guests.vm.count has 3, guests.vm.memory has 1");
    }

    @Test
    void anUnknownFigureToDrawIsAProblemAtItsLine(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), TINY + """
                sweep {
                  path = guests.vm.count, values = [1, 2]
                  figures = [guests.tlbMisses, tlbMises]
                }
                """);
        MainTest.Outcome v = MainTest.ballast("validate", scenario.toString());
        assertThat(v.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(v.err()).contains("tiny.conf:7: sweep.figures: unknown figure tlbMises: a column of sweep.csv")
                .doesNotContain("guests.tlbMisses:");
    }

    @Test
    void reportRebuildsASweepFolder(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), TINY);
        Path out = dir.resolve("out");
        assertThat(MainTest.ballast("run", scenario.toString(), "--out", out.toString(), "--quiet",
                "--sweep", "guests.vm.count=1,2").code()).isZero();
        Files.delete(out.resolve("sweep.html"));
        Files.delete(out.resolve("1/report.html"));
        MainTest.Outcome r = MainTest.ballast("report", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("sweep.html", "2 run reports");
        assertThat(out.resolve("sweep.html")).isRegularFile();
        assertThat(out.resolve("1/report.html")).isRegularFile();
    }

    @Test
    void ctrlCDuringASweepWritesWhatFinishedAndAnInterruptedMarker(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), TINY);
        Path out = dir.resolve("out");
        java.util.concurrent.CompletableFuture<MainTest.Outcome> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> MainTest.ballast("run", scenario.toString(), "--out", out.toString(), "--quiet", "--jobs", "1",
                        "--sweep", "scenario.duration=1s,3600s"));
        // the first point finishes; the second would run for an hour of simulated time
        for (int i = 0; i < 6000 && !(Files.isRegularFile(out.resolve("1s/summary.json")) && SweepRunner.current != null); i++) {
            Thread.sleep(10);
        }
        assertThat(out.resolve("1s/summary.json")).isRegularFile();
        SweepRunner.current.stop();
        MainTest.Outcome o = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(o.code()).as(o.err()).isEqualTo(Main.INTERRUPTED);
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertThat(csv).hasSize(2);
        assertThat(csv.get(1)).startsWith("1s,1,h,").endsWith(",ok");
        assertThat(Files.readString(out.resolve("INTERRUPTED"))).contains("1 of 2 runs finished", "3600s, seed 1");
        JsonNode sweep = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        assertThat(sweep.get("interrupted").asBoolean()).isTrue();
        assertThat(sweep.get("status").asText()).isEqualTo("interrupted");
        assertThat(Files.readString(out.resolve("sweep.html"))).contains("Interrupted");
        assertThat(o.err()).contains("interrupted: 1 of 2 runs finished");
    }

    private static JsonNode withoutTiming(Path summary) throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ObjectNode s = (com.fasterxml.jackson.databind.node.ObjectNode)
                new ObjectMapper().readTree(summary.toFile());
        s.remove("timing");
        return s;
    }
}
