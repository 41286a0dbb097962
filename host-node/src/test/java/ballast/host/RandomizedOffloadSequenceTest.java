package ballast.host;

import static ballast.host.RandomizedReclaimSequenceTest.mergeCommonPages;
import static ballast.host.RandomizedReclaimSequenceTest.plan;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.host.offload.OffloadSettings;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingSettings;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of proactive offload beside reclamation: the seeded random runs of
 * {@link RandomizedReclaimSequenceTest} (an over-committed host, its reclaimer, balloons, host
 * paging, pops, double paging, share before swap, guests stopped and booted afresh) with the
 * offload on: every tick sampled, regions cold after two ticks without an access, a period of one
 * tick, a target of 90% on even seeds (it offloads) and 0.5% on odd ones (it backs off). After every
 * tick: every read was predicted (the digest), every mapped page audits clean (offloaded pages read
 * from swap), and every invariant holds, the offload's own included (every page counted out is in
 * host swap).
 */
class RandomizedOffloadSequenceTest {
    static final int RUNS = 120;
    static final int TICKS = 60;

    @Test
    void contentsAndInvariantsHoldWithOffloadOn() {
        long offloaded = 0;
        long refaults = 0;
        long backoffs = 0;
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] f = play(seed);
            offloaded += f[0];
            refaults += f[1];
            backoffs += f[2];
        }
        assertThat(offloaded).isPositive();
        assertThat(refaults).isPositive();
        assertThat(backoffs).isPositive();
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] policies = {"shares", "idle-tax", "working-set"};
        ReclaimSettings reclaim = new ReclaimSettings(true, policies[(int) (seed % 3)], 0.75, 0.25, 0.5, 0.3, 16,
                0.16, 0.12, 0.08, 0.04, 0.01, 96, 1000, 200, 0, 0.1);
        OffloadSettings offload = new OffloadSettings(true, 0.2, seed % 2 == 0 ? 0.9 : 0.005, 0.1, 2, 16, 0.1, 0.05,
                0.1);
        boolean sharing = seed % 4 == 0;
        SharingSettings share = new SharingSettings(sharing, 200, 50, SharingSettings.Order.RANDOM, 64, 0.1);
        HypervisorCore core = new HypervisorCore(new HostSettings("offload-host", 42L + seed, 232, 8, 64, 1 << 20,
                4096, TestHosts.COSTS, List.of((seed % 3 == 0 ? Kind.FULL : Kind.NESTED_SHADOW).spec(0, 96),
                Kind.NESTED.spec(1, 96), Kind.PARA.spec(2, 64)), share, reclaim, null, offload));
        ModelGuest[] guests = {new ModelGuest(core, 0), new ModelGuest(core, 1), new ModelGuest(core, 2)};
        for (int t = 0; t < TICKS; t++) {
            long[] budget = {core.frames().freeFrames() - 1L};
            for (int i = 0; i < guests.length; i++) {
                if (RandomizedReclaimSequenceTest.rebootNowAndThen(core, guests, i, random, budget)) {
                    continue;
                }
                plan(guests[i], core.balloonTarget(i), random, budget, sharing);
            }
            for (ModelGuest g : guests) {
                g.play();
            }
            if (sharing && t % 3 == 2) {
                mergeCommonPages(core);
            }
            core.endTick();
            assertThat(core.checkInvariants()).as("seed %d tick %d", seed, t).isEmpty();
            for (ModelGuest g : guests) {
                assertThat(g.audit()).as("seed %d tick %d guest %d", seed, t, g.index).isZero();
            }
        }
        long offloaded = 0;
        long refaults = 0;
        for (int i = 0; i < guests.length; i++) {
            offloaded += core.guest(i).offloaded().offloadedPages();
            refaults += core.guest(i).offloaded().refaults();
        }
        assertThat(core.guest(2).offloaded().offloadedPages()).as("para-virtual guest offloaded").isZero();
        return new long[] {offloaded, refaults, core.offload().controller().backoffs()};
    }
}
