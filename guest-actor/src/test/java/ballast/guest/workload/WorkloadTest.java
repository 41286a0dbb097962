package ballast.guest.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void hotColdSendsTheConfiguredShareOfAccessesToTheHotPages() {
        Phase p = new Phase(Double.POSITIVE_INFINITY, 10_000, 1e6, 0.25, 0.1, 0.9);
        Workload w = new Workload(new WorkloadSettings("hot-cold", List.of(p)), 1);
        w.beginTick(0, 0.1);
        int n = 200_000;
        int hot = 0;
        int writes = 0;
        int[] seen = new int[10_000];
        for (int i = 0; i < n; i++) {
            int page = w.nextPage();
            assertThat(page).isBetween(0, 9_999);
            seen[page]++;
            if (page < 1_000) {
                hot++;
            }
            if (w.nextIsWrite()) {
                writes++;
            }
        }
        assertThat(hot / (double) n).isCloseTo(0.9, within(0.01));
        assertThat(writes / (double) n).isCloseTo(0.25, within(0.01));
        // cold pages are picked too, roughly uniformly
        int coldTouched = 0;
        for (int i = 1_000; i < 10_000; i++) {
            if (seen[i] > 0) {
                coldTouched++;
            }
        }
        assertThat(coldTouched).isGreaterThan(7_700); // 20,000 cold picks over 9,000 pages: about 8,000 distinct
    }

    @Test
    void uniformCoversTheWorkingSetEvenly() {
        Workload w = new Workload(new WorkloadSettings("uniform", List.of(Phase.uniform(Double.POSITIVE_INFINITY, 100, 1000, 0))), 3);
        w.beginTick(0, 1);
        int[] counts = new int[100];
        for (int i = 0; i < 100_000; i++) {
            counts[w.nextPage()]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(850, 1150);
        }
        assertThat(w.nextIsWrite()).isFalse();
    }

    @Test
    void accessesPerTickFollowTheRateAndCarryFractions() {
        Workload w = new Workload(new WorkloadSettings("uniform", List.of(Phase.uniform(Double.POSITIVE_INFINITY, 10, 15, 0))), 3);
        long total = 0;
        for (int tick = 0; tick < 100; tick++) {
            total += w.beginTick(tick * 0.1, 0.1);
        }
        assertThat(total).isEqualTo(150); // 1.5 per tick, the halves carried over
    }

    @Test
    void phasesSwitchAtTheirBoundariesAndTheLastOneLasts() {
        Phase small = Phase.uniform(10, 100, 1000, 0.5);
        Phase large = Phase.uniform(5, 1000, 2000, 0.1);
        Workload w = new Workload(new WorkloadSettings("phases", List.of(small, large)), 9);
        assertThat(w.phaseAt(0)).isSameAs(small);
        assertThat(w.phaseAt(9.99)).isSameAs(small);
        assertThat(w.phaseAt(10)).isSameAs(large);
        assertThat(w.phaseAt(1e6)).isSameAs(large);
        assertThat(w.beginTick(12, 1)).isEqualTo(2000);
        assertThat(w.workingSetPages()).isEqualTo(1000);
    }

    @Test
    void idleDoesNothing() {
        Workload w = new Workload(new WorkloadSettings("idle", List.of(Phase.idle(Double.POSITIVE_INFINITY))), 1);
        assertThat(w.beginTick(0, 1)).isZero();
    }

    @Test
    void sameSeedSameSequenceOtherSeedOther() {
        WorkloadSettings s = new WorkloadSettings("uniform", List.of(Phase.uniform(Double.POSITIVE_INFINITY, 1 << 20, 1, 0.5)));
        Workload a = new Workload(s, 42);
        Workload b = new Workload(s, 42);
        Workload c = new Workload(s, 43);
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            int x = a.nextPage();
            assertThat(b.nextPage()).isEqualTo(x);
            if (c.nextPage() == x) {
                same++;
            }
        }
        assertThat(same).isLessThan(5);
    }

    /**
     * A batch of accesses is exactly the pairs of nextPage() and nextIsWrite() one by one, for
     * hot-cold, uniform, all-writes and no-writes phases; the stream moves only past the accesses
     * taken, so a batch used in part, then saved and restored, goes on as the one-by-one stream.
     */
    @Test
    void batchesGiveTheSameAccessesAsOneByOneAndMoveOnlyPastThoseTaken() {
        List<Phase> phases = List.of(new Phase(Double.POSITIVE_INFINITY, 10_000, 1e6, 0.25, 0.1, 0.9),
                new Phase(Double.POSITIVE_INFINITY, 777, 1e6, 0.2, 0.02, 0.95),
                Phase.uniform(Double.POSITIVE_INFINITY, 100, 1000, 1.0),
                Phase.uniform(Double.POSITIVE_INFINITY, 1, 1000, 0),
                new Phase(Double.POSITIVE_INFINITY, 500, 1e6, 0.5, 1.0, 0.5),
                new Phase(Double.POSITIVE_INFINITY, 500, 1e6, 0.5, 0.1, 0.0),
                new Phase(Double.POSITIVE_INFINITY, 500, 1e6, 0.5, 0.1, 1.0));
        for (Phase p : phases) {
            WorkloadSettings settings = new WorkloadSettings("phases", List.of(p));
            Workload batched = new Workload(settings, 17);
            Workload single = new Workload(settings, 17);
            batched.beginTick(0, 0.1);
            single.beginTick(0, 0.1);
            long[] accesses = new long[Workload.MAX_BATCH];
            int writes = 0;
            int total = 0;
            for (int round = 0; round < 40; round++) {
                int n = round % 3 == 0 ? Workload.MAX_BATCH : 1 + round * 7 % Workload.MAX_BATCH;
                int taken = round % 4 == 1 ? n / 2 : n; // some batches are used in part (a tick that stops early)
                batched.peekAccesses(accesses, n);
                for (int i = 0; i < taken; i++) {
                    assertThat(Workload.page(accesses[i])).as("%s access %d", p, total).isEqualTo(single.nextPage());
                    boolean write = single.nextIsWrite();
                    assertThat(Workload.isWrite(accesses[i])).as("%s access %d", p, total).isEqualTo(write);
                    writes += write ? 1 : 0;
                    total++;
                }
                batched.tookAccesses(taken);
                assertThat(batched.randomState()).isEqualTo(single.randomState());
                if (round == 20) {
                    batched.restore(batched.randomState(), batched.carry());
                }
            }
            if (p.writeFraction() == 1.0) {
                assertThat(writes).isEqualTo(total);
            } else if (p.writeFraction() == 0) {
                assertThat(writes).isZero();
            }
        }
    }
}
