package ballast.scheduler.cluster;

import ballast.host.node.GuestChanged;
import ballast.host.node.NodeAgent;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.scheduler.clock.GuestControl;
import ballast.scheduler.migration.LiveMigration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the scheduler knows of its guests and what timed events may do to them, without actors. */
class GuestRosterTest {
    static final WorkloadSettings WORK = new WorkloadSettings("synthetic", List.of(Phase.idle(5)));

    static GuestSettings guest(String name, String host, int index) {
        GuestSettings g = ClusterWireTest.guest(WORK);
        return new GuestSettings(name, host, index, g.os(), g.mode(), g.configuredPages(), g.processes(), g.seed(),
                g.tickSeconds(), g.content(), WORK, g.osProfile(), g.memory());
    }

    static GuestRoster roster() {
        return new GuestRoster(List.of(guest("web", "a", 0), guest("db", "b", 0), guest("late", "a", 1)),
                List.of("late"), List.of());
    }

    @Test
    void guestsBootingWithTheRunComeInScenarioOrderAndALaterOneIsNotRunning() {
        GuestRoster r = new GuestRoster(List.of(guest("zeta", "a", 0), guest("alpha", "a", 1), guest("late", "a", 2)),
                List.of("late"), List.of());
        assertThat(r.bootingWithRun("a")).extracting(GuestSettings::name).containsExactly("zeta", "alpha");
        assertThat(r.running("late")).isFalse();
        assertThat(r.whyNotMovable("late")).contains("not running");
        assertThat(r.places()).containsEntry("alpha", new ballast.scheduler.clock.Timeline.Place("a", 1));
    }

    @Test
    void aGuestWithAMemoryHotplugDeviceIsNotMovable() {
        GuestSettings plain = guest("plain", "a", 0);
        GuestSettings g = guest("plugged", "a", 1);
        GuestSettings withDevice = new GuestSettings(g.name(), g.host(), g.index(), g.os(), g.mode(), g.configuredPages(),
                g.processes(), g.seed(), g.tickSeconds(), g.content(), WORK, g.osProfile(),
                g.memory().withHotplug(512, g.configuredPages(), 8));
        GuestRoster r = new GuestRoster(List.of(plain, withDevice), List.of(), List.of());
        assertThat(r.whyNotMovable("plain")).isNull();
        assertThat(r.whyNotMovable("plugged")).contains("memory hotplug device");
    }

    @Test
    void aLaterStartBootsWithAnIdlePhaseUntilItsTickAndItsCrashOnlyOnce() {
        GuestRoster r = roster();
        assertThat(r.whyNotStart("web", h -> true)).isEqualTo("already running");
        assertThat(r.whyNotStart("late", h -> false)).isEqualTo("its host a was lost with its node");
        assertThat(r.whyNotStart("ghost", h -> true)).isEqualTo("no such guest");
        assertThat(r.crashAtStart("late", Map.of("late", 12L))).isEqualTo(12);
        GuestSettings booting = r.start("late", 30);
        assertThat(booting.workload().phases()).hasSize(2);
        assertThat(booting.workload().phases().get(0).durationSeconds()).isEqualTo(30 * booting.tickSeconds());
        assertThat(r.running("late")).isTrue();
        assertThat(r.crashAtStart("late", Map.of("late", 12L))).isEqualTo(GuestVm.NO_CRASH);
        // a migration restores it into the settings it booted with, at its new place
        GuestSettings resumed = r.resumingAt("late", "b", 4);
        assertThat(resumed.workload().phases()).hasSize(2);
        assertThat(resumed.host()).isEqualTo("b");
        r.migrated("late", "b", 4);
        assertThat(r.get("late").host()).isEqualTo("b");
        assertThat(r.resumingAt("late", "c", 1).workload().phases()).hasSize(2);
    }

    @Test
    void aStopOrChangeIsRefusedForAGuestNotRunningMigratingOrLost() {
        GuestRoster r = roster();
        assertThat(r.whyNotStopOrChange("late", null, h -> true)).isEqualTo("not running");
        LiveMigration moving = new LiveMigration(1, "web", "a", "b", null, 0);
        assertThat(r.whyNotStopOrChange("web", moving, h -> true)).startsWith("it is migrating from a to b");
        assertThat(r.whyNotStopOrChange("web", null, h -> !h.equals("a"))).isEqualTo("its host a was lost with its node");
        assertThat(r.whyNotStopOrChange("web", null, h -> true)).isNull();
    }

    @Test
    void aRoutedRequestGoesToTheAgentOfTheGuestsHostOrIsRefused() {
        GuestRoster r = roster();
        GuestRoster.Routed stop = r.route(new GuestControl.Stop("db", null), g -> null, h -> true, Map.of(), 3);
        assertThat(stop.host()).isEqualTo("b");
        assertThat(stop.command()).isEqualTo(new NodeAgent.StopGuest(3, "db", null));
        assertThat(r.running("db")).isFalse();
        GuestRoster.Routed again = r.route(new GuestControl.Stop("db", null), g -> null, h -> true, Map.of(), 3);
        assertThat(again.command()).isNull();
        assertThat(again.refusal()).isEqualTo(new GuestChanged("db", "not running"));
        GuestRoster.Routed start = r.route(new GuestControl.Start("late", 0, null), g -> null, h -> true, Map.of(), 3);
        assertThat(start.command()).isInstanceOf(NodeAgent.StartGuest.class);
        assertThat(start.host()).isEqualTo("a");
        assertThat(r.running("late")).isTrue();
    }
}
