package ballast.app.scenario;

import ballast.scheduler.scenario.TimedEvent;
import ballast.scheduler.scenario.Scenario;
import static ballast.app.scenario.ReclaimScenarioTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.reclaim.ReclaimSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timed events: read, ordered, turned into the settings they install, and every bad one located. */
class EventScenarioTest {
    private static final String BASE = """
            scenario { duration = 60s, tick = 100ms }
            hosts {
              host-a { memory = 2GiB, reclaim = on }
              host-b { memory = 2GiB }
            }
            guests {
              vm { count = 3, host = host-a, memory = 256MiB, workload { type = uniform, working-set = 64MiB } }
              other { host = host-b, memory = 256MiB }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void eventsApplyInTimeOrderThenAsWrittenAndStartTimesFirst() throws Exception {
        Scenario s = load(BASE + """
                guests.vm-late { host = host-a, memory = 128MiB, start = 20s }
                events = [
                  { at = 30s, set { "hosts.host-a.policy.tau" = 0 } }
                  { at = 10s, start = vm-3 }
                  { at = 20s, stop = vm-2 }
                  { at = 5s, workload { guest = vm-1, type = hot-cold, working-set = 128MiB } }
                  { at = 20s, set { hosts { host-a { policy { name = shares }, free-states.high = 10% } } } }
                  { at = 19.95s, start = vm-2 }
                ]
                """);
        assertThat(s.events()).extracting(TimedEvent::atSeconds, TimedEvent::tick, TimedEvent::what).containsExactly(
                tuple(5.0, 50L, "workload vm-1: hot-cold"),
                tuple(10.0, 100L, "start vm-3"),
                tuple(20.0, 200L, "start vm-late"),
                tuple(20.0, 200L, "stop vm-2"),
                tuple(20.0, 200L, "set hosts.host-a.free-states.high = 10%, hosts.host-a.policy.name = shares"),
                tuple(19.95, 200L, "start vm-2"),
                tuple(30.0, 300L, "set hosts.host-a.policy.tau = 0"));
        assertThat(s.startingLater()).containsExactly("vm-3", "vm-late");
        TimedEvent.ChangeWorkload w = (TimedEvent.ChangeWorkload) s.events().get(0).change();
        assertThat(w.workload()).isEqualTo(new WorkloadSettings("hot-cold",
                List.of(new Phase(Double.POSITIVE_INFINITY, 32768, 100000, 0.3, 0.1, 0.9))));
        // A set event carries the host's whole settings after it; a later one builds on the earlier.
        ReclaimSettings first = ((TimedEvent.ChangeReclaim) s.events().get(4).change()).hosts().get("host-a");
        ReclaimSettings second = ((TimedEvent.ChangeReclaim) s.events().get(6).change()).hosts().get("host-a");
        ReclaimSettings start = s.hosts().get(0).reclaim();
        assertThat(first).isEqualTo(new ReclaimSettings(true, "shares", 0.75, 0.25, 15, 30, 100, 0.10, 0.04, 0.02, 0.01,
                0.005, start.swapPages(), start.swapInCycles(), 4096, 16 * 256, 0.1));
        assertThat(second).isEqualTo(first.withPolicy("shares", 0));
    }

    @Test
    void anEventAtZeroLandsBeforeTheFirstTick() throws Exception {
        Scenario s = load(BASE + "events = [ { at = 0s, stop = vm-1 }, { at = 0.01s, start = vm-1 } ]");
        assertThat(s.events()).extracting(TimedEvent::tick).containsExactly(0L, 1L);
        assertThat(s.startingLater()).isEmpty();
    }

    @Test
    void everyBadEventIsLocated() throws Exception {
        Path file = write("bad.conf", BASE + """
                events = [
                  { at = 10s }
                  { at = 10s, start = vm-1, stop = vm-2 }
                  { start = vm-1 }
                  { at = 61s, stop = vm-1 }
                  { at = soon, stop = vm-1 }
                  { at = 1s, stop = vm-9 }
                  { at = 1s, stop = vm1 }
                  { at = 1s, when = 3, stop = vm-1 }
                  5
                  { at = 2s, workload { type = uniform } }
                  { at = 2s, workload { guest = vm-2, type = uniform, working-set = 1GiB } }
                  { at = 2s, workload { guest = vm-2, type = trace, path = "x.lackey" } }
                  { at = 2s, workload = busy }
                  { at = 2s, set = 3 }
                ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(11, "events[0]", "an event needs one of set, start, stop, workload, resize or migrate, such as { at = 10m, stop = vm-2 }"),
                tuple(12, "events[1].stop", "an event does one thing, but this one has start and stop: write one event for each"),
                tuple(13, "events[2].at", "missing: when the event happens, such as at = 10m"),
                tuple(14, "events[3].at", "61s is beyond the run: its last tick starts at 59900ms (duration 60s, tick 100ms)"),
                tuple(15, "events[4].at", "expected a duration such as 100ms, got soon"),
                tuple(16, "events[5].stop", "no guest named vm-9 (did you mean vm-1?); guests: other, vm-1, vm-2, vm-3"),
                tuple(17, "events[6].stop", "no guest named vm1 (did you mean vm-1?); guests: other, vm-1, vm-2, vm-3"),
                tuple(18, "events[7].when", "unknown key when; known keys: at, resize, set, start, stop, to, workload"),
                tuple(19, "events[8]", "expected an event { at = 10m, stop = vm-2 }, got 5"),
                tuple(20, "events[9].workload.guest", "missing: the guest whose workload changes, such as guest = vm-1"),
                tuple(21, "events[10].workload.working-set", "working set 1GiB is larger than the memory of guest vm-2 (256MiB)"),
                tuple(22, "events[11].workload.type", "a workload event switches to a synthetic workload (uniform, hot-cold,"
                        + " phases or idle), not to a trace"),
                tuple(23, "events[12].workload", "expected a workload { guest = vm-1, type = uniform, ... }, got busy"),
                tuple(24, "events[13].set", "expected the values to change, such as set { \"hosts.host-a.policy.tau\" ="
                        + " 0.75 }, got 3"));
    }

    @Test
    void setAcceptsOnlyReclamationKeysOfReclaimingHosts() throws Exception {
        Path file = write("set.conf", BASE + """
                events = [
                  { at = 1s, set { "hosts.host-a.policy.tau" = 1 } }
                  { at = 1s, set { "hosts.host-a.policy.name" = idle } }
                  { at = 1s, set { "hosts.host-x.policy.tau" = 0.5 } }
                  { at = 1s, set { "hosts.host-b.policy.tau" = 0.5 } }
                  { at = 1s, set { "hosts.host-a.memory" = 4GiB } }
                  { at = 1s, set { "hosts.host-a.swap" = 4GiB } }
                  { at = 1s, set { "hosts.host-a.policy.tua" = 0.5 } }
                  { at = 1s, set { "guests.vm-1.memory" = 4GiB } }
                  { at = 1s, set { "hosts.host-a.free-states.soft" = 7% } }
                  { at = 1s, set {} }
                ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(11, "events[0].set.hosts.host-a.policy.tau", "must be at least 0 and less than 1, got 1"),
                tuple(12, "events[1].set.hosts.host-a.policy.name", "unknown allocation policy idle;"
                        + " allowed: none, shares, working-set, idle-tax"),
                tuple(13, "events[2].set.hosts.host-x.policy.tau", "no host named host-x (did you mean host-a?); hosts:"
                        + " host-a, host-b"),
                tuple(14, "events[3].set.hosts.host-b.policy.tau", "host host-b does not reclaim (reclaim = off): set"
                        + " hosts.host-b.reclaim = on for its reclamation to change"),
                tuple(15, "events[4].set.hosts.host-a.memory", "an event cannot set memory; it may set policy.name,"
                        + " policy.tau, policy.headroom, policy.balance-period, free-states.high,"
                        + " free-states.soft, free-states.hard, free-states.low, free-states.hysteresis, swap-in-cost,"
                        + " swap-rate"),
                tuple(16, "events[5].set.hosts.host-a.swap", "swap cannot change during a run (admission control reserved"
                        + " it when the guests were admitted)"),
                tuple(17, "events[6].set.hosts.host-a.policy.tua", "unknown key policy.tua (did you mean policy.tau?)"),
                tuple(18, "events[7].set.guests.vm-1.memory", "set changes a host's reclamation settings, such as"
                        + " \"hosts.host-a.policy.tau\"; got guests.vm-1.memory"),
                tuple(19, "events[8].set.hosts.host-a.free-states", "after this event soft (7%) is above high (6%): the"
                        + " free-memory thresholds must satisfy low <= hard <= soft <= high"),
                tuple(20, "events[9].set", "nothing to set: name a value, such as set { \"hosts.host-a.policy.tau\" ="
                        + " 0.75 }"));
    }

    @Test
    void thresholdsChangedByOneEventAreCheckedWithThoseOfTheEventsBefore() throws Exception {
        Path file = write("states.conf", BASE + """
                events = [
                  { at = 1s, set { "hosts.host-a.free-states.high" = 10% } }
                  { at = 2s, set { "hosts.host-a.free-states.soft" = 8% } }
                  { at = 3s, set { "hosts.host-a.free-states.high" = 7% } }
                ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(13, "events[2].set.hosts.host-a.free-states", "after this event soft (8%) is above high (7%): the"
                        + " free-memory thresholds must satisfy low <= hard <= soft <= high"));
    }

    @Test
    void startsAndStopsMustAlternate() throws Exception {
        Path file = write("life.conf", BASE + """
                guests.late { host = host-a, memory = 64MiB, start = 30s }
                events = [
                  { at = 10s, start = vm-1 }
                  { at = 15s, start = vm-1 }
                  { at = 20s, stop = vm-2 }
                  { at = 25s, stop = vm-2 }
                  { at = 26s, workload { guest = vm-2, type = idle } }
                  { at = 5s, stop = late }
                  { at = 40s, start = late }
                ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                // vm-1's first start or stop is a start: it boots at 10s, not with the run
                tuple(13, "events[1]", "guest vm-1 is already running at 15s (it starts at 10s): a start needs a guest"
                        + " that is not running (one with a later start, or stopped)"),
                tuple(15, "events[3]", "guest vm-2 is not running at 25s (it stops at 20s): there is nothing to stop"),
                tuple(16, "events[4]", "guest vm-2 is not running at 26s (it stops at 20s): start it first"),
                tuple(17, "events[5]", "guest late is not running at 5s (it starts later): there is nothing to stop"),
                tuple(18, "events[6]", "guest late is already running at 40s (it starts at 30s): a start needs a guest"
                        + " that is not running (one with a later start, or stopped)"));
    }

    @Test
    void aStartTimeBeyondTheRunIsAProblemOfTheGuest() throws Exception {
        Path file = write("start.conf", BASE + "guests.late { host = host-a, memory = 64MiB, start = 2m }\n");
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(10, "guests.late.start", "2m is beyond the run: its last tick starts at 59900ms (duration 60s,"
                        + " tick 100ms)"));
    }

    @Test
    void freeRunningRunsTakeSetStopAndWorkloadEventsButNoLateStartsNorMigrationsOfGuestsWithABalloonDriver()
            throws Exception {
        Path file = write("free.conf", BASE + """
                scenario.mode = free-running
                guests.late { host = host-a, memory = 64MiB, start = 5s }
                events = [
                  { at = 1s, stop = vm-1 }
                  { at = 2s, set { "hosts.host-a.policy.tau" = 0 } }
                  { at = 3s, workload { guest = vm-2, type = uniform, working-set = 32MiB } }
                  { at = 4s, start = vm-1 }
                  { at = 5s, migrate { guest = vm-3 } }
                ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactlyInAnyOrder(
                tuple(11, "guests.late.start", "start times and start events need scenario.mode = deterministic:"
                        + " a free-running run plays only the guests that boot with it"),
                tuple(16, "events[3]", "start times and start events need scenario.mode = deterministic:"
                        + " a free-running run plays only the guests that boot with it"),
                tuple(17, "events[4].migrate.guest", "a free-running run moves only a guest without a balloon driver"
                        + " (guests.vm-3.balloon.enabled = off): a free-running driver's steps do not travel with its"
                        + " guest"));
    }

    @Test
    void aFreeRunningRunMovesAGuestWithoutABalloonDriver() throws Exception {
        Path file = write("free-move.conf", BASE + """
                scenario.mode = free-running
                guests.other.balloon.enabled = off
                events = [ { at = 5s, migrate { guest = other, to = host-a } } ]
                """);
        assertThat(ScenarioLoader.load(file, List.of(), null).cluster().events())
                .extracting(e -> e.guest() + " -> " + e.to()).containsExactly("other -> host-a");
    }

    @Test
    void aFreeRunningRunRefusesAMigrationByAnotherStrategyThanPreCopy() throws Exception {
        Path file = write("free-post.conf", BASE + """
                scenario.mode = free-running
                guests.other.balloon.enabled = off
                events = [ { at = 5s, migrate { guest = other, to = host-a, strategy = post-copy } } ]
                """);
        assertThat(problems(file)).extracting(Problem::path, Problem::message).containsExactly(
                tuple("events[0].migrate.strategy", "a free-running run moves guests by pre-copy only, got post-copy"));
    }

    @Test
    void aBadEventGivenWithSetIsLocatedOnTheCommandLine() throws Exception {
        Path file = write("ok.conf", BASE);
        assertThat(problems(file, List.of("events=[{at=1s, stop=vm-7}]"))).extracting(Problem::file, Problem::path)
                .containsExactly(tuple("--set", "events[0].stop"));
    }

    @Test
    void badEventsAreReportedWithAProblemOfTheScenarioBlockEveryProblemAtOnce() throws Exception {
        Path file = write("both.conf", BASE + """
                scenario.tick = 0ms
                events = [ { at = 1s, stop = vm-7 } ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path).containsExactly(
                tuple(10, "scenario.tick"), tuple(11, "events[0].stop"));
    }

    @Test
    void aScenarioBlockThatDoesNotReadStillHasItsEventsChecked() throws Exception {
        // the tick does not read: the events are checked all the same, and none is called beyond the run on a guess
        Path file = write("tick.conf", BASE + """
                scenario.tick = soon
                events = [ { at = 1s, stop = vm-7 }, { at = 10m, stop = vm-1 } ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(10, "scenario.tick", "expected a duration such as 100ms, got soon"),
                tuple(11, "events[0].stop", "no guest named vm-7 (did you mean vm-1?); guests: other, vm-1, vm-2, vm-3"));
        // a length that does not read, with a guest on no host and an event about a guest that does not exist
        Path length = write("length.conf", BASE + """
                scenario.duration = long
                guests.bad { host = nowhere, memory = 64MiB }
                events = [ { at = 1s, stop = vm-9 } ]
                """);
        assertThat(problems(length)).extracting(Problem::path).containsExactly("scenario.duration", "guests.bad.host",
                "events[0].stop");
    }

    private Scenario load(String text) throws Exception {
        return ScenarioLoader.load(write("s.conf", text), List.of(), null);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
