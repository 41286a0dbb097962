package ballast.host;

import ballast.host.translation.GuestMemory;
import static ballast.host.ReclaimHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.host.memory.Pmap;
import ballast.host.reclaim.ReclaimSettings;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of reclamation: seeded random runs of an over-committed host (a full or
 * shadow-paged nested guest, a nested guest and a para-virtual guest on fewer frames than they are
 * configured with) with the reclaimer running every tick (sampling, states, rebalances, host
 * paging at 20 pages a tick into a small swap, share before swap on half the runs; thresholds well
 * above ESX's so that the host goes through every state), guests that follow their balloon targets
 * (one guest has no balloon driver on a third of the runs), touch random pages, page out to their own disks (some pages the
 * host had swapped), pop their balloons now and then, send bad balloon calls now and then, and
 * stop and boot afresh now and then. After every tick: every read was predicted (the digest), every
 * mapped page audits clean (swapped pages read from swap), and every invariant holds.
 *
 * <p>The guests never touch more new pages in a tick than the host has free frames (a real guest
 * would read a fault and its check would say so; that is not what is tested here).
 */
class RandomizedReclaimSequenceTest {
    static final int RUNS = 150;
    static final int TICKS = 60;

    @Test
    void contentsAndInvariantsHoldThroughRandomReclamation() {
        long ticks = 0;
        long swapOuts = 0;
        long pops = 0;
        long doublePagings = 0;
        long refused = 0;
        long sharedBeforeSwap = 0;
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] figures = play(seed);
            ticks += figures[0];
            swapOuts += figures[1];
            pops += figures[2];
            doublePagings += figures[3];
            refused += figures[4];
            sharedBeforeSwap += figures[5];
        }
        System.out.printf("randomized reclamation: %d runs, %d ticks, %d host swap-outs, %d shared before swap, %d pops,"
                + " %d double pagings, %d refused balloon calls%n", RUNS, ticks, swapOuts, sharedBeforeSwap, pops,
                doublePagings, refused);
        assertThat(swapOuts).isPositive();
        assertThat(pops).isPositive();
        assertThat(doublePagings).isPositive();
        assertThat(refused).isPositive();
        assertThat(sharedBeforeSwap).isPositive();
    }

    /**
     * Now and then (one tick in a hundred) stops guest {@code i} and boots it afresh at once, when a
     * para-virtual guest's frames would fit again; the budget of new pages is then the free frames.
     * Returns whether it did.
     */
    static boolean rebootNowAndThen(HypervisorCore core, ModelGuest[] guests, int i, SplittableRandom random,
                                    long[] budget) {
        boolean fits = guests[i].mode != ballast.abi.TranslationMode.PARA
                || core.frames().freeFrames() + core.guest(i).pmap().privatePages() >= guests[i].pages + 2;
        if (random.nextInt(100) == 0 && fits) {
            core.releaseGuest(i);
            guests[i] = new ModelGuest(core, i);
            budget[0] = core.frames().freeFrames() - 1L;
            return true;
        }
        return false;
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
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
                if (RandomizedReclaimSequenceTest.rebootNowAndThen(core, guests, i, random, budget)) {
                    continue;
                }
                // the first guest runs without a balloon driver on a third of the runs: only host paging reclaims it
                int target = i == 0 && seed % 3 == 0 ? 0 : core.balloonTarget(i);
                plan(guests[i], target, random, budget, sharing);
            }
            for (ModelGuest g : guests) {
                if (g.play().balloonStatus() % 4 != 0) {
                    refused++;
                }
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
        long swapOuts = 0;
        long pops = 0;
        long doublePagings = 0;
        long shared = 0;
        for (int i = 0; i < guests.length; i++) {
            GuestMemory m = core.guest(i);
            swapOuts += m.paging().hostSwapOuts();
            pops += m.counters().balloonPops();
            doublePagings += m.paging().doublePagings();
            shared += m.paging().sharedBeforeSwap();
        }
        return new long[] {TICKS, swapOuts, pops, doublePagings, refused, shared};
    }

    static final long COMMON = 0x5EED_0000_0000_0001L;

    /**
     * The page-sharing daemon's part, through the hypervisor's real merge path: propose every
     * private zero page and private page holding {@link #COMMON} of the non-para-virtual guests, up
     * to three of each (so that there are shared frames, and private pages left that could join
     * them); a para-virtual guest would learn of its merges by a notice the model does not wait for.
     */
    static void mergeCommonPages(HypervisorCore core) {
        it.unimi.dsi.fastutil.longs.LongArrayList pages = new it.unimi.dsi.fastutil.longs.LongArrayList();
        int[] ends = new int[2];
        long[] tokens = {0L, COMMON};
        for (int k = 0; k < 2; k++) {
            int start = pages.size();
            for (int i = 0; i < 2; i++) {
                Pmap pmap = core.guest(i).pmap();
                for (int ppn = 0; ppn < pmap.pages() && pages.size() - start < 3; ppn++) {
                    if (pmap.state(ppn) == Pmap.BACKED && core.frames().token(pmap.mpn(ppn)) == tokens[k]) {
                        pages.add(ballast.host.sharing.SharingWork.page(i, ppn));
                    }
                }
            }
            ends[k] = pages.size();
        }
        int[] seen = new int[pages.size()];
        java.util.Arrays.fill(seen, -1);
        core.applySharing(new ballast.host.sharing.SharingWork(0, new long[0],
                new long[] {core.hashOfToken(0L), core.hashOfToken(COMMON)}, new int[] {-1, -1}, ends,
                pages.toLongArray(), seen, null));
    }

    /** Whether touching {@code ppn} (a write when {@code write}) may take a frame now. */
    static boolean needsFrame(ModelGuest g, int ppn, boolean write) {
        byte state = g.memory().pmap().state(ppn);
        return state != Pmap.BACKED && state != Pmap.SHARED || state == Pmap.SHARED && write;
    }

    /** One guest's random tick: its balloon driver, its touches and its disk. */
    static void plan(ModelGuest g, int target, SplittableRandom random, long[] budget, boolean sharing) {
        boolean para = g.mode == ballast.abi.TranslationMode.PARA;
        java.util.BitSet touched = new java.util.BitSet(g.pages);
        // the balloon driver: up to 8 pages toward the target
        int step = Math.min(8, Math.abs(target - g.balloonSize));
        if (g.balloonSize < target) {
            for (int k = 0; k < 40 && step > 0; k++) {
                int ppn = random.nextInt(g.pages);
                if (!g.inBalloon[ppn] && !touched.get(ppn)) {
                    g.inflate(ppn);
                    touched.set(ppn);
                    step--;
                }
            }
        } else if (g.balloonSize > target) {
            for (int ppn = 0; ppn < g.pages && step > 0; ppn++) {
                if (g.inBalloon[ppn] && (!para || budget[0] > 0)) {
                    g.deflate(ppn);
                    touched.set(ppn);
                    step--;
                    if (para) {
                        budget[0]--;
                    }
                }
            }
        }
        // now and then a bad balloon call: a page twice, or a page not in the balloon
        if (random.nextInt(20) == 0) {
            int ppn = random.nextInt(g.pages);
            if (!g.inBalloon[ppn] && !touched.get(ppn)) {
                touched.set(ppn);
                g.deflate(ppn); // NOT_BALLOONED: the whole deflate of this tick is refused
            }
        }
        // touches of its own pages
        int n = random.nextInt(24);
        for (int k = 0; k < n; k++) {
            int ppn = random.nextInt(g.pages);
            if (g.inBalloon[ppn] || touched.get(ppn)) {
                continue;
            }
            boolean write = random.nextInt(3) == 0;
            if (needsFrame(g, ppn, write)) {
                if (budget[0] <= 0) {
                    continue;
                }
                budget[0]--;
            }
            touched.set(ppn);
            if (write) {
                // on a sharing host, one write in six is a zero page or a common content: sharing candidates
                if (sharing && random.nextInt(6) == 0) {
                    g.write(ppn, random.nextBoolean() ? 0L : COMMON);
                } else {
                    g.write(ppn);
                }
            } else {
                g.read(ppn);
            }
        }
        // a pop: the OS touches a page its driver gave away (not para-virtual guests: they cannot map it)
        if (!para && g.balloonSize > 0 && budget[0] > 0 && random.nextInt(25) == 0) {
            for (int ppn = random.nextInt(g.pages), k = 0; k < g.pages; k++, ppn = (ppn + 1) % g.pages) {
                if (g.inBalloon[ppn] && !touched.get(ppn) && g.memory().pmap().state(ppn) == Pmap.BALLOONED) {
                    budget[0]--;
                    touched.set(ppn);
                    g.read(ppn);
                    break;
                }
            }
        }
        // its disk: a few pages written out (some may be in host swap: double paging)
        if (random.nextInt(4) == 0) {
            for (int k = 0; k < 3; k++) {
                int ppn = random.nextInt(g.pages);
                if (!g.inBalloon[ppn] && !touched.get(ppn) && budget[0] > 0) {
                    if (g.memory().pmap().state(ppn) == Pmap.SWAPPED) {
                        budget[0]--;
                    }
                    g.pageOut(ppn);
                }
            }
        }
    }
}
