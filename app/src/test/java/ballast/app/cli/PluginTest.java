package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.reclaim.AllocationPolicy;
import ballast.host.reclaim.AllocationPolicyProvider;
import ballast.host.reclaim.GuestDemands;
import ballast.host.reclaim.ReclaimSettings;
import ballast.scheduler.placement.PlacementPolicy;
import ballast.scheduler.placement.PlacementPolicyProvider;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --plugin JAR}: a jar listing policy providers in META-INF/services adds their names. The
 * providers here are test classes (on the class path), but only the jar built by the test lists
 * them, so their names are unknown without it.
 */
class PluginTest {
    private static final String TINY = """
            scenario { duration = 2s }
            hosts { h { memory = 64MiB, reserved = 8MiB, guest-overhead = 0, reclaim = on, policy { name = test-equal-split, balance-period = 1s, sample-period = 1s } } }
            guests { vm { host = h, memory = 32MiB, count = 2,
                          workload { type = uniform, working-set = 8MiB, accesses-per-second = 2000, write-fraction = 0.2 } } }
            """;

    /** Every guest the same target: the available pages split evenly, within [min, max]. */
    public static final class EqualSplit implements AllocationPolicyProvider {
        @Override
        public String name() {
            return "test-equal-split";
        }

        @Override
        public AllocationPolicy create(ReclaimSettings settings) {
            return new AllocationPolicy() {
                @Override
                public String name() {
                    return "test-equal-split";
                }

                @Override
                public void targets(GuestDemands d, long available, long[] out) {
                    for (int i = 0; i < d.count(); i++) {
                        out[i] = Math.max(d.min(i), Math.min(d.max(i), available / Math.max(1, d.count())));
                    }
                }
            };
        }
    }

    /** Every guest on the last host. */
    public static final class LastHost implements PlacementPolicyProvider {
        @Override
        public String name() {
            return "test-last-host";
        }

        @Override
        public PlacementPolicy create() {
            return new PlacementPolicy() {
                @Override
                public String place(Candidate guest, List<HostLoad> hosts) {
                    for (int i = hosts.size() - 1; i >= 0; i--) {
                        if (hosts.get(i).fits(guest)) {
                            return hosts.get(i).name();
                        }
                    }
                    return null;
                }

                @Override
                public String name() {
                    return "test-last-host";
                }
            };
        }
    }

    private static Path jar(Path dir) throws Exception {
        Path jar = dir.resolve("policies.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            entry(out, "META-INF/services/ballast.host.reclaim.AllocationPolicyProvider", EqualSplit.class.getName());
            entry(out, "META-INF/services/ballast.scheduler.placement.PlacementPolicyProvider", LastHost.class.getName());
        }
        return jar;
    }

    private static void entry(JarOutputStream out, String name, String text) throws Exception {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }

    @Test
    void aPolicyJarAddsItsAllocationAndPlacementPolicies(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), TINY);
        Path placed = Files.writeString(dir.resolve("placed.conf"), """
                scenario { duration = 1s }
                hosts { a { memory = 256MiB }, b { memory = 256MiB } }
                guests { vm { memory = 16MiB, count = 2 } }
                placement { policy = test-last-host }
                """);
        Path jar = jar(dir);
        Path out = dir.resolve("out");
        // (once loaded in this JVM the names stay known: check the refusal only if no other test loaded them)
        if (!ballast.host.reclaim.AllocationPolicies.names().contains("test-equal-split")) {
            MainTest.Outcome without = MainTest.ballast("validate", scenario.toString());
            assertThat(without.code()).isEqualTo(Main.BAD_INPUT);
            assertThat(without.err()).contains("hosts.h.policy.name", "test-equal-split");
        }
        MainTest.Outcome v = MainTest.ballast("validate", placed.toString(), "--plugin", jar.toString());
        assertThat(v.code()).as(v.err()).isZero();
        MainTest.Outcome r = MainTest.ballast("run", scenario.toString(), "--plugin", jar.toString(), "--quiet",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("hosts").get(0).get("policy").asText()).isEqualTo("test-equal-split");
        long t1 = summary.get("guests").get(0).get("targetPages").asLong();
        long t2 = summary.get("guests").get(1).get("targetPages").asLong();
        assertThat(t1).isEqualTo(t2).isPositive();

        MainTest.Outcome p = MainTest.ballast("run", placed.toString(), "--plugin", jar.toString(), "--quiet",
                "--out", dir.resolve("placed").toString());
        assertThat(p.code()).as(p.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode placedSummary = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("placed/summary.json").toFile());
        assertThat(placedSummary.get("guests").get(0).get("host").asText()).isEqualTo("b");
        assertThat(placedSummary.get("guests").get(1).get("host").asText()).isEqualTo("b");
    }

    @Test
    void aMissingOrEmptyJarIsBadInput(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("tiny.conf"), "hosts { h { } }\n");
        MainTest.Outcome missing = MainTest.ballast("validate", scenario.toString(), "--plugin", dir.resolve("no.jar").toString());
        assertThat(missing.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).contains("--plugin:0: " + dir.resolve("no.jar") + ": no such file");
        Path empty = dir.resolve("empty.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(empty))) {
            entry(out, "README", "nothing");
        }
        MainTest.Outcome none = MainTest.ballast("validate", scenario.toString(), "--plugin", empty.toString());
        assertThat(none.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(none.err()).contains("no policy in it");
    }
}
