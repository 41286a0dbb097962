package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.host.compression.CompressionCache;
import ballast.host.compression.CompressionFlavour;
import ballast.host.compression.CompressionSettings;
import ballast.host.reclaim.ReclaimSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of the compression tier: the random runs of {@link RandomizedReclaimSequenceTest}
 * (an over-committed host reclaiming every tick, guests following their balloons, touching random
 * pages, paging to their own disks, popping balloons, stopping and booting afresh) with the tier
 * on: esx or zswap, a threshold of 2 KiB or 3 KiB and a small cache (2% to 12%), so that victims
 * are compressed, rejected as too large, written back to swap to make room and decompressed on a
 * touch. After every tick: every read was predicted (the digest), every mapped page audits clean
 * (compressed pages read through their swap slots), and every invariant holds, the cache's
 * included (its lists, counts, bytes, limits and frames).
 */
class RandomizedCompressionSequenceTest {
    static final int RUNS = 80;
    static final int TICKS = 60;

    @Test
    void contentsAndInvariantsHoldThroughRandomReclamationWithCompression() {
        long[] totals = new long[4];
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] f = play(seed);
            for (int i = 0; i < totals.length; i++) {
                totals[i] += f[i];
            }
        }
        assertThat(totals[0]).as("compressions").isPositive();
        assertThat(totals[1]).as("decompressions").isPositive();
        assertThat(totals[2]).as("write-backs").isPositive();
        assertThat(totals[3]).as("victims too large").isPositive();
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] policies = {"shares", "idle-tax", "working-set"};
        ReclaimSettings reclaim = new ReclaimSettings(true, policies[(int) (seed % 3)], 0.75, 0.25, 0.5, 0.3, 16,
                0.16, 0.12, 0.08, 0.04, 0.01, 48, 1000, 200, 0, 0.1);
        boolean sharing = seed % 2 == 0;
        CompressionSettings compression = new CompressionSettings(true, seed % 3 == 0 ? 3072 : 2048,
                0.02 + 0.02 * (seed % 6), seed % 4 < 2 ? CompressionFlavour.ESX : CompressionFlavour.ZSWAP,
                1200, 3000, 200, 4096, 59_400, 13_800, List.of(), List.of());
        HypervisorCore core = new HypervisorCore(host(232, 8, reclaim, sharing,
                (seed % 4 < 2 ? Kind.FULL : Kind.NESTED_SHADOW).spec(0, 96), Kind.NESTED.spec(1, 96),
                Kind.PARA.spec(2, 64)).withCompression(compression));
        ModelGuest[] guests = {new ModelGuest(core, 0), new ModelGuest(core, 1), new ModelGuest(core, 2)};
        for (int t = 0; t < TICKS; t++) {
            long[] budget = {core.frames().freeFrames() - 1L};
            for (int i = 0; i < guests.length; i++) {
                if (RandomizedReclaimSequenceTest.rebootNowAndThen(core, guests, i, random, budget)) {
                    continue;
                }
                int target = i == 0 && seed % 3 == 0 ? 0 : core.balloonTarget(i);
                RandomizedReclaimSequenceTest.plan(guests[i], target, random, budget, sharing);
            }
            for (ModelGuest g : guests) {
                g.play();
            }
            if (sharing && t % 3 == 2) {
                RandomizedReclaimSequenceTest.mergeCommonPages(core);
            }
            core.endTick();
            assertThat(core.checkInvariants()).as("seed %d tick %d", seed, t).isEmpty();
            for (ModelGuest g : guests) {
                assertThat(g.audit()).as("seed %d tick %d guest %d", seed, t, g.index).isZero();
            }
        }
        CompressionCache c = core.compression();
        return new long[] {c.totalCompressions(), c.totalDecompressions(), c.totalWriteBacks(), c.totalTooLarge()};
    }
}
