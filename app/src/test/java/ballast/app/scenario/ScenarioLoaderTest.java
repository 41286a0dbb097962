package ballast.app.scenario;

import ballast.scheduler.scenario.Scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import ballast.guest.ContentSettings;
import ballast.guest.GuestSettings;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.abi.TranslationMode;
import ballast.abi.KernelEvent;
import ballast.host.cpu.CpuSpec;
import ballast.guest.OsProfile;
import ballast.abi.SensitiveInstruction;
import ballast.host.cpu.Technique;
import ballast.abi.Tokens;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScenarioLoaderTest {
    private static final double FOREVER = Double.POSITIVE_INFINITY;
    /** The library's linux profile has 301 sensitive blocks. */
    private static final CpuSpec LINUX_CPU = new CpuSpec(true, true, 4096, 301, 1, 1000, 0);

    /** Hosts live in an included file, to show that relative includes work. */
    private static final String HOSTS = """
            hosts {
              host-a { memory = 2GiB }
              host-b { memory = 1GiB, reserved = 128MiB, tlb-entries = 256 }
            }
            """;

    private static final String MAIN = """
            # Ten small web guests from a template on host-a; a database and a phased batch job on host-b.
            include "hosts.conf"
            scenario { name = demo, seed = 7, duration = 10s, tick = 250ms, sample-every = 1s }
            costs { hypercall = 1000 }
            guest-templates {
              linux-small {
                os = linux
                memory = 256MiB
                mode = full
                workload { type = uniform, working-set = 64MiB, accesses-per-second = 1000 }
              }
            }
            guests {
              web { template = linux-small, count = 10, host = host-a, memory = 128MiB }
              db {
                os = windows-xp
                memory = 512MiB
                mode = para
                host = host-b
                processes = 4
                content { image = "", image-fraction = 0.5, zero-fraction = 0.2 }
                workload { type = hot-cold, working-set = 128MiB, accesses-per-second = 500000,
                           write-fraction = 0.2, hot-fraction = 0.1, hot-access-fraction = 0.9 }
              }
              batch {
                template = linux-small
                host = host-b
                workload {
                  type = phases
                  phases = [ { duration = 5s, working-set = 32MiB }, { working-set = 200MiB, write-fraction = 0.5 } ]
                }
              }
            }
            """;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- a valid scenario

    @Test
    void countsExpandToNumberedGuestsInNaturalOrder() throws Exception {
        Scenario s = loadMain(List.of(), null);

        List<String> expected = new ArrayList<>(List.of("batch", "db"));
        for (int i = 1; i <= 10; i++) {
            expected.add("web-" + i);
        }
        assertThat(s.guests()).extracting(GuestSettings::name).containsExactlyElementsOf(expected);
        assertThat(s.hosts()).extracting(HostSettings::name).containsExactly("host-a", "host-b");
    }

    @Test
    void scenarioBlockGivesTheRunsTiming() throws Exception {
        Path file = writeMain();
        Scenario s = ScenarioLoader.load(file, List.of(), null);

        assertThat(s.name()).isEqualTo("demo");
        assertThat(s.source()).isEqualTo(file.toString());
        assertThat(s.seed()).isEqualTo(7);
        assertThat(s.durationSeconds()).isEqualTo(10.0);
        assertThat(s.tickSeconds()).isEqualTo(0.25);
        assertThat(s.ticks()).isEqualTo(40);
        assertThat(s.sampleEveryTicks()).isEqualTo(4);
        assertThat(s.mode()).isEqualTo("deterministic");
    }

    @Test
    void aScenarioNameThatIsAPathIsRefusedSoThatOutputsStayInTheRunsFolder() throws Exception {
        Path file = writeMain();
        for (String name : List.of("../../x", "a/b", "/tmp/x", ".hidden")) {
            assertThat(problems(file, List.of("scenario.name=\"" + name + "\"")))
                    .extracting(Problem::path, Problem::message)
                    .containsExactly(tuple("scenario.name", "a scenario name may hold only letters, digits, '-', '_'"
                            + " and '.', and starts with a letter or a digit"));
        }
        assertThat(ScenarioLoader.load(file, List.of("scenario.name=web_2.b-3"), null).name()).isEqualTo("web_2.b-3");
    }

    @Test
    void aTickLongerThanTheDefaultSampleEveryRoundsItUpToOneTick() throws Exception {
        Path file = writeMain();
        Scenario s = ScenarioLoader.load(file, List.of("scenario.tick=2s", "scenario.sample-every=1s"), null);
        assertThat(s.sampleEveryTicks()).isEqualTo(1);
        assertThat(problems(file, List.of("scenario.sample-every=0s"))).extracting(Problem::path)
                .containsExactly("scenario.sample-every");
    }

    @Test
    void aDurationTooLargeForALongOfNanosecondsIsAProblemNotCappedSilently() throws Exception {
        Path file = writeMain();
        assertThat(problems(file, List.of("scenario.duration=1e30d"))).extracting(Problem::path, Problem::message)
                .containsExactly(tuple("scenario.duration", "is too large: at most 106750d (the most nanoseconds a long"
                        + " holds), got 1e30d"));
        assertThat(ScenarioLoader.load(file, List.of("scenario.duration=100000d"), null).ticks())
                .isEqualTo(100_000L * 86_400 * 4);
    }

    @Test
    void aMemoryThatIsNotAWholeNumberOfPagesIsAProblemNotRoundedDown() throws Exception {
        Path file = writeMain();
        assertThat(problems(file, List.of("hosts.host-a.memory=1GB", "guests.db.memory=100001KiB", "guests.batch.memory=5000")))
                .extracting(Problem::path, Problem::message)
                .containsExactlyInAnyOrder(
                        tuple("hosts.host-a.memory", "must be a whole number of 4KiB pages, got 1GB (1000000000 bytes);"
                                + " binary units such as MiB and GiB always are"),
                        tuple("guests.db.memory", "must be a whole number of 4KiB pages, got 100001KiB (102401024 bytes);"
                                + " binary units such as MiB and GiB always are"),
                        tuple("guests.batch.memory", "must be a whole number of 4KiB pages, got 5000 (5000 bytes);"
                                + " binary units such as MiB and GiB always are"));
    }

    @Test
    void guestsInheritTheirTemplateAndOverrideIt() throws Exception {
        Scenario s = loadMain(List.of(), null);

        GuestSettings web = guest(s, "web-3");
        assertThat(web.os()).isEqualTo("linux");
        assertThat(web.mode()).isEqualTo(TranslationMode.FULL);
        assertThat(web.configuredPages()).isEqualTo(32768); // 128MiB overrides the template's 256MiB
        assertThat(web.processes()).isEqualTo(1);
        assertThat(web.tickSeconds()).isEqualTo(0.25);
        assertThat(web.content()).isEqualTo(new ContentSettings("linux", 0.25, 0.10));
        // working set and rate from the template, write fraction from the uniform defaults
        assertThat(web.workload()).isEqualTo(new WorkloadSettings("uniform",
                List.of(Phase.uniform(FOREVER, 16384, 1000, 0.3))));

        GuestSettings batch = guest(s, "batch");
        assertThat(batch.configuredPages()).isEqualTo(65536); // 256MiB from the template
        assertThat(batch.workload()).isEqualTo(new WorkloadSettings("phases", List.of(
                new Phase(5.0, 8192, 100000, 0.3, 1.0, 1.0),
                new Phase(FOREVER, 51200, 100000, 0.5, 1.0, 1.0))));
    }

    @Test
    void aGuestWithoutTemplateReadsItsOwnValuesAndTheGuestDefaults() throws Exception {
        GuestSettings db = guest(loadMain(List.of(), null), "db");

        assertThat(db.os()).isEqualTo("windows-xp");
        assertThat(db.mode()).isEqualTo(TranslationMode.PARA);
        assertThat(db.configuredPages()).isEqualTo(131072);
        assertThat(db.processes()).isEqualTo(4);
        assertThat(db.content()).isEqualTo(new ContentSettings("windows-xp", 0.5, 0.2)); // empty image: the os
        assertThat(db.workload()).isEqualTo(new WorkloadSettings("hot-cold",
                List.of(new Phase(FOREVER, 32768, 500000, 0.2, 0.1, 0.9))));
    }

    @Test
    void hostsListTheirGuestsInCanonicalOrderWithIndices() throws Exception {
        Scenario s = loadMain(List.of(), null);

        HostSettings a = s.hosts().get(0);
        assertThat(a.totalFrames()).isEqualTo(524288);
        assertThat(a.reservedFrames()).isEqualTo(16384); // the 64MiB default
        assertThat(a.tlbEntries()).isEqualTo(1024);
        assertThat(a.maxBatchOps()).isEqualTo(16777216);
        assertThat(a.maxMmuUpdateEntries()).isEqualTo(65536);
        assertThat(a.costs().hypercall()).isEqualTo(1000);
        assertThat(a.costs().ptWriteTrap()).isEqualTo(391);
        assertThat(a.guests()).hasSize(10);
        assertThat(a.guests().get(1)).isEqualTo(new GuestSpec(1, "web-2", TranslationMode.FULL, 32768, 1, LINUX_CPU));
        assertThat(a.guests().get(9).name()).isEqualTo("web-10");

        HostSettings b = s.hosts().get(1);
        assertThat(b.totalFrames()).isEqualTo(262144);
        assertThat(b.reservedFrames()).isEqualTo(32768);
        assertThat(b.tlbEntries()).isEqualTo(256);
        assertThat(b.guests()).containsExactly(
                new GuestSpec(0, "batch", TranslationMode.FULL, 65536, 1, LINUX_CPU),
                new GuestSpec(1, "db", TranslationMode.PARA, 131072, 4, new CpuSpec(true, true, 4096, 426, 1, 1000, 0)));

        assertThat(s.guests()).extracting(GuestSettings::name, GuestSettings::host, GuestSettings::index)
                .contains(tuple("batch", "host-b", 0), tuple("db", "host-b", 1), tuple("web-1", "host-a", 0),
                        tuple("web-10", "host-a", 9));
    }

    @Test
    void seedsDifferPerGuestAndFollowTheSeedOverride() throws Exception {
        Scenario s = loadMain(List.of(), null);
        Set<Long> seeds = s.guests().stream().map(GuestSettings::seed).collect(Collectors.toSet());
        assertThat(seeds).hasSize(12);
        assertThat(guest(s, "web-1").seed()).isEqualTo(Tokens.derive(7, "guest:web-1"));
        assertThat(s.hosts().get(0).seed()).isEqualTo(Tokens.derive(7, "host:host-a"));

        Scenario reseeded = loadMain(List.of(), 8L);
        assertThat(reseeded.seed()).isEqualTo(8);
        assertThat(guest(reseeded, "web-1").seed()).isEqualTo(Tokens.derive(8, "guest:web-1"))
                .isNotEqualTo(guest(s, "web-1").seed());
        assertThat(reseeded.hosts().get(0).seed()).isNotEqualTo(s.hosts().get(0).seed());
    }

    @Test
    void setOverridesValuesLaterOnesWinning() throws Exception {
        Scenario s = loadMain(List.of("guests.db.memory=256MiB", "scenario.duration = 20s",
                "guests.db.processes=2", "guests.db.processes=3"), null);

        assertThat(guest(s, "db").configuredPages()).isEqualTo(65536);
        assertThat(guest(s, "db").processes()).isEqualTo(3);
        assertThat(s.ticks()).isEqualTo(80);
    }

    @Test
    void renderedIsTheScenarioAsRunWithoutLibraryDefaults() throws Exception {
        Scenario s = loadMain(List.of("guests.db.memory=256MiB"), 8L);
        Config rendered = ConfigFactory.parseString(s.rendered());

        assertThat(rendered.getString("guests.db.memory")).isEqualTo("256MiB");
        assertThat(rendered.getLong("scenario.seed")).isEqualTo(8);
        assertThat(rendered.getString("hosts.host-b.reserved")).isEqualTo("128MiB"); // from the include
        assertThat(rendered.hasPath("guests.web.processes")).isFalse();
        assertThat(rendered.hasPath("ballast")).isFalse();
        assertThat(s.rendered()).doesNotContain("#");
    }

    @Test
    void libraryDefaultsFillAMinimalScenario() throws Exception {
        Scenario s = ScenarioLoader.load(write("mini.conf", "hosts { h {} }\nguests { g { host = h } }\n"), List.of(), null);

        assertThat(s.name()).isEqualTo("mini");
        assertThat(s.seed()).isEqualTo(1);
        assertThat(s.durationSeconds()).isEqualTo(60.0);
        assertThat(s.tickSeconds()).isEqualTo(0.1);
        assertThat(s.ticks()).isEqualTo(600);
        assertThat(s.sampleEveryTicks()).isEqualTo(10);
        assertThat(s.guests()).containsExactly(new GuestSettings("g", "h", 0, "linux", TranslationMode.FULL, 65536, 1,
                Tokens.derive(1, "guest:g"), 0.1, new ContentSettings("linux", 0.25, 0.10),
                new WorkloadSettings("idle", List.of(Phase.idle(FOREVER))), linuxProfile()));
        assertThat(s.hosts().get(0).totalFrames()).isEqualTo(262144);
    }

    @Test
    void embeddedScenarioLoadsFromTheClasspathWithItsIncludes() throws Exception {
        Scenario s = ScenarioLoader.loadResource("scenarios/embedded-tiny.conf", List.of(), null);

        assertThat(s.source()).isEqualTo("embedded:embedded-tiny.conf");
        assertThat(s.name()).isEqualTo("embedded-tiny");
        assertThat(s.guests()).extracting(GuestSettings::name).containsExactly("idle-1", "idle-2");
        assertThat(s.hosts().get(0).totalFrames()).isEqualTo(131072);
    }

    // ---------------------------------------------------------------- problems

    @Test
    void everyProblemOfAFileIsReportedAtOnceWithItsLine() throws Exception {
        String text = """
                scenario {
                  tick = 0s
                }
                hosts {
                  host-a { memory = 1GiB }
                }
                gusets {
                }
                guests {
                  web {
                    memroy = 256MiB
                    host = host-a
                  }
                  db {
                    memory = -64MiB
                    host = host-a
                  }
                  app {
                    mode = hybrid
                    host = host-a
                  }
                  lost {
                    host = host-b
                  }
                }
                """;
        Path file = write("bad.conf", text);
        String f = file.toString();

        assertThat(problems(file)).containsExactly(
                new Problem(f, 2, "scenario.tick", "must be greater than 0, got 0s"),
                new Problem(f, 7, "gusets", "unknown key gusets (did you mean guests?)"),
                new Problem(f, 11, "guests.web.memroy", "unknown key memroy (did you mean memory?)"),
                new Problem(f, 15, "guests.db.memory", "must be greater than 0, got -64MiB"),
                new Problem(f, 19, "guests.app.mode", "unknown mode hybrid; allowed: full, para, nested"),
                new Problem(f, 23, "guests.lost.host", "no host named host-b (did you mean host-a?); hosts: host-a"));
    }

    @Test
    void theTimeModelsKeysAreCheckedAndReachTheHostsSettings() throws Exception {
        String good = """
                scenario { name = t, duration = 1s, tick = 100ms }
                hosts {
                  a { memory = 1GiB, cpu { cores = 8, ghz = 3.5 }, devices { swap = nvme, disk { latency = 2ms, bandwidth = 100MB }, swap-on-disk-device = false } }
                }
                guests { g { host = a, memory = 64MiB, vcpus = 4, cpu-shares = high, cycles-per-access = 500 } }
                """;
        Scenario s = ScenarioLoader.load(write("time.conf", good), List.of(), null);
        ballast.host.time.TimeSettings t = s.hosts().get(0).time();
        assertThat(t.cores()).isEqualTo(8);
        assertThat(t.ghz()).isEqualTo(3.5);
        assertThat(t.swap().name()).isEqualTo("nvme");
        assertThat(t.disk().latencySeconds()).isEqualTo(0.002);
        assertThat(t.disk().bandwidthBytesPerSecond()).isEqualTo(100e6);
        assertThat(t.sharedDevice()).isFalse();
        assertThat(t.tickSeconds()).isEqualTo(0.1);
        CpuSpec cpu = s.hosts().get(0).guests().get(0).cpu();
        assertThat(cpu.vcpus()).isEqualTo(4);
        assertThat(cpu.cpuShares()).isEqualTo(4 * 2000);
        assertThat(cpu.cyclesPerAccess()).isEqualTo(500);

        String bad = """
                scenario { name = t, duration = 1s, tick = 1s }
                hosts {
                  a { memory = 1GiB, cpu { cores = 16384, ghz = 100 } }
                  b { memory = 1GiB, devices { swap = floppy, disk { latency = 2ms } } }
                  c { memory = 1GiB, cpu { ghz = 0 }, devices { disk { latency = -1ms, bandwidth = 0 } } }
                }
                guests { g { host = a, memory = 64MiB, vcpus = 0 }, h { host = b, memory = 64MiB, vcpus = 4, cpu-shares = 2 } }
                """;
        Path f = write("time-bad.conf", bad);
        assertThat(problems(f)).extracting(Problem::line, Problem::path).containsExactlyInAnyOrder(
                tuple(3, "hosts.a.cpu.cores"),
                tuple(4, "hosts.b.devices.swap"),
                tuple(4, "hosts.b.devices.disk.bandwidth"),
                tuple(5, "hosts.c.cpu.ghz"),
                tuple(5, "hosts.c.devices.disk.latency"),
                tuple(5, "hosts.c.devices.disk.bandwidth"),
                tuple(7, "guests.g.vcpus"),
                tuple(7, "guests.h.cpu-shares"));
    }

    @Test
    void theOffloadKeysAreCheckedAndReachTheHostsSettings() throws Exception {
        String good = """
                scenario { name = t, duration = 1s, tick = 100ms }
                hosts {
                  a { memory = 1GiB, reclaim = on, offload { enabled = on, cold-after = 60s, target-pressure = 2%, max-step = 0.05 } }
                  b { memory = 1GiB }
                }
                guests { g { host = a, memory = 64MiB }, h { host = b, memory = 64MiB } }
                """;
        Scenario s = ScenarioLoader.load(write("offload.conf", good), List.of(), null);
        ballast.host.offload.OffloadSettings a = s.hosts().get(0).offload();
        assertThat(a.enabled()).isTrue();
        assertThat(a.coldAfterSeconds()).isEqualTo(60);
        assertThat(a.targetPressure()).isEqualTo(0.02);
        assertThat(a.maxStep()).isEqualTo(0.05);
        assertThat(a.aggregationTicks()).isEqualTo(20);
        assertThat(a.maxRegions()).isEqualTo(1000);
        assertThat(a.tickSeconds()).isEqualTo(0.1);
        assertThat(s.hosts().get(1).offload().enabled()).as("off by default").isFalse();

        String bad = """
                scenario { name = t, duration = 1s, tick = 100ms }
                hosts {
                  a { memory = 1GiB, reclaim = on, offload { enabled = on, cold-after = 0s, target-pressure = 100% } }
                  b { memory = 1GiB, reclaim = on, offload { min-regions = 20, max-regions = 10, max-step = 0 } }
                  c { memory = 1GiB, reclaim = on, offload { enabled = on, colde-after = 1s } }
                  d { memory = 1GiB, offload { enabled = on } }
                }
                guests { g { host = a, memory = 64MiB } }
                """;
        Path f = write("offload-bad.conf", bad);
        assertThat(problems(f)).extracting(Problem::line, Problem::path, Problem::message).containsExactlyInAnyOrder(
                tuple(3, "hosts.a.offload.cold-after", "must be greater than 0, got 0s"),
                tuple(3, "hosts.a.offload.target-pressure", "must be at least 0 and less than 1, got 100%"),
                tuple(4, "hosts.b.offload.max-regions", "must be at least min-regions (20), got 10"),
                tuple(4, "hosts.b.offload.max-step", "must be greater than 0, got 0"),
                tuple(5, "hosts.c.offload.colde-after", "unknown key colde-after (did you mean cold-after?)"),
                tuple(6, "hosts.d.offload.enabled", "needs reclaim = on: offloaded pages go to the host's swap,"
                        + " which a host that does not reclaim does not have"));
    }

    @Test
    void unknownKeysAreReportedAtEveryLevel() throws Exception {
        String text = """
                scenario { sed = 3 }
                costs { hypercal = 5 }
                hosts { h { memroy = 1GiB } }
                guest-templates { t { count = 2 } }
                guests {
                  g {
                    host = h
                    content { zero = 0.1 }
                    workload { type = uniform, hot-fraction = 0.5 }
                  }
                  p { host = h, workload { type = phases, phases = [ { duraton = 1s } ] } }
                }
                """;
        Path file = write("keys.conf", text);

        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(1, "scenario.sed", "unknown key sed (did you mean seed?)"),
                tuple(2, "costs.hypercal", "unknown key hypercal (did you mean hypercall?)"),
                tuple(3, "hosts.h.memroy", "unknown key memroy (did you mean memory?)"),
                tuple(4, "guest-templates.t.count", "unknown key count; known keys: balloon, binary-translation, content,"
                        + " cpu-shares, cycles-per-access, free-on-shrink, free-page-reporting, host, hotplug, image,"
                        + " large-pages, memory, min, mode, nested-paging, os, os-profile, page-reporting, processes, seed, shares, start,"
                        + " translation-cache-blocks, vcpus, workload"),
                tuple(8, "guests.g.content.zero", "unknown key zero; known keys: duplicate-fraction, image,"
                        + " image-fraction, zero-fraction"),
                tuple(9, "guests.g.workload.hot-fraction", "unknown key hot-fraction; known keys: accesses-per-second,"
                        + " type, working-set, write-fraction"),
                tuple(11, "guests.p.workload.phases[0].duraton", "unknown key duraton (did you mean duration?)"));
    }

    @Test
    void missingFileIsAProblem() {
        Path file = dir.resolve("nope.conf");

        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 0, "", "no such file"));
    }

    @Test
    void syntaxErrorIsAProblemAtItsLine() throws Exception {
        Path file = write("syntax.conf", "hosts {\n  h { memory = 1GiB }\n  oops = = 3\n}\n");

        List<Problem> problems = problems(file);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).file()).isEqualTo(file.toString());
        assertThat(problems.get(0).line()).isEqualTo(3);
        assertThat(problems.get(0).message()).startsWith("syntax error: ");
    }

    @Test
    void fileThatIsNotUtf8IsAProblemAtTheLineOfTheBadByte() throws Exception {
        Path file = dir.resolve("latin1.conf");
        Files.write(file, "hosts { h {} }\nguests {\n  caf\u00e9 { host = h }\n}\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(problems(file)).containsExactly(
                new Problem(file.toString(), 3, "", "not UTF-8 text (byte 0xE9); save the scenario as UTF-8"));
    }

    @Test
    void workingSetLargerThanTheGuestsMemoryNamesBothSizes() throws Exception {
        String text = """
                hosts { h { memory = 4GiB } }
                guest-templates {
                  big { workload { type = uniform, working-set = 200MiB } }
                }
                guests {
                  db {
                    host = h
                    memory = 128MiB
                    workload { type = uniform, working-set = 512MiB }
                  }
                  small { template = big, host = h, memory = 100MiB }
                }
                """;
        Path file = write("ws.conf", text);
        String f = file.toString();

        assertThat(problems(file)).containsExactly(
                new Problem(f, 9, "guests.db.workload.working-set",
                        "working set 512MiB is larger than the memory of guest db (128MiB)"),
                // the working set comes from the template: the problem is the guest's
                new Problem(f, 11, "guests.small.workload.working-set",
                        "working set 200MiB is larger than the memory of guest small (100MiB)"));
    }

    @Test
    void admissionControlNamesTheFirstGuestThatDoesNotFit() throws Exception {
        String text = """
                hosts { h { memory = 1GiB, reserved = 64MiB } }
                guests {
                  web { count = 3, host = h, memory = 256MiB }
                  db { host = h, memory = 256MiB }
                }
                """;
        Path file = write("full.conf", text);

        // canonical order db, web-1, web-2, web-3: 960MiB left, web-3 would need 1GiB
        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 3, "guests.web.host",
                "guest web-3 (256MiB) does not fit on host h: 960MiB is left for guests"
                        + " (memory 1GiB - reserved 64MiB) and the guests before it take 768MiB (the host does not"
                        + " reclaim: every guest's whole memory counts; reclaim = on counts only min + overhead)"));
    }

    @Test
    void malformedSetsAreProblemsOfTheCommandLine() throws Exception {
        List<Problem> problems = problems(writeMain(), List.of("guests.db.memory", "guests.db.memory=[", "scenario.seed=3"));

        assertThat(problems).extracting(Problem::file, Problem::line, Problem::path)
                .containsExactly(tuple("--set", 0, ""), tuple("--set", 0, "guests.db.memory"));
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).startsWith("malformed --set "));
    }

    @Test
    void aBadValueGivenWithSetIsLocatedOnTheCommandLine() throws Exception {
        assertThat(problems(writeMain(), List.of("guests.db.processes=0"))).containsExactly(
                new Problem("--set", 0, "guests.db.processes", "must be between 1 and 1024, got 0"));
    }

    @Test
    void aGuestWithoutAHostThatFitsNowhereIsReportedAtTheGuestEvenWhenASetChangedIt() throws Exception {
        Path file = write("nohost.conf", "hosts { h { memory = 256MiB } }\nguests {\n  db {\n    memory = 512MiB\n  }\n}\n");

        assertThat(problems(file, List.of("guests.db.processes=2"))).containsExactly(
                new Problem(file.toString(), 3, "guests.db.host",
                        "guest db (512MiB) fits on no host (placement first-fit); give it a host or more memory"));
    }

    @Test
    void aGuestWithoutAHostIsPlacedByThePolicy() throws Exception {
        Path file = write("placed.conf", "hosts { a { memory = 256MiB }, b { memory = 512MiB } }\n"
                + "placement.policy = spread\nguests {\n  db { memory = 128MiB }\n  web { host = a, memory = 64MiB }\n}\n");
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        assertThat(s.guests()).extracting(g -> g.name() + "@" + g.host()).containsExactly("db@b", "web@a");
        Scenario firstFit = ScenarioLoader.load(file, List.of("placement.policy=first-fit"), null);
        assertThat(firstFit.guests()).extracting(g -> g.name() + "@" + g.host()).containsExactly("db@a", "web@a");
    }

    @Test
    void expandedNamesUsedTwiceAreAProblem() throws Exception {
        String text = """
                hosts { h { memory = 4GiB } }
                guests {
                  web { count = 2, host = h, memory = 64MiB }
                  web-2 { host = h, memory = 64MiB }
                }
                """;
        Path file = write("dup.conf", text);

        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 4, "guests.web-2",
                "guest name web-2 is used twice: by guests.web (count = 2) and by guests.web-2"));
    }

    @Test
    void tlbEntriesMustBeAPowerOfTwo() throws Exception {
        Path file = write("tlb.conf", "hosts {\n  h { tlb-entries = 1000 }\n}\nguests { g { host = h } }\n");

        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 2, "hosts.h.tlb-entries",
                "must be a power of two (such as 512, 1024 or 2048), got 1000"));
    }

    @Test
    void imageAndZeroFractionsMayNotExceedOne() throws Exception {
        String text = """
                hosts { h {} }
                guests {
                  g {
                    host = h
                    content { image-fraction = 0.8, zero-fraction = 0.3 }
                  }
                }
                """;
        Path file = write("content.conf", text);

        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 5, "guests.g.content",
                "image-fraction 0.8 + zero-fraction 0.3 is more than 1: at most every page can be an image or a zero page"));
    }

    @Test
    void valuesAreCheckedForTypeAndRange() throws Exception {
        String text = """
                scenario { mode = lockstep, duration = 50ms, sample-every = soon }
                hosts { h { memory = lots, reserved = 2GiB } }
                guests {
                  a { host = h, count = 0, processes = 2000 }
                  b { host = h, memory = 1KiB, workload { type = hot-cold, hot-fraction = 1.5 } }
                  c { host = h, workload { type = phases, phases = [ { duration = 0s } ] } }
                  d { host = h, workload { type = sleepy } }
                }
                """;
        Path file = write("types.conf", text);

        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(1, "scenario.duration", "must be at least one tick (100ms), got 50ms"),
                tuple(1, "scenario.mode", "unknown mode lockstep; allowed: deterministic, free-running"),
                tuple(1, "scenario.sample-every", "expected a duration such as 100ms, got soon"),
                tuple(2, "hosts.h.memory", "expected a memory size such as 256MiB, got lots"),
                tuple(4, "guests.a.count", "must be between 1 and 100000, got 0"),
                tuple(4, "guests.a.processes", "must be between 1 and 1024, got 2000"),
                tuple(5, "guests.b.memory", "must be at least one 4KiB page, got 1KiB"),
                tuple(5, "guests.b.workload.hot-fraction", "must be between 0 and 1, got 1.5"),
                tuple(6, "guests.c.workload.phases[0].duration", "must be greater than 0, got 0s"),
                tuple(7, "guests.d.workload.type",
                        "unknown workload type sleepy; allowed: uniform, hot-cold, phases, idle, trace"));
    }

    @Test
    void reservedMustBeLessThanMemoryAndListsMustNotBeEmpty() throws Exception {
        String text = """
                hosts {
                  h { memory = 1GiB, reserved = 1GiB }
                }
                guests {
                  g { host = h, workload { type = phases } }
                }
                """;
        Path file = write("reserved.conf", text);

        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(2, "hosts.h.reserved", "must be less than the host's memory (1GiB), got 1GiB"),
                tuple(5, "guests.g.workload.phases", "a phases workload needs at least one phase,"
                        + " such as phases = [ { duration = 10s, working-set = 64MiB } ]"));
    }

    @Test
    void emptyHostsAndGuestsAndUnknownTemplatesAreProblems() throws Exception {
        Path file = write("empty.conf", "hosts {\n}\nguests {\n}\n");
        assertThat(problems(file)).extracting(Problem::line, Problem::path).containsExactly(
                tuple(1, "hosts"), tuple(3, "guests"));

        Path missing = write("missing.conf", "guest-templates { small {} }\nguests {\n  g { template = smal }\n}\n");
        assertThat(problems(missing)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(1, "hosts", "missing: a scenario needs at least one host, e.g. hosts { host-a { memory = 1GiB } }"),
                tuple(3, "guests.g.template", "no template named smal (did you mean small?); templates: small"));
    }

    @Test
    void problemsInAnIncludedFileNameThatFile() throws Exception {
        Path part = write("part.conf", "hosts {\n  h { tlb-entrys = 8 }\n}\n");
        Path file = write("whole.conf", "include \"part.conf\"\nguests { g { host = h } }\n");

        assertThat(problems(file)).containsExactly(new Problem(part.toString(), 2, "hosts.h.tlb-entrys",
                "unknown key tlb-entrys (did you mean tlb-entries?)"));
    }

    @Test
    void aRequiredIncludeThatIsMissingIsAProblemAtTheLineThatIncludesIt() throws Exception {
        Path file = write("req.conf", "include required(\"absent.conf\")\nhosts { h {} }\nguests { g { host = h } }\n");

        List<Problem> problems = problems(file);
        assertThat(problems).extracting(Problem::file, Problem::line, Problem::path)
                .containsExactly(tuple(file.toString(), 1, ""));
        assertThat(problems.get(0).message()).isEqualTo("cannot read a required include: absent.conf: no such file next"
                + " to the scenario");

        Path byFile = write("req2.conf", "hosts { h {} }\ninclude required(file(\"gone.conf\"))\nguests { g { host = h } }\n");
        problems = problems(byFile);
        assertThat(problems).extracting(Problem::file, Problem::line, Problem::path)
                .containsExactly(tuple(byFile.toString(), 2, ""));
        assertThat(problems.get(0).message()).startsWith("cannot read a required include: gone.conf")
                .doesNotContain("classpath");
    }

    @Test
    void problemsOfAnEmbeddedScenarioNameTheResource() {
        assertThat(resourceProblems("scenarios/embedded-typo.conf")).containsExactly(new Problem(
                "embedded:embedded-typo.conf", 6, "guests.g.procesess", "unknown key procesess (did you mean processes?)"));
        assertThat(resourceProblems("scenarios/nope.conf")).containsExactly(
                new Problem("embedded:nope.conf", 0, "", "no such embedded scenario: scenarios/nope.conf"));
    }

    @Test
    void problemPrintsAsFileLinePathMessage() throws Exception {
        assertThat(new Problem("a.conf", 3, "guests.db.memory", "must be greater than 0, got 0"))
                .hasToString("a.conf:3: guests.db.memory: must be greater than 0, got 0");
        assertThat(new Problem("a.conf", 0, "", "no such file")).hasToString("a.conf:0: no such file");

        Path file = dir.resolve("gone.conf");
        try {
            ScenarioLoader.load(file, List.of(), null);
            fail("expected a ScenarioException");
        } catch (ScenarioException e) {
            assertThat(e.getMessage()).isEqualTo(file + ":0: no such file");
        }
    }

    /** Odd shapes: each is reported as problems, never as another exception. */
    @ParameterizedTest
    @ValueSource(strings = {
        "hosts = 5\nguests = []",
        "hosts { h = 1 }\nguests { g = null }",
        "hosts { h {} }\nguests { g { host = h, workload = [] } }",
        "hosts { h {} }\nguests { g { host = h, workload { type = phases, phases = 3 } } }",
        "hosts { h {} }\nguests { g { host = h, workload { type = phases, phases = [1, { duration = -1s }] } } }",
        "hosts { h {} }\nguests { g { host = h, workload { working-set = 1MiB } } }",
        "hosts { h {} }\nguests { g { host = h, content = 0.5 } }",
        "hosts { h { memory = 100b } }\nguests { g { host = h, memory = 100PiB, count = 2.5 } }",
        "scenario = 5\nhosts { h {} }\nguests { g { host = h } }",
        "x = ${missing}\nhosts { h {} }\nguests { g { host = h } }",
        "hosts { h {} }\nguests { g { host = ${hosts} } }",
        "hosts { \"a b\" {} }\nguests { g { host = \"a b\" } }",
        "costs { hypercall = many, vm-exit = -1 }\nhosts { h {} }\nguests { g { host = h } }",
        "hosts { h {} }\nguests { g { host = h, template = t } }\nguest-templates { t = 5 }",
        "hosts { h {} }\nguests { g { host = h, seed = NaN, processes = 1e400 } }",
        "scenario { tick = 1d, duration = 1s, seed = 1.5 }\nhosts { h {} }\nguests { g { host = h } }",
        "os-profiles = 5\nhosts { h {} }\nguests { g { host = h } }",
        "os-profiles { linux = 3 }\nhosts { h {} }\nguests { g { host = h } }",
        "os-profiles { linux { sensitive-blocks = [] } }\nhosts { h {} }\nguests { g { host = h } }",
        "hosts { h {} }\nguests { g { host = h, os = null, os-profile { block-skew = NaN } } }",
        "hosts { h {} }\nguests { g { host = h, mode = nested, nested-paging = [], seed = 1e30 } }",
        "",
    })
    void oddShapesAreProblemsNotCrashes(String text) throws Exception {
        Path file = write("odd.conf", text);

        List<Problem> problems = problems(file, List.of(), 5L);
        assertThat(problems).isNotEmpty().allSatisfy(p -> {
            assertThat(p.file()).isEqualTo(file.toString());
            assertThat(p.message()).isNotBlank();
        });
    }

    // ---------------------------------------------------------------- OS profiles and CPU settings

    @Test
    void osProfilesChangeOrAddToTheLibrarysAndGuestsOverrideParts() throws Exception {
        String text = """
                os-profiles {
                  linux { syscalls = 100 }
                  plan9 { work-cycles = 5000, syscalls = 5, sensitive-executions = 2, sensitive-blocks { popf = 3, smsw = 1 } }
                }
                hosts { h { memory = 4GiB } }
                guest-templates {
                  chatty { os = linux, os-profile { interrupt-masks = 400 } }
                }
                guests {
                  a { host = h }
                  b { host = h, os-profile { pt-writes = 7, sensitive-blocks { sgdt = 10 } } }
                  c { host = h, os = plan9 }
                  d { host = h, template = chatty, os-profile { io-accesses = 3 } }
                  e { host = h, os = windows-xp }
                }
                """;
        Scenario s = ScenarioLoader.load(write("profiles.conf", text), List.of(), null);

        OsProfile linux = linuxProfile();
        OsProfile a = guest(s, "a").osProfile();
        assertThat(a.rate(KernelEvent.SYSCALL)).isEqualTo(100); // the scenario changed the library's linux
        assertThat(a.rate(KernelEvent.PT_WRITE)).isEqualTo(linux.rate(KernelEvent.PT_WRITE));
        assertThat(a.workCycles()).isEqualTo(linux.workCycles());
        assertThat(a.totalBlocks()).isEqualTo(301);

        OsProfile b = guest(s, "b").osProfile();
        assertThat(b.rate(KernelEvent.PT_WRITE)).isEqualTo(7);
        assertThat(b.rate(KernelEvent.SYSCALL)).isEqualTo(100);
        assertThat(b.blocks(SensitiveInstruction.SGDT)).isEqualTo(10);
        assertThat(b.blocks(SensitiveInstruction.POPF)).isEqualTo(linux.blocks(SensitiveInstruction.POPF));
        assertThat(b.totalBlocks()).isEqualTo(301 - 2 + 10);
        assertThat(spec(s, "b").cpu().sensitiveBlocks()).isEqualTo(309);

        OsProfile c = guest(s, "c").osProfile(); // a new OS: what it says, the neutral defaults for the rest
        assertThat(c.workCycles()).isEqualTo(5000);
        assertThat(c.rate(KernelEvent.SYSCALL)).isEqualTo(5);
        assertThat(c.rate(KernelEvent.PT_WRITE)).isZero();
        assertThat(c.totalBlocks()).isEqualTo(4);
        assertThat(c.blockSkew()).isEqualTo(1.0);
        assertThat(c.paravirtPortLines()).isZero();

        OsProfile d = guest(s, "d").osProfile(); // the guest's override on its template's on the profile
        assertThat(d.rate(KernelEvent.IO_ACCESS)).isEqualTo(3);
        assertThat(d.rate(KernelEvent.INTERRUPT_MASK)).isEqualTo(400);
        assertThat(d.rate(KernelEvent.SYSCALL)).isEqualTo(100);

        OsProfile e = guest(s, "e").osProfile();
        assertThat(e.paravirtPortLines()).isEqualTo(4620);
        assertThat(e.totalBlocks()).isEqualTo(426);
    }

    @Test
    void cpuSwitchesAndTheTranslationCacheReachTheHypervisor() throws Exception {
        String text = """
                hosts { h { memory = 4GiB } }
                guests {
                  bt { host = h }
                  te { host = h, binary-translation = off, translation-cache-blocks = 64 }
                  ept { host = h, mode = nested }
                  vt { host = h, mode = nested, nested-paging = off }
                  pv { host = h, mode = para, nested-paging = on, binary-translation = on }
                }
                """;
        Scenario s = ScenarioLoader.load(write("cpu.conf", text), List.of(), null);

        assertThat(spec(s, "bt").technique()).isEqualTo(Technique.BINARY_TRANSLATION);
        assertThat(spec(s, "bt").cpu()).isEqualTo(LINUX_CPU);
        assertThat(spec(s, "te").technique()).isEqualTo(Technique.TRAP_AND_EMULATE);
        assertThat(spec(s, "te").cpu().translationCacheBlocks()).isEqualTo(64);
        assertThat(spec(s, "ept").technique()).isEqualTo(Technique.HARDWARE_NESTED_PAGING);
        assertThat(spec(s, "vt").technique()).isEqualTo(Technique.HARDWARE_SHADOW_PAGING);
        assertThat(spec(s, "pv").technique()).isEqualTo(Technique.PARAVIRTUAL);
    }

    @Test
    void guestsGivenTheSameSeedShareOneThatStillFollowsTheRunSeed() throws Exception {
        String text = """
                hosts { h { memory = 4GiB } }
                guest-templates { twin { seed = 1 } }
                guests {
                  a { host = h, template = twin }
                  b { host = h, template = twin, mode = para }
                  c { host = h, seed = 2 }
                  d { host = h }
                }
                """;
        Path file = write("seeds.conf", text);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        assertThat(guest(s, "a").seed()).isEqualTo(guest(s, "b").seed()).isEqualTo(Tokens.derive(1, "guest-seed:1"));
        assertThat(guest(s, "c").seed()).isNotEqualTo(guest(s, "a").seed());
        assertThat(guest(s, "d").seed()).isEqualTo(Tokens.derive(1, "guest:d"));

        Scenario reseeded = ScenarioLoader.load(file, List.of(), 9L);
        assertThat(guest(reseeded, "a").seed()).isEqualTo(guest(reseeded, "b").seed())
                .isNotEqualTo(guest(s, "a").seed());
    }

    @Test
    void osProfileAndCpuProblemsAreLocated() throws Exception {
        String text = """
                os-profiles {
                  linux { syscals = 3, sensitive-blocks { cpuid = 2 } }
                  bad { syscalls = -1, block-skew = 0.5, work-cycles = 1.5 }
                  "x y" { sensitive-executions = 4 }
                }
                hosts { h { memory = 8GiB } }
                guests {
                  a { host = h, os = linxu }
                  b { host = h, os-profile { pt-writes = many, context-switch = 1 } }
                  c { host = h, binary-translation = maybe, translation-cache-blocks = 0, seed = abc }
                  d { host = h, mode = para, binary-translation = off }
                  e { host = h, mode = full, nested-paging = off }
                  f { host = h, os-profile = 5 }
                }
                """;
        Path file = write("cpubad.conf", text);

        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(2, "os-profiles.linux.sensitive-blocks.cpuid", "unknown key cpuid; known keys: lar, lsl, mov-sreg,"
                        + " popf, pushf, sgdt, sidt, sldt, smsw, str, verr, verw"),
                tuple(2, "os-profiles.linux.syscals", "unknown key syscals (did you mean syscalls?)"),
                tuple(3, "os-profiles.bad.block-skew", "must be between 1 and 16, got 0.5"),
                tuple(3, "os-profiles.bad.syscalls", "must be between 0 and 1000000, got -1"),
                tuple(3, "os-profiles.bad.work-cycles", "expected an integer, got 1.5"),
                tuple(4, "os-profiles.\"x y\"", "an OS profile name may hold only letters, digits, '-', '_' and '.',"
                        + " and starts with a letter or a digit"),
                tuple(4, "os-profiles.\"x y\".sensitive-executions", "sensitive-executions 4 needs at least one block"
                        + " in sensitive-blocks, such as sensitive-blocks { popf = 10 }"),
                tuple(8, "guests.a.os", "no OS profile named linxu (did you mean linux?); OS profiles: bad, linux,"
                        + " windows-xp, x y"),
                tuple(9, "guests.b.os-profile.context-switch", "unknown key context-switch (did you mean context-switches?)"),
                tuple(9, "guests.b.os-profile.pt-writes", "expected a number, got many"),
                tuple(10, "guests.c.binary-translation", "expected on or off (true or false), got maybe"),
                tuple(10, "guests.c.seed", "expected an integer, got abc"),
                tuple(10, "guests.c.translation-cache-blocks", "must be between 1 and 1048576, got 0"),
                tuple(11, "guests.d.binary-translation", "binary-translation = off applies to full guests only;"
                        + " guest d is para"),
                tuple(12, "guests.e.nested-paging", "nested-paging = off applies to nested guests only; guest e is full"),
                tuple(13, "guests.f.os-profile", "expected an object { ... }, got 5"));
    }

    // ---------------------------------------------------------------- helpers

    private Path writeMain() throws IOException {
        write("hosts.conf", HOSTS);
        return write("main.conf", MAIN);
    }

    private Scenario loadMain(List<String> sets, Long seed) throws Exception {
        return ScenarioLoader.load(writeMain(), sets, seed);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static OsProfile linuxProfile() {
        Config defaults = ConfigFactory.defaultReference().getConfig("ballast");
        return OsProfile.fromConfig(defaults.getConfig("os-profiles.linux").withFallback(defaults.getConfig("os-profile")));
    }

    private static GuestSpec spec(Scenario s, String name) {
        return s.hosts().stream().flatMap(h -> h.guests().stream()).filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow();
    }

    private static GuestSettings guest(Scenario s, String name) {
        return s.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<Problem> problems(Path file) {
        return problems(file, List.of());
    }

    private static List<Problem> problems(Path file, List<String> sets) {
        return problems(file, sets, null);
    }

    private static List<Problem> problems(Path file, List<String> sets, Long seed) {
        try {
            Scenario s = ScenarioLoader.load(file, sets, seed);
            throw new AssertionError("expected problems, but it loaded: " + s.name());
        } catch (ScenarioException e) {
            return e.problems();
        }
    }

    private static List<Problem> resourceProblems(String name) {
        try {
            ScenarioLoader.loadResource(name, List.of(), null);
            throw new AssertionError("expected problems, but " + name + " loaded");
        } catch (ScenarioException e) {
            return e.problems();
        }
    }
}
