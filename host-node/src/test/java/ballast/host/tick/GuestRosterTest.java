package ballast.host.tick;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Audit;
import ballast.abi.GuestCounters;
import ballast.abi.RefusalReason;
import org.junit.jupiter.api.Test;

/** The hypervisor's record of which guests run, without an actor system (reply addresses are strings). */
class GuestRosterTest {

    @Test
    void aRunMayStartOnceEveryGuestBootedOrIsGoneForGood() {
        GuestRoster<String> roster = new GuestRoster<>(3);
        assertThat(roster.allBooted()).isFalse();
        roster.booted(0, "a");
        roster.gone(1, false); // starts later, by a timed event
        assertThat(roster.allBooted()).isFalse();
        roster.booted(2, "c");
        assertThat(roster.allBooted()).isTrue();
        assertThat(roster.everyGuestBooted()).as("b has not booted").isFalse();
        assertThat(roster.runningNow()).containsExactly(true, false, true);

        roster.booted(1, "b"); // the late guest boots: it is no longer gone for good
        assertThat(roster.everyGuestBooted()).isTrue();
        roster.gone(1, true); // fails and reboots: the runs wait for it again
        assertThat(roster.allBooted()).isFalse();
        roster.booted(1, "b2");
        assertThat(roster.allBooted()).isTrue();
        assertThat(roster.ref(1)).isEqualTo("b2");
    }

    @Test
    void goneSaysWhetherTheGuestRanAndDropsItsIntegrityRecord() {
        GuestRoster<String> roster = new GuestRoster<>(2);
        roster.booted(0, "a");
        roster.audit(0, new Audit(new long[] {1}, new long[] {2}));
        assertThat(roster.gone(0, false)).isTrue();
        assertThat(roster.running(0)).isFalse();
        assertThat(roster.ref(0)).isNull();
        assertThat(roster.audit(0)).isNull();
        assertThat(roster.gone(0, false)).as("gone twice").isFalse();
        assertThat(roster.allBooted()).as("stopped twice, counted once: guest 1 is still awaited").isFalse();
        assertThat(roster.gone(1, false)).as("never booted").isFalse();
        assertThat(roster.allBooted()).isTrue();
    }

    @Test
    void callsAreCheckedForGuestSenderTickAndDuplicatesInThatOrder() {
        GuestRoster<String> roster = new GuestRoster<>(2);
        assertThat(roster.check(false, 7, "x", 1, 1, false, "h").reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(roster.check(true, 0, "a", 1, 1, false, "h").reason()).isEqualTo(RefusalReason.NOT_BOOTED);
        roster.booted(0, "a");
        assertThat(roster.check(true, 0, "x", 1, 1, false, "h").reason()).isEqualTo(RefusalReason.NOT_SENDER);
        assertThat(roster.check(true, 0, "a", 2, 1, false, "h").reason()).isEqualTo(RefusalReason.WRONG_TICK);
        assertThat(roster.check(true, 0, "a", 1, 1, false, "h")).isNull();
        roster.workSent(0, 1);
        assertThat(roster.check(true, 0, "a", 1, 1, false, "h").reason()).isEqualTo(RefusalReason.DUPLICATE_WORK);
        assertThat(roster.check(true, 0, "a", 1, 1, true, "h")).as("its acknowledgement is still due").isNull();
        roster.acknowledged(0, 1);
        assertThat(roster.check(true, 0, "a", 1, 1, true, "h").reason()).isEqualTo(RefusalReason.DUPLICATE_WORK);
        assertThat(roster.check(true, 0, "a", 1, 1, true, "h").detail()).contains("already reported for tick 1");
        assertThat(roster.lastWorkTick(0)).isEqualTo(1);
        assertThat(roster.lastAckTick(1)).isEqualTo(-1);
    }

    @Test
    void aMigratedGuestIsNotWaitedForUntilItIsInstalled() {
        GuestRoster<String> roster = new GuestRoster<>(1);
        roster.booted(0, "a");
        roster.admitted(1);
        assertThat(roster.count()).isEqualTo(2);
        assertThat(roster.allBooted()).as("on its way in: not waited for").isTrue();
        assertThat(roster.lastWorkTick(1)).isEqualTo(-1);
        roster.installed(1);
        assertThat(roster.allBooted()).as("installed: the next tick waits for its boot").isFalse();
        roster.booted(1, "b");
        assertThat(roster.allBooted()).isTrue();

        roster.counters(0, GuestCounters.ZERO);
        roster.departed(0);
        assertThat(roster.running(0)).isFalse();
        assertThat(roster.counters(0)).isNull();
        assertThat(roster.allBooted()).isTrue();

        roster.admitted(2);
        roster.abandoned(2); // given up before its install: still not waited for
        assertThat(roster.allBooted()).isTrue();
    }

    @Test
    void anIntegrityRecordWithMissingArraysIsKeptWithEmptyOnes() {
        GuestRoster<String> roster = new GuestRoster<>(1);
        roster.audit(0, new Audit(null, new long[] {5}));
        assertThat(roster.audit(0).keys()).isEmpty();
        assertThat(roster.audit(0).tokens()).containsExactly(5);
        Audit whole = new Audit(new long[] {1}, new long[] {2});
        roster.audit(0, whole);
        assertThat(roster.audit(0)).isSameAs(whole);
        roster.clearAudits();
        assertThat(roster.audit(0)).isNull();
    }
}
