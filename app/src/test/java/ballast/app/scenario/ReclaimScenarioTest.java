package ballast.app.scenario;

import ballast.scheduler.scenario.TimedEvent;
import ballast.scheduler.scenario.Scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.host.GuestAllocation;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.host.reclaim.ReclaimSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reclamation keys of hosts and guests: read into ReclaimSettings, GuestAllocation and
 * GuestMemorySettings; every bad value located; and admission control.
 */
class ReclaimScenarioTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- good values

    @Test
    void everyKeyReachesTheHypervisorAndTheGuest() throws Exception {
        Scenario s = load("""
                scenario { tick = 100ms, duration = 10s }
                hosts {
                  h {
                    memory = 1GiB, reserved = 64MiB, reclaim = on
                    policy { name = working-set, tau = 50%, headroom = 0.1, balance-period = 5s, sample-period = 20s, samples = 50 }
                    free-states { high = 8%, soft = 0.05, hard = 3%, low = 1.5%, hysteresis = 1% }
                    swap = 2GiB, swap-in-cost = 1000, swap-rate = 8MiB, guest-overhead = 32MiB
                  }
                }
                guests {
                  a { host = h, memory = 256MiB, min = 64MiB, shares = high,
                      balloon { enabled = off, pages-per-tick = 128, backoff = 250ms, max = 50% } }
                  b { host = h, memory = 128MiB, shares = 700, balloon { max = 32MiB } }
                  c { host = h, memory = 128MiB, shares = low, start = 5s }
                }
                """);
        ReclaimSettings r = s.hosts().get(0).reclaim();
        assertThat(r).isEqualTo(new ReclaimSettings(true, "working-set", 0.5, 0.1, 5, 20, 50, 0.08, 0.05, 0.03, 0.015,
                0.01, 2L * 262_144, 1000, 2048, 32 * 256, 0.1));
        assertThat(spec(s, "a").allocation()).isEqualTo(new GuestAllocation(64 * 256, 20 * 256, 128 * 256));
        assertThat(spec(s, "b").allocation()).isEqualTo(new GuestAllocation(0, 700, 32 * 256));
        assertThat(spec(s, "c").allocation()).isEqualTo(new GuestAllocation(0, 5 * 128, (int) (0.65 * 128 * 256)));
        assertThat(guest(s, "a").memory()).isEqualTo(new GuestMemorySettings(false, 128, 3, 128 * 256, 20));
        assertThat(guest(s, "b").memory()).isEqualTo(new GuestMemorySettings(true, 256, 10, 32 * 256, 20));
        assertThat(s.events()).extracting(TimedEvent::tick, TimedEvent::what).containsExactly(tuple(50L, "start c"));
        assertThat(s.startingLater()).containsExactly("c");
    }

    @Test
    void defaultsAreEsxsAndAHostDoesNotReclaimUnlessAsked() throws Exception {
        Scenario s = load("""
                hosts { h { memory = 1GiB } }
                guests { g { host = h, memory = 256MiB } }
                """);
        ReclaimSettings r = s.hosts().get(0).reclaim();
        assertThat(r.enabled()).isFalse();
        assertThat(r.policy()).isEqualTo("idle-tax");
        assertThat(r.tau()).isEqualTo(0.75);
        assertThat(r.headroom()).isEqualTo(0.25);
        assertThat(r.balancePeriodSeconds()).isEqualTo(15);
        assertThat(r.samplePeriodSeconds()).isEqualTo(30);
        assertThat(r.samplesPerPeriod()).isEqualTo(100);
        assertThat(List.of(r.highFraction(), r.softFraction(), r.hardFraction(), r.lowFraction(), r.hysteresisFraction()))
                .containsExactly(0.06, 0.04, 0.02, 0.01, 0.005);
        assertThat(r.swapInCycles()).isEqualTo(21_450_000);
        assertThat(r.swapOutPagesPerSecond()).isEqualTo(4096);
        // A host that does not reclaim has no swap and reserves no overhead.
        assertThat(r.swapPages()).isZero();
        assertThat(r.overheadPages()).isZero();
        assertThat(spec(s, "g").allocation()).isEqualTo(GuestAllocation.defaults(65536));
        assertThat(guest(s, "g").memory()).isEqualTo(new GuestMemorySettings(true, 256, 10, (int) (0.65 * 65536), 30));
        assertThat(s.events()).isEmpty();
    }

    @Test
    void autoSwapIsEveryGuestsMaxMinusMinAndTheOverheadIsReserved() throws Exception {
        Scenario s = load("""
                hosts { h { memory = 1GiB, reclaim = on, swap-rate = 1000 } }
                guests {
                  a { host = h, memory = 512MiB, min = 128MiB }
                  b { host = h, memory = 256MiB }
                }
                """);
        ReclaimSettings r = s.hosts().get(0).reclaim();
        assertThat(r.swapPages()).isEqualTo((384 + 256) * 256L);
        assertThat(r.overheadPages()).isEqualTo(16 * 256);
        assertThat(r.swapOutPagesPerSecond()).isEqualTo(1000);
    }

    @Test
    void aTemplateGivesAllocationKeysToItsGuests() throws Exception {
        Scenario s = load("""
                hosts { h { memory = 2GiB, reclaim = on } }
                guest-templates { t { memory = 128MiB, min = 32MiB, shares = 1000, balloon { max = 10% } } }
                guests { g { template = t, count = 2, host = h } }
                """);
        assertThat(spec(s, "g-2").allocation()).isEqualTo(new GuestAllocation(32 * 256, 1000, (int) (0.1 * 128 * 256)));
    }

    // ---------------------------------------------------------------- bad values, located

    @Test
    void everyBadHostValueIsLocated() throws Exception {
        Path file = write("bad-host.conf", """
                hosts {
                  h {
                    reclaim = maybe
                    policy { name = idle-taxx, tau = 1, headroom = -5%, balance-period = 0s, samples = 0, period = 3 }
                    free-states { high = 3%, soft = 4%, hard = 150%, low = often }
                    swap = plenty, swap-in-cost = -1, swap-rate = fast, guest-overhead = -1MiB
                  }
                }
                guests { g { host = h } }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(3, "hosts.h.reclaim", "expected on or off (true or false), got maybe"),
                tuple(4, "hosts.h.policy.balance-period", "must be greater than 0, got 0s"),
                tuple(4, "hosts.h.policy.headroom", "must be between 0 and 10 (1000%), got -5%"),
                tuple(4, "hosts.h.policy.name", "unknown allocation policy idle-taxx (did you mean idle-tax?); allowed:"
                        + " none, shares, working-set, idle-tax"),
                tuple(4, "hosts.h.policy.period", "unknown key period; known keys: balance-period, headroom, name,"
                        + " sample-period, samples, tau"),
                tuple(4, "hosts.h.policy.samples", "must be between 1 and 1048576, got 0"),
                tuple(4, "hosts.h.policy.tau", "must be at least 0 and less than 1, got 1"),
                tuple(5, "hosts.h.free-states.hard", "must be at least 0 and less than 1, got 150%"),
                tuple(5, "hosts.h.free-states.low", "expected a fraction such as 0.06 or a percentage such as 6%, got often"),
                tuple(6, "hosts.h.guest-overhead", "must not be negative, got -1MiB"),
                tuple(6, "hosts.h.swap", "expected a memory size such as 256MiB, got plenty"),
                tuple(6, "hosts.h.swap-in-cost", "must be at least 0, got -1"),
                tuple(6, "hosts.h.swap-rate", "expected pages per simulated second (a number such as 4096) or bytes per"
                        + " simulated second (a size such as 16MiB), got fast"));
    }

    @Test
    void thresholdsOutOfOrderAreReportedAtTheFirstOneAboveItsNeighbour() throws Exception {
        Path file = write("order.conf", """
                hosts { h { free-states {
                  high = 3%
                  soft = 4%
                } } }
                guests { g { host = h } }
                """);
        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 3, "hosts.h.free-states.soft",
                "soft (4%) is above high (3%): the free-memory thresholds must satisfy low <= hard <= soft <= high"));
    }

    @Test
    void everyBadGuestValueIsLocated() throws Exception {
        Path file = write("bad-guest.conf", """
                hosts { h { memory = 2GiB } }
                guests {
                  a { host = h, memory = 256MiB, min = 300MiB }
                  b { host = h, shares = medium }
                  c { host = h, shares = -3 }
                  d { host = h, memory = 64MiB, balloon { max = 128MiB, pages-per-tick = 0, backoff = -1s, size = 3 } }
                  e { host = h, balloon { max = 120% } }
                  f { host = h, start = -5s }
                }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(3, "guests.a.min", "min 300MiB is more than the memory of guest a (256MiB)"),
                tuple(4, "guests.b.shares", "unknown shares medium; allowed: a number, or low, normal, high (5, 10, 20 per"
                        + " MB of memory)"),
                tuple(5, "guests.c.shares", "must be at least 0, got -3"),
                tuple(6, "guests.d.balloon.backoff", "must not be negative, got -1s"),
                tuple(6, "guests.d.balloon.max", "balloon max 128MiB is more than the memory of guest d (64MiB)"),
                tuple(6, "guests.d.balloon.pages-per-tick", "must be between 1 and 2147483647, got 0"),
                tuple(6, "guests.d.balloon.size", "unknown key size; known keys: backoff, enabled, max, pages-per-tick"),
                tuple(7, "guests.e.balloon.max", "must be between 0 and 1, got 120%"),
                tuple(8, "guests.f.start", "must not be negative, got -5s"));
    }

    @Test
    void aTemplatesMinLargerThanItsMemoryIsReportedOnceAtTheTemplate() throws Exception {
        Path file = write("template.conf", """
                hosts { h { memory = 2GiB } }
                guest-templates { t { memory = 64MiB, min = 128MiB } }
                guests { g { template = t, count = 3, host = h } }
                """);
        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 2, "guest-templates.t.min",
                "min 128MiB is more than the memory of template t (64MiB)"));
    }

    // ---------------------------------------------------------------- admission control

    @Test
    void admissionCountsMinPlusOverheadOnAReclaimingHost() throws Exception {
        // 1 GiB - 64 MiB reserved = 960 MiB: a (256 + 32) + b (256 + 32) = 576; c needs 512 + 32 more: no.
        Path file = write("admit.conf", """
                hosts { h { memory = 1GiB, reserved = 64MiB, reclaim = on, guest-overhead = 32MiB } }
                guests {
                  a { host = h, memory = 512MiB, min = 256MiB }
                  b { host = h, memory = 512MiB, min = 256MiB }
                  c { host = h, memory = 512MiB, min = 512MiB }
                }
                """);
        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 5, "guests.c.host",
                "guest c (min 512MiB + overhead 32MiB) does not fit on host h: 960MiB is left for guests (memory 1GiB"
                        + " - reserved 64MiB) and the guests before it take 576MiB"));
        // With a smaller min it fits, although 1.5 GiB are configured on a 1 GiB host.
        Scenario s = ScenarioLoader.load(file, List.of("guests.c.min=64MiB"), null);
        assertThat(s.hosts().get(0).guests()).hasSize(3);
        assertThat(s.hosts().get(0).reclaim().swapPages()).isEqualTo((256 + 256 + 448) * 256L);
    }

    @Test
    void aParaVirtualGuestIsAdmittedWithItsWholeMemoryNotItsMin() throws Exception {
        // 960 MiB for guests: by min (128 + 32 each) both fit, but a para-virtual guest is backed
        // whole and never host-paged: a (512 + 32) leaves 416MiB, b needs 544MiB.
        Path file = write("para.conf", """
                hosts { h { memory = 1GiB, reserved = 64MiB, reclaim = on, guest-overhead = 32MiB } }
                guests {
                  a { host = h, mode = para, memory = 512MiB, min = 128MiB }
                  b { host = h, mode = para, memory = 512MiB, min = 128MiB }
                }
                """);
        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 4, "guests.b.host",
                "guest b (para-virtual: memory 512MiB + overhead 32MiB, backed whole and never host-paged) does not fit"
                        + " on host h: 960MiB is left for guests (memory 1GiB - reserved 64MiB) and the guests before it"
                        + " take 544MiB"));
        // The same guests in full virtualization are admitted by their min.
        assertThat(ScenarioLoader.load(file, List.of("guests.a.mode=full", "guests.b.mode=full"), null).guests())
                .hasSize(2);
    }

    @Test
    void admissionNeedsMaxMinusMinInTheSwap() throws Exception {
        Path file = write("swap.conf", """
                hosts { h { memory = 1GiB, reclaim = on, swap = 300MiB } }
                guests {
                  a { host = h, memory = 256MiB, min = 100MiB }
                  b { host = h, memory = 256MiB, min = 100MiB }
                }
                """);
        assertThat(problems(file)).containsExactly(new Problem(file.toString(), 4, "guests.b.host",
                "guest b (max 256MiB - min 100MiB) does not fit in the swap of host h: swap 300MiB, of which the guests"
                        + " before it take 156MiB; raise hosts.h.swap (or set it to auto) or the guests' min"));
        assertThat(ScenarioLoader.load(file, List.of("hosts.h.swap=312MiB"), null).hosts()).hasSize(1);
    }

    @Test
    void withoutReclamationEveryGuestsWholeMemoryCounts() throws Exception {
        Path file = write("off.conf", """
                hosts { h { memory = 1GiB, reserved = 64MiB } }
                guests {
                  a { host = h, memory = 512MiB, min = 0 }
                  b { host = h, memory = 512MiB }
                }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path).containsExactly(tuple(4, "guests.b.host"));
        assertThat(ScenarioLoader.load(file, List.of("hosts.h.reclaim=on"), null).guests()).hasSize(2);
    }

    @Test
    void guestsStartingLaterCountToo() throws Exception {
        Path file = write("later.conf", """
                scenario { duration = 60s }
                hosts { h { memory = 1GiB, reserved = 64MiB } }
                guests {
                  a { host = h, memory = 512MiB }
                  b { host = h, memory = 512MiB, start = 30s }
                }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path).containsExactly(tuple(5, "guests.b.host"));
    }

    // ---------------------------------------------------------------- helpers

    private Scenario load(String text) throws Exception {
        return ScenarioLoader.load(write("s.conf", text), List.of(), null);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    static GuestSpec spec(Scenario s, String name) {
        for (HostSettings h : s.hosts()) {
            for (GuestSpec g : h.guests()) {
                if (g.name().equals(name)) {
                    return g;
                }
            }
        }
        throw new AssertionError("no guest " + name);
    }

    static GuestSettings guest(Scenario s, String name) {
        return s.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Problem> problems(Path file) {
        return problems(file, List.of());
    }

    static List<Problem> problems(Path file, List<String> sets) {
        try {
            Scenario s = ScenarioLoader.load(file, sets, null);
            throw new AssertionError("expected problems, but it loaded: " + s.name());
        } catch (ScenarioException e) {
            return e.problems();
        }
    }
}
