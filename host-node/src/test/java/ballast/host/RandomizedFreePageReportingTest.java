package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import ballast.host.ReclaimHosts.Kind;
import ballast.host.reclaim.ReclaimSettings;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of free page reporting under reclamation: the random over-committed hosts of
 * {@link RandomizedReclaimSequenceTest} (balloons following their targets, host paging, pops, bad
 * balloon calls, guest page-outs, page sharing on half the runs), whose guests also report random
 * aligned blocks free (orders 0 to 3, pages they touched in the same tick, in host swap, shared,
 * ballooned or never backed included), now and then a bad report (misaligned, or from the
 * para-virtual guest), and touch reported pages again. After every tick: every read was predicted
 * (a reported page reads as a zero page until written, a page of a refused report as before),
 * every mapped page audits clean, and every invariant holds.
 */
class RandomizedFreePageReportingTest {
    static final int RUNS = 100;
    static final int TICKS = 60;

    @Test
    void contentsAndInvariantsHoldThroughRandomReportsAndReclamation() {
        long reported = 0;
        long refusedReports = 0;
        long swapOuts = 0;
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] f = play(seed);
            reported += f[0];
            refusedReports += f[1];
            swapOuts += f[2];
        }
        assertThat(reported).isPositive();
        assertThat(refusedReports).isPositive();
        assertThat(swapOuts).isPositive();
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed * 7919);
        String[] policies = {"shares", "idle-tax", "working-set"};
        ReclaimSettings reclaim = new ReclaimSettings(true, policies[(int) (seed % 3)], 0.75, 0.25, 0.5, 0.3, 16,
                0.16, 0.12, 0.08, 0.04, 0.01, 48, 1000, 200, 0, 0.1);
        boolean sharing = seed % 2 == 0;
        HypervisorCore core = new HypervisorCore(host(232, 8, reclaim, sharing,
                (seed % 4 < 2 ? Kind.FULL : Kind.NESTED_SHADOW).spec(0, 96), Kind.NESTED.spec(1, 96),
                Kind.PARA.spec(2, 64)));
        ModelGuest[] guests = {new ModelGuest(core, 0), new ModelGuest(core, 1), new ModelGuest(core, 2)};
        long refused = 0;
        for (int t = 0; t < TICKS; t++) {
            long[] budget = {core.frames().freeFrames() - 1L};
            for (int i = 0; i < guests.length; i++) {
                RandomizedReclaimSequenceTest.plan(guests[i], core.balloonTarget(i), random, budget, sharing);
                ModelGuest g = guests[i];
                boolean para = g.mode == TranslationMode.PARA;
                int reports = para ? (random.nextInt(10) == 0 ? 1 : 0) : random.nextInt(3);
                for (int k = 0; k < reports; k++) {
                    int order = random.nextInt(4);
                    int first = random.nextInt(g.pages >> order) << order;
                    if (!para && random.nextInt(15) == 0) {
                        first |= 1; // misaligned (a block of order 0 is never): refused when order > 0
                    }
                    g.report(order, first);
                }
            }
            for (ModelGuest g : guests) {
                refused += Long.bitCount(g.play().refusedReports());
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
        long reported = 0;
        long swapOuts = 0;
        for (int i = 0; i < guests.length; i++) {
            reported += core.guest(i).counters().pagesReported();
            swapOuts += core.guest(i).paging().hostSwapOuts();
        }
        assertThat(core.guest(2).counters().pagesReported()).as("the para-virtual guest's reports are refused").isZero();
        return new long[] {reported, refused, swapOuts};
    }
}
