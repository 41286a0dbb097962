package ballast.app.scenario;

import static ballast.app.scenario.ReclaimScenarioTest.guest;
import static ballast.app.scenario.ReclaimScenarioTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.guest.GuestMemorySettings;
import ballast.host.GuestSpec;
import ballast.host.hotplug.HotplugSpec;
import ballast.scheduler.scenario.Scenario;
import ballast.scheduler.scenario.TimedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hotplug { enabled, block, rate, plugged }} and the {@code resize} event: read, defaulted and checked. */
class HotplugKeysTest {
    @TempDir
    Path dir;

    @Test
    void theKeysReachTheGuestAndItsHostAndTheResizeEventTheGuestsHost() throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, """
                scenario { tick = 100ms, duration = 10s }
                hosts { h { memory = 2GiB } }
                guests {
                  a { host = h, memory = 512MiB, hotplug { enabled = on, block = 4MiB, plugged = 256MiB, rate = 3 } }
                  b { host = h, memory = 512MiB, hotplug.enabled = on }
                  c { host = h }
                }
                events = [ { at = 2s, resize = a, to = 384MiB } ]
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        GuestMemorySettings a = guest(s, "a").memory();
        assertThat(List.of(a.hotplugBlockPages(), a.hotplugPluggedPages(), a.hotplugBlocksPerTick()))
                .containsExactly(1024, 65536, 3);
        GuestMemorySettings b = guest(s, "b").memory();
        assertThat(List.of(b.hotplugBlockPages(), b.hotplugPluggedPages(), b.hotplugBlocksPerTick()))
                .as("2 MiB blocks, all of its memory plugged, 8 blocks a tick").containsExactly(512, 131072, 8);
        assertThat(guest(s, "c").memory().hotplug()).isFalse();
        List<GuestSpec> specs = s.hosts().get(0).guests();
        assertThat(specs).extracting(GuestSpec::hotplug).containsExactly(new HotplugSpec(1024, 65536),
                new HotplugSpec(512, 131072), null);
        assertThat(s.events()).extracting(TimedEvent::change).containsExactly(new TimedEvent.ResizeGuest("a", "h", 98304));
        assertThat(s.events().get(0).tick()).isEqualTo(20);
    }

    @Test
    void badValuesHotplugOnAParaGuestAndBadResizeEventsAreLocated() throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, """
                scenario { tick = 100ms, duration = 10s }
                hosts { h { memory = 4GiB } }
                guests {
                  p { host = h, mode = para, hotplug.enabled = on }
                  q { host = h, memory = 512MiB, hotplug { enabled = on, block = 3MiB } }
                  r { host = h, memory = 512MiB, hotplug { enabled = on, plugged = 1GiB } }
                  s { host = h, memory = 512MiB, hotplug { enabled = on, plugged = 3MiB, rate = 0, size = 1 } }
                  t { host = h, memory = 510MiB, hotplug { enabled = on, block = 4MiB } }
                  u { host = h, memory = 512MiB, hotplug.enabled = on }
                  v { host = h, memory = 512MiB }
                }
                events = [
                  { at = 1s, resize = u, to = 3MiB }
                  { at = 1s, resize = u, to = 1GiB }
                  { at = 1s, resize = v, to = 256MiB }
                  { at = 1s, resize = u }
                ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(4, "guests.p.hotplug.enabled", "hotplug applies to full and nested guests only; guest p is para"
                        + " (its page tables hold machine frames)"),
                tuple(5, "guests.q.hotplug.block", "must be a power-of-two multiple of 4KiB (such as 2MiB or 4MiB), got 3MiB"),
                tuple(6, "guests.r.hotplug.plugged", "is more than the memory of guest r (512MiB), got 1GiB"),
                tuple(7, "guests.s.hotplug.rate", "must be between 1 and 1024, got 0"),
                tuple(7, "guests.s.hotplug.size", "unknown key size; known keys: block, enabled, plugged, rate"),
                tuple(8, "guests.t.hotplug.block", "must divide the memory of guest t (510MiB), got 4MiB"),
                tuple(13, "events[0].to", "must be a multiple of u's hotplug block (2MiB), got 3MiB"),
                tuple(14, "events[1].to", "is more than the memory of u (512MiB), got 1GiB"),
                tuple(15, "events[2].resize", "v has no memory hotplug device: give it hotplug.enabled = on"),
                tuple(16, "events[3].to", "missing: the size requested of the guest's memory, such as to = 384MiB"));
    }

    @Test
    void aMigrateEventOfAGuestWithAHotplugDeviceIsLocated() throws Exception {
        Path file = dir.resolve("migrate.conf");
        Files.writeString(file, """
                scenario { tick = 100ms, duration = 10s }
                hosts { h { memory = 4GiB }, k { memory = 4GiB } }
                guests {
                  u { host = h, memory = 512MiB, hotplug.enabled = on }
                  w { host = h, memory = 512MiB }
                }
                events = [
                  { at = 1s, migrate { guest = u, to = k } }
                  { at = 2s, migrate { guest = w, to = k } }
                ]
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(8, "events[0].migrate.guest", "u has a memory hotplug device (guests.u.hotplug.enabled = on), which"
                        + " live migration does not carry: its plugged blocks would be lost"));
    }
}
