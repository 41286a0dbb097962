package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.GuestHandover;
import ballast.host.migration.PostCopyProgress;
import ballast.scheduler.migration.LiveMigration.Next;
import ballast.scheduler.migration.LiveMigration.Phase;
import ballast.scheduler.migration.LiveMigration.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The steps of post-copy, hybrid and auto migrations, driven by the answers a run manager would feed them. */
class PostCopyStepsTest {
    static final MigrationSettings SETTINGS = new MigrationSettings(4096 * 10_000.0, List.of(), 30, 3.0, 50, 1024, 16,
            MigrationStrategy.PRE_COPY, 2, 16, 100e-6, 0.5);

    static LiveMigration migration(MigrationStrategy strategy) {
        return new LiveMigration(7, "web", "a", "b", new PreCopy("web", "a", "b", 10_000, SETTINGS, 0.1, 5)
                .withStrategy(strategy), 8_000);
    }

    static Next ok(LiveMigration m, long tick, int pagesSent, int dirtyPages) {
        return m.onHostReply(3, pagesSent, dirtyPages, null, "host", tick, 1);
    }

    /** Admission and write tracking at the first boundary (the source reports 1,000 work units done so far). */
    static void admitAndTrack(LiveMigration m) {
        m.begin();
        ok(m, 5, 0, 0);
        m.noteReply(1_000, null);
    }

    /** The stop, the last round of {@code pages} (the source's work units now 3,000) and the resumption. */
    static void switchOver(LiveMigration m, int pages) {
        assertThat(m.step()).isEqualTo(Step.EVACUATE);
        assertThat(m.postCopy()).isTrue();
        assertThat(m.onEvacuated(new GuestHandover("web", null))).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.LAST_ROUND);
        m.noteReply(3_000, null);
        assertThat(ok(m, 6, pages, 0)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.RESUME);
        m.resumedInPostCopy();
        assertThat(m.phase()).isEqualTo(Phase.POSTCOPY);
    }

    @Test
    void postCopySwitchesAtTheNextBoundaryWithoutARoundSendingEveryPageThenAsksUntilAllArrived() {
        LiveMigration m = migration(MigrationStrategy.POST_COPY);
        admitAndTrack(m);
        assertThat(ok(m, 5, 0, 0)).isEqualTo(Next.ROUND_SENT); // tracking: nothing on the link
        assertThat(m.precopy().rounds()).isZero();
        assertThat(m.dueAt(6)).isTrue();
        assertThat(m.begin()).isEqualTo(Step.DIRTY_PAGES);
        assertThat(ok(m, 6, 0, 10)).isEqualTo(Next.SEND); // few pages written: post-copy all the same
        assertThat(m.lastRoundSendsAll()).isTrue();
        switchOver(m, 8_000);

        assertThat(m.dueAt(7)).isTrue();
        assertThat(m.begin()).isEqualTo(Step.POSTCOPY_STATUS);
        m.noteReply(500, new PostCopyProgress(8_000, 3_000, 600, 4_000, 400, 1, 1, 500));
        assertThat(ok(m, 7, 0, 3_000)).isEqualTo(Next.ROUND_SENT);
        assertThat(m.begin()).isEqualTo(Step.POSTCOPY_STATUS);
        m.noteReply(1_200, new PostCopyProgress(8_000, 0, 900, 5_000, 2_100, 2, 1, 1_200));
        assertThat(ok(m, 8, 0, 0)).isEqualTo(Next.POSTCOPY_DONE);

        PreCopy.Outcome o = m.finish(8, 1);
        assertThat(o.strategy()).isEqualTo("post-copy");
        assertThat(o.rounds()).isZero();
        assertThat(o.pagesSent()).isEqualTo(8_000); // each page once
        assertThat(o.postCopyPages()).isEqualTo(8_000);
        assertThat(o.networkFaults()).isEqualTo(900);
        assertThat(o.degradedMs()).isEqualTo(100.0);
        assertThat(o.downtimeMs()).isEqualTo(0.2); // 100 us latency + one page at 10,000 pages/s
        assertThat(o.totalMs()).isEqualTo(300.2); // ticks 5 to 8, and the downtime
        assertThat(o.throughput()).isCloseTo((2_000 + 1_200) / 0.3002, org.assertj.core.data.Offset.offset(0.1));
    }

    @Test
    void hybridSendsItsPreCopyRoundsThenSwitchesWithTheWrittenPagesOnly() {
        LiveMigration m = migration(MigrationStrategy.HYBRID);
        admitAndTrack(m);
        assertThat(ok(m, 5, 0, 0)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.FIRST_ROUND);
        assertThat(ok(m, 5, 8_000, 0)).isEqualTo(Next.ROUND_SENT);
        m.begin();
        assertThat(ok(m, 6, 0, 5_000)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.ROUND); // one round of two
        assertThat(ok(m, 6, 5_000, 0)).isEqualTo(Next.ROUND_SENT);
        m.begin();
        assertThat(ok(m, 8, 0, 4_000)).isEqualTo(Next.SEND);
        assertThat(m.lastRoundSendsAll()).isFalse();
        switchOver(m, 4_000);
        m.begin();
        m.noteReply(100, new PostCopyProgress(4_000, 0, 300, 2_000, 1_700, 1, 1, 100));
        assertThat(ok(m, 10, 0, 0)).isEqualTo(Next.POSTCOPY_DONE);
        PreCopy.Outcome o = m.finish(10, 1);
        assertThat(o.rounds()).isEqualTo(2);
        assertThat(o.pagesSent()).isEqualTo(8_000 + 5_000 + 4_000);
        assertThat(o.postCopyPages()).isEqualTo(4_000);
    }

    @Test
    void aHybridMigrationThatConvergesBeforeItsSwitchEndsInAStopAndCopy() {
        LiveMigration m = migration(MigrationStrategy.HYBRID);
        admitAndTrack(m);
        ok(m, 5, 0, 0);
        ok(m, 5, 8_000, 0);
        m.begin();
        assertThat(ok(m, 6, 0, 10)).isEqualTo(Next.SEND);
        assertThat(m.step()).isEqualTo(Step.EVACUATE);
        assertThat(m.postCopy()).isFalse();
    }

    @Test
    void autoStaysInPreCopyWhileTheWrittenPagesShrinkAndSwitchesOnTheFirstRoundThatDoesNot() {
        PreCopy p = new PreCopy("web", "a", "b", 10_000, SETTINGS, 0.1, 5).withStrategy(MigrationStrategy.AUTO);
        p.roundSent(8_000, 5);
        assertThat(p.switchNow(3_999)).as("written < half the round: converging").isFalse();
        assertThat(p.switchNow(4_000)).as("written >= half the round: not converging").isTrue();
        PreCopy pre = new PreCopy("web", "a", "b", 10_000, SETTINGS, 0.1, 5);
        pre.roundSent(8_000, 5);
        assertThat(pre.switchNow(8_000)).as("pre-copy never switches").isFalse();
    }
}
