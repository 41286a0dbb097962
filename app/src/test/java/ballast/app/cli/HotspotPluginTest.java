package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.HostStats;
import ballast.scheduler.migration.HotspotPolicies;
import ballast.scheduler.migration.HotspotPolicy;
import ballast.scheduler.migration.HotspotPolicyProvider;
import ballast.scheduler.migration.HotspotSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hotspot policy plug-in: a jar built here lists {@link MoveNamed} in
 * META-INF/services/ballast.scheduler.migration.HotspotPolicyProvider; a scenario selecting it by
 * {@code hotspot.policy} has its decisions played as hotspot migrations. The provider is a test
 * class (on the class path), but only the jar lists it, so its name is unknown without it.
 */
class HotspotPluginTest {
    static final String NAME = "test-move-named";
    static final String SCENARIO = """
            scenario { duration = 3s, tick = 100ms, seed = 3 }
            hosts { a { memory = 256MiB }, b { memory = 256MiB } }
            guests {
              vm-1 { host = a, memory = 16MiB, workload { type = uniform, working-set = 4MiB, accesses-per-second = 2000, write-fraction = 0 } }
              vm-2 { host = a, memory = 16MiB, workload { type = uniform, working-set = 4MiB, accesses-per-second = 2000, write-fraction = 0 } }
            }
            migration { bandwidth = 1GiB }
            hotspot { enabled = true, after = 1s, policy = test-move-named }
            """;

    /** Moves vm-2 off its host once, at the first boundary at or after {@code hotspot.after}, whatever the hosts' states. */
    public static final class MoveNamed implements HotspotPolicyProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public HotspotPolicy create(HotspotSettings settings, double tickSeconds) {
            return new HotspotPolicy() {
                private boolean done;

                @Override
                public String name() {
                    return NAME;
                }

                @Override
                public List<Decision> observe(long tick, Map<String, HostStats> hosts, Map<String, List<GuestLoad>> guests,
                                              Set<String> busy) {
                    List<Decision> out = new ArrayList<>();
                    if (done || tick * tickSeconds + 1e-9 < settings.afterSeconds()) {
                        return out;
                    }
                    new TreeMap<>(guests).forEach((host, loads) -> loads.stream()
                            .filter(g -> g.name().equals("vm-2")).forEach(g -> out.add(new Decision(host, g.name()))));
                    done = !out.isEmpty();
                    return out;
                }
            };
        }
    }

    private static Path jar(Path dir) throws Exception {
        Path jar = dir.resolve("hotspot.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/ballast.scheduler.migration.HotspotPolicyProvider"));
            out.write((MoveNamed.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void aHotspotPolicyJarMovesTheGuestItNamesAtItsTick(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("moves.conf"), SCENARIO);
        // (once loaded in this JVM the name stays known: check the refusal only if no other test loaded it)
        if (!HotspotPolicies.names().contains(NAME)) {
            MainTest.Outcome without = MainTest.ballast("validate", scenario.toString());
            assertThat(without.code()).isEqualTo(Main.BAD_INPUT);
            assertThat(without.err()).contains("moves.conf:8: hotspot.policy: unknown hotspot policy", NAME,
                    "allowed: free-states");
        }
        MainTest.Outcome r = MainTest.ballast("run", scenario.toString(), "--plugin", jar(dir).toString(), "--quiet",
                "--out", dir.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        JsonNode migrations = summary.get("migrations");
        assertThat(migrations).hasSize(1);
        JsonNode m = migrations.get(0);
        assertThat(m.get("guest").asText()).isEqualTo("vm-2");
        assertThat(m.get("from").asText()).isEqualTo("a");
        assertThat(m.get("to").asText()).isEqualTo("b");
        assertThat(m.get("trigger").asText()).isEqualTo("hotspot");
        assertThat(m.get("startSeconds").asDouble()).isEqualTo(1.0);
        assertThat(summary.get("guests")).filteredOn(g -> g.get("name").asText().equals("vm-2"))
                .singleElement().satisfies(g -> assertThat(g.get("host").asText()).isEqualTo("b"));
        assertThat(summary.get("guests")).filteredOn(g -> g.get("name").asText().equals("vm-1"))
                .singleElement().satisfies(g -> assertThat(g.get("host").asText()).isEqualTo("a"));
    }

    @Test
    void anUnknownHotspotPolicyIsAProblemAtItsLineListingTheKnownNames(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("typo.conf"),
                SCENARIO.replace("policy = test-move-named", "policy = free-state"));
        MainTest.Outcome v = MainTest.ballast("validate", scenario.toString());
        assertThat(v.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(v.err()).contains("typo.conf:8: hotspot.policy: unknown hotspot policy", "free-state",
                "allowed: free-states").doesNotContain("Exception");
    }

    @Test
    void aPluginCannotTakeTheBuiltInName(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("taken.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/ballast.scheduler.migration.HotspotPolicyProvider"));
            out.write((TakesBuiltInName.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Path scenario = Files.writeString(dir.resolve("ok.conf"), "hosts { h { } }\n");
        MainTest.Outcome v = MainTest.ballast("validate", scenario.toString(), "--plugin", jar.toString());
        assertThat(v.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(v.err()).contains("--plugin:0:", "hotspot policy free-states of " + TakesBuiltInName.class.getName(),
                "the name is taken");
    }

    /** A provider that claims the built-in name. */
    public static final class TakesBuiltInName implements HotspotPolicyProvider {
        @Override
        public String name() {
            return "free-states";
        }

        @Override
        public HotspotPolicy create(HotspotSettings settings, double tickSeconds) {
            throw new UnsupportedOperationException();
        }
    }
}
