package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(o.out()).contains("guests.vm.count = 1: h:", "guests.vm.count = 3: h:", "sweep.csv");
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).startsWith("guests.vm.count,host,framesTotal,").contains("pagesShared,pagesSharing,")
                .endsWith("sharedPercent,reclaimedPercent,readMismatches,status");
        assertThat(csv.get(1)).startsWith("1,h,").endsWith(",0,ok");
        assertThat(csv.get(2)).startsWith("3,h,").endsWith(",0,ok");
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
}
