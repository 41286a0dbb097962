package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.GuestHandover;
import ballast.scheduler.migration.LiveMigration.Next;
import ballast.scheduler.migration.LiveMigration.Step;
import org.junit.jupiter.api.Test;

/** One migration's steps, driven by the answers a run manager would feed it, without actors. */
class LiveMigrationStepsTest {

    static LiveMigration migration() {
        return new LiveMigration(7, "web", "a", "b", new PreCopy("web", "a", "b", 10_000, MigrationSettings.DEFAULTS,
                0.1, 5), 8_000);
    }

    /** An answer without a problem. */
    static Next ok(LiveMigration m, int guestIndex, int pagesSent, int dirtyPages) {
        return m.onHostReply(guestIndex, pagesSent, dirtyPages, null, "host", 5, 1);
    }

    @Test
    void aMigrationAdmitsTracksSendsRoundsThenStopsAndCopiesAndResumes() {
        LiveMigration m = migration();
        assertThat(m.dueAt(5)).isTrue();
        assertThat(m.begin()).isEqualTo(Step.ADMIT);
        assertThat(ok(m, 3, 0, 0)).isEqualTo(Next.SEND);
        assertThat(m.destIndex()).isEqualTo(3);
        assertThat(m.step()).isEqualTo(Step.TRACK_WRITES);
        assertThat(ok(m, 0, 0, 0)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.FIRST_ROUND);
        assertThat(ok(m, 0, 10_000, 0)).isEqualTo(Next.ROUND_SENT);
        assertThat(m.phase()).isEqualTo(LiveMigration.Phase.PRECOPY);
        assertThat(m.precopy().rounds()).isEqualTo(1);
        assertThat(m.pagesJustSent()).isEqualTo(10_000);

        // a later boundary: many pages written, another round; then few, stop and copy
        assertThat(m.begin()).isEqualTo(Step.DIRTY_PAGES);
        assertThat(ok(m, 0, 0, 5_000)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.ROUND);
        assertThat(ok(m, 0, 5_000, 0)).isEqualTo(Next.ROUND_SENT);
        assertThat(m.begin()).isEqualTo(Step.DIRTY_PAGES);
        assertThat(ok(m, 0, 0, 10)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.EVACUATE);
        assertThat(m.phase()).isEqualTo(LiveMigration.Phase.STOP);
        assertThat(m.onEvacuated(new GuestHandover("web", null))).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.LAST_ROUND);
        assertThat(ok(m, 0, 10, 0)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.RESUME);
        assertThat(m.resuming()).isTrue();
        PreCopy.Outcome outcome = m.finish(7, 1);
        assertThat(outcome.rounds()).isEqualTo(2);
        assertThat(outcome.pagesSent()).isEqualTo(15_010);
    }

    @Test
    void aRefusalBeforeTheStopAndCopyGivesTheMigrationUpAtBothHosts() {
        LiveMigration m = migration();
        m.begin();
        ok(m, 3, 0, 0); // admitted at b as guest 3
        assertThat(m.onHostReply(0, 0, 0, "out of frames", "a", 5, 1)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.CANCEL_AT_SOURCE);
        assertThat(m.abortReason()).isEqualTo("migration of web from a to b failed: out of frames (a)");
        assertThat(ok(m, 0, 0, 0)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.CANCEL_AT_DESTINATION);
        assertThat(ok(m, 0, 0, 0)).isEqualTo(Next.GIVEN_UP);
    }

    @Test
    void aRefusedAdmissionIsGivenUpAtTheSourceOnly() {
        LiveMigration m = migration();
        m.begin();
        assertThat(m.onHostReply(0, 0, 0, "no room", "b", 5, 1)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.CANCEL_AT_SOURCE);
        assertThat(ok(m, 0, 0, 0)).isEqualTo(Next.GIVEN_UP); // nothing arrived at b
    }

    @Test
    void aRefusalAfterTheStopAndCopyFailsTheRun() {
        LiveMigration m = migration();
        m.begin();
        ok(m, 3, 0, 0);
        ok(m, 0, 0, 0);
        ok(m, 0, 100, 0);
        m.begin();
        ok(m, 0, 0, 0); // nothing written: stop and copy
        m.onEvacuated(new GuestHandover("web", null));
        assertThat(m.onHostReply(0, 0, 0, "install failed", "b", 5, 1)).isEqualTo(Next.FAILED);
        assertThat(m.failure()).isEqualTo("migration of web from a to b failed: install failed (b)");
    }

    @Test
    void aGuestThatIsNotRunningAtItsSourceFailsTheEvacuation() {
        LiveMigration m = migration();
        assertThat(m.onEvacuated(null)).isEqualTo(Next.FAILED);
        assertThat(m.failure()).isEqualTo("migration of web: the guest is not running on a");
    }

    @Test
    void aRestartIsAdmittedInstalledEmptyAndBootedAndNeverCancelled() {
        LiveMigration r = LiveMigration.restart(9, "db", "c");
        assertThat(r.isRestart()).isTrue();
        assertThat(r.begin()).isEqualTo(Step.RESTART_ADMIT);
        assertThat(ok(r, 4, 0, 0)).isEqualTo(Next.SEND);
        assertThat(r.step()).isEqualTo(Step.RESTART_INSTALL);
        assertThat(r.destIndex()).isEqualTo(4);
        assertThat(r.onInstalled(null)).isEqualTo(Next.SEND);
        assertThat(r.step()).isEqualTo(Step.RESTART_RESUME);
        assertThat(r.resuming()).isTrue();

        LiveMigration refused = LiveMigration.restart(10, "db", "c");
        refused.begin();
        assertThat(refused.onHostReply(0, 0, 0, "no room", "c", 5, 1)).isEqualTo(Next.FAILED);
        LiveMigration notInstalled = LiveMigration.restart(11, "db", "c");
        assertThat(notInstalled.onInstalled("bad index")).isEqualTo(Next.FAILED);
        assertThat(notInstalled.failure()).isEqualTo("restart of db on c failed: bad index");
    }

    @Test
    void anAnswerThatFitsNoStepIsUnexpected() {
        LiveMigration m = migration();
        m.begin();
        ok(m, 3, 0, 0);
        ok(m, 0, 0, 0);
        ok(m, 0, 100, 0);
        m.begin();
        ok(m, 0, 0, 0); // now waiting for the evacuation, not for a host
        assertThat(ok(m, 0, 0, 0)).isEqualTo(Next.UNEXPECTED);
        assertThat(m.step()).isEqualTo(Step.EVACUATE);
    }
}
