package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreCopyTest {
    static final MigrationSettings XEN = MigrationSettings.DEFAULTS;

    @Test
    void roundsTakeTheirTimeOnTheLinkInWholeTicks() {
        // 100 MiB/s, 100 ms ticks: 2560 pages (10 MiB) take exactly one tick, 2561 take two
        MigrationSettings s = new MigrationSettings(100 * 1024 * 1024, List.of(), 30, 3, 50, 1024, 16);
        PreCopy p = new PreCopy("g", "a", "b", 65536, s, 0.1, 10);
        assertThat(p.ticksFor(2560)).isEqualTo(1);
        assertThat(p.ticksFor(2561)).isEqualTo(2);
        assertThat(p.ticksFor(0)).isEqualTo(1);
        // two migrations on the link: each gets half of it
        assertThat(p.ticksFor(2560, 2)).isEqualTo(2);
        assertThat(p.seconds(25_600, 4)).isEqualTo(4 * p.seconds(25_600));
        p.roundSent(25_600, 10); // 100 MiB: one second
        assertThat(p.roundOver(19)).isFalse();
        assertThat(p.roundOver(20)).isTrue();
        PreCopy.Outcome o = p.finish(256, 20);
        assertThat(o.rounds()).isEqualTo(1);
        assertThat(o.pagesSent()).isEqualTo(25_856);
        assertThat(o.downtimeMs()).isEqualTo(10.0);
        assertThat(o.totalMs()).isEqualTo(1010.0);
        assertThat(o.startSeconds()).isEqualTo(1.0);
    }

    @Test
    void stopsAndCopiesOnFewDirtyPagesOrAtXensLimits() {
        PreCopy p = new PreCopy("g", "a", "b", 10_000, XEN, 0.1, 0);
        p.roundSent(10_000, 0);
        assertThat(p.stopAndCopy(49)).isTrue();
        assertThat(p.stopAndCopy(50)).isFalse();
        // three times the memory: 10 000 sent, 20 001 more would pass 30 000
        assertThat(p.stopAndCopy(20_000)).isFalse();
        assertThat(p.stopAndCopy(20_001)).isTrue();
        for (int r = 1; r < 30; r++) {
            assertThat(p.stopAndCopy(100)).isFalse();
            p.roundSent(100, r);
        }
        assertThat(p.rounds()).isEqualTo(30);
        assertThat(p.stopAndCopy(100)).isTrue();
    }

    @Test
    void aLinkOfItsOwnOverridesTheDefaultBandwidthBothWays() {
        MigrationSettings s = new MigrationSettings(1e9, List.of(new MigrationSettings.Link("a", "b", 1e6)), 30, 3, 50,
                1024, 16);
        assertThat(s.bandwidth("b", "a")).isEqualTo(1e6);
        assertThat(s.bandwidth("a", "c")).isEqualTo(1e9);
    }
}
