package ballast.app.scenario;

import static ballast.app.scenario.ReclaimScenarioTest.guest;
import static ballast.app.scenario.ReclaimScenarioTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.guest.GuestMemorySettings;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code free-page-reporting}, {@code page-reporting} and {@code free-on-shrink}: read, defaulted and checked. */
class FreePageReportingKeysTest {
    @TempDir
    Path dir;

    @Test
    void theKeysReachTheGuestAndDefaultToOffWithLinuxsValues() throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, """
                scenario { tick = 100ms, duration = 10s }
                hosts { h { memory = 1GiB } }
                guests {
                  a { host = h, free-page-reporting = on, free-on-shrink = on,
                      page-reporting { order = 4, delay = 250ms, capacity = 8 } }
                  b { host = h }
                }
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        GuestMemorySettings a = guest(s, "a").memory();
        assertThat(List.of(a.freePageReporting(), a.freeOnShrink())).containsExactly(true, true);
        assertThat(List.of(a.reportingOrder(), a.reportingDelayTicks(), a.reportingCapacity())).containsExactly(4, 3, 8);
        GuestMemorySettings b = guest(s, "b").memory();
        assertThat(List.of(b.freePageReporting(), b.freeOnShrink())).containsExactly(false, false);
        assertThat(List.of(b.reportingOrder(), b.reportingDelayTicks(), b.reportingCapacity())).containsExactly(9, 20, 32);
    }

    @Test
    void badValuesAndReportingOnAParaGuestAreLocated() throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, """
                scenario { tick = 100ms, duration = 10s }
                hosts { h { memory = 1GiB } }
                guests {
                  p { host = h, mode = para, free-page-reporting = on }
                  q { host = h, free-page-reporting = sometimes, free-on-shrink = 2 }
                  r { host = h, page-reporting { order = 11, delay = -1s, capacity = 0, batch = 3 } }
                }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(4, "guests.p.free-page-reporting", "free-page-reporting = on applies to full and nested guests"
                        + " only; guest p is para (its page tables hold machine frames)"),
                tuple(5, "guests.q.free-on-shrink", "expected on or off (true or false), got 2"),
                tuple(5, "guests.q.free-page-reporting", "expected on or off (true or false), got sometimes"),
                tuple(6, "guests.r.page-reporting.batch", "unknown key batch; known keys: capacity, delay, order"),
                tuple(6, "guests.r.page-reporting.capacity", "must be between 1 and 1024, got 0"),
                tuple(6, "guests.r.page-reporting.delay", "must not be negative, got -1s"),
                tuple(6, "guests.r.page-reporting.order", "must be between 0 and 10, got 11"));
    }
}
