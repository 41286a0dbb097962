package ballast.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.host.control.HostStats;
import ballast.abi.Tokens;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementTest {

    static BloomFilter filter(long from, long to) {
        BloomFilter f = Fingerprints.empty();
        for (long i = from; i < to; i++) {
            f.add(Tokens.mix(i));
        }
        return f;
    }

    @Test
    void bloomFiltersEstimateCardinalityAndOverlap() {
        BloomFilter a = filter(0, 10_000);
        BloomFilter b = filter(6_000, 16_000);
        assertThat(a.cardinality()).isCloseTo(10_000, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(a.overlap(b)).isCloseTo(4_000, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(a.overlap(filter(20_000, 30_000))).isLessThan(200);
        assertThat(a.mightContain(Tokens.mix(5))).isTrue();
        assertThat(a.union(b).cardinality()).isCloseTo(16_000, org.assertj.core.data.Percentage.withPercentage(3));
    }

    static List<PlacementPolicy.HostLoad> hosts() {
        return List.of(new PlacementPolicy.HostLoad("a", 1000, 900, filter(0, 100)),
                new PlacementPolicy.HostLoad("b", 1000, 500, filter(1000, 3000)),
                new PlacementPolicy.HostLoad("c", 1000, 200, filter(5000, 5100)));
    }

    @Test
    void eachPolicyPicksItsHost() {
        PlacementPolicy.Candidate small = new PlacementPolicy.Candidate("g", 50, filter(5000, 5100));
        PlacementPolicy.Candidate big = new PlacementPolicy.Candidate("g", 400, filter(1500, 2000));
        assertThat(Placements.byName("first-fit").place(small, hosts())).isEqualTo("a");
        assertThat(Placements.byName("first-fit").place(big, hosts())).isEqualTo("b");
        assertThat(Placements.byName("best-fit").place(small, hosts())).isEqualTo("a");
        assertThat(Placements.byName("best-fit").place(big, hosts())).isEqualTo("b");
        assertThat(Placements.byName("spread").place(small, hosts())).isEqualTo("c");
        assertThat(Placements.byName("sharing-aware").place(small, hosts())).isEqualTo("c");
        assertThat(Placements.byName("sharing-aware").place(big, hosts())).isEqualTo("b");
        // no overlap worth the name: the most room
        PlacementPolicy.Candidate stranger = new PlacementPolicy.Candidate("g", 50, filter(90_000, 91_000));
        assertThat(Placements.byName("sharing-aware").place(stranger, hosts())).isEqualTo("c");
        PlacementPolicy.Candidate huge = new PlacementPolicy.Candidate("g", 900, filter(0, 10));
        for (String name : Placements.NAMES) {
            assertThat(Placements.byName(name).place(huge, hosts())).as(name).isNull();
        }
        assertThatThrownBy(() -> Placements.byName("random")).hasMessageContaining("first-fit");
    }

    /** Twelve guests, every other one Linux or Windows XP, none with a host; three hosts of room for four. */
    static String scenario(String policy) {
        StringBuilder s = new StringBuilder("""
                scenario { duration = 4s, tick = 100ms, seed = 3 }
                placement.policy = POLICY
                guest-templates { vm { memory = 32MiB, content { image-fraction = 0.4, zero-fraction = 0.05 },
                  workload { type = uniform, working-set = 16MiB, accesses-per-second = 40000, write-fraction = 0.0 } } }
                hosts {
                """.replace("POLICY", policy));
        for (String h : List.of("host-a", "host-b", "host-c")) {
            s.append("  ").append(h).append(" { memory = 192MiB, sharing { enabled = true, scan-pages-per-second = 40000,"
                    + " per-guest-pages-per-second = 10000 } }\n");
        }
        s.append("}\nguests {\n");
        for (int i = 1; i <= 12; i++) {
            s.append(String.format("  g%02d { template = vm, os = %s }%n", i, i % 2 == 1 ? "linux" : "windows-xp"));
        }
        return s.append("}\n").toString();
    }

    static long pagesSaved(RunResult r) {
        long saved = 0;
        for (HostStats h : r.hosts()) {
            saved += h.pagesSharing();
        }
        return saved;
    }

    @Test
    void sharingAwarePlacementSavesMorePagesThanFirstFitWithTwoImagesMixed(@TempDir Path dir) throws Exception {
        Map<String, Long> saved = new HashMap<>();
        Map<String, Map<String, String>> placed = new HashMap<>();
        for (String policy : List.of("first-fit", "sharing-aware")) {
            Path file = dir.resolve(policy + ".conf");
            Files.writeString(file, scenario(policy));
            Scenario s = ScenarioLoader.load(file, List.of(), null);
            Map<String, String> where = new HashMap<>();
            s.guests().forEach(g -> where.put(g.name(), g.host()));
            placed.put(policy, where);
            RunResult r = Simulation.run(s, Simulation.Options.defaults());
            assertThat(r.ok()).isTrue();
            saved.put(policy, pagesSaved(r));
        }
        System.out.printf("pages saved by sharing: first-fit %d, sharing-aware %d%n", saved.get("first-fit"),
                saved.get("sharing-aware"));
        // first-fit mixes the images on every host; sharing-aware puts the Linux guests together, and the Windows ones
        assertThat(placed.get("first-fit")).containsEntry("g01", "host-a").containsEntry("g02", "host-a");
        assertThat(placed.get("sharing-aware").get("g03")).isEqualTo(placed.get("sharing-aware").get("g01"));
        assertThat(placed.get("sharing-aware").get("g02")).isNotEqualTo(placed.get("sharing-aware").get("g01"));
        assertThat(saved.get("sharing-aware")).isGreaterThan(saved.get("first-fit") * 11 / 10);
    }
}
