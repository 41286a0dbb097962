package ballast.host.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageScannerTest {

    static SharingSettings settings(double host, double perGuest, SharingSettings.Order order) {
        return new SharingSettings(true, host, perGuest, order, 64, 0.1);
    }

    /** Every pass visits each PPN exactly once, in random order a different order each pass. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 1000, 1025, 10240})
    void eachPassIsAPermutation(int pages) {
        PageScanner scanner = new PageScanner(settings(1, 1, SharingSettings.Order.RANDOM), new int[] {pages}, 5);
        int[] first = new int[pages];
        for (int pass = 0; pass < 2; pass++) {
            BitSet seen = new BitSet(pages);
            boolean sameOrder = true;
            for (int i = 0; i < pages; i++) {
                int ppn = scanner.nextPpn(0);
                assertThat(ppn).isBetween(0, pages - 1);
                assertThat(seen.get(ppn)).as("PPN %d twice in pass %d", ppn, pass).isFalse();
                seen.set(ppn);
                if (pass == 0) {
                    first[i] = ppn;
                } else {
                    sameOrder &= first[i] == ppn;
                }
            }
            assertThat(seen.cardinality()).isEqualTo(pages);
            if (pass == 1 && pages > 16) {
                assertThat(sameOrder).isFalse();
            }
        }
        assertThat(scanner.fullScans()).isEqualTo(2);
    }

    /**
     * The random scan order for a fixed seed, folded over three passes of guests of several sizes
     * (runs padded or not): the value was recorded when the permutation was still evaluated once per
     * PPN instead of once per 64 KiB run, so evaluating it once per run changed no page's turn.
     */
    @Test
    void randomOrderIsTheSameWhenThePermutationIsEvaluatedOncePerRun() {
        int[] sizes = {1, 15, 17, 100, 1000, 10240, 40000};
        PageScanner scanner = new PageScanner(new SharingSettings(true, 1000, 1000, SharingSettings.Order.RANDOM, 64, 0.1),
                sizes, 2002);
        long fold = 17;
        for (int g = 0; g < sizes.length; g++) {
            for (int i = 0; i < 3 * sizes[g] + 7; i++) {
                fold = fold * 31 + scanner.nextPpn(g);
                fold ^= fold >>> 29;
            }
        }
        assertThat(Long.toHexString(fold)).isEqualTo("10da22f8ed637e73");
    }

    @Test
    void sequentialOrderWalksUpward() {
        PageScanner scanner = new PageScanner(settings(1, 1, SharingSettings.Order.SEQUENTIAL), new int[] {3}, 5);
        assertThat(new int[] {scanner.nextPpn(0), scanner.nextPpn(0), scanner.nextPpn(0), scanner.nextPpn(0)})
                .containsExactly(0, 1, 2, 0);
    }

    /** ESX's caps: 200 pages/s for the host, 50 per guest; ten guests share the host's 200 fairly. */
    @Test
    void ratesCapTheHostAndEachGuest() {
        int[] pages = new int[10];
        java.util.Arrays.fill(pages, 10240);
        PageScanner scanner = new PageScanner(settings(200, 50, SharingSettings.Order.RANDOM), pages, 5);
        int[] perGuest = new int[10];
        int total = 0;
        for (int tick = 0; tick < 100; tick++) { // 10 simulated seconds
            SharingWork work = scanner.plan(tick, null);
            for (long page : work.scanPages()) {
                perGuest[SharingWork.guestOf(page)]++;
            }
            total += work.scanPages().length;
            scanner.take(emptyResult(work));
        }
        assertThat(total).isBetween(1990, 2000);
        for (int g = 0; g < 10; g++) {
            assertThat(perGuest[g]).isBetween(195, 205);
        }
        // one guest alone is held to its own 50 pages per second
        PageScanner alone = new PageScanner(settings(200, 50, SharingSettings.Order.RANDOM), new int[] {10240}, 5);
        int scanned = 0;
        for (int tick = 0; tick < 100; tick++) {
            SharingWork work = alone.plan(tick, null);
            scanned += work.scanPages().length;
            alone.take(emptyResult(work));
        }
        assertThat(scanned).isBetween(495, 500);
        assertThat(alone.counters().pagesScanned()).isEqualTo(scanned);
    }

    /** A result saying every scanned page is unbacked. */
    static SharingResult emptyResult(SharingWork work) {
        int n = work.scanPages().length;
        return new SharingResult(work.tick(), new byte[n], new int[n], new long[n], new byte[work.mergePages().length],
                new int[work.groups()], new int[0], new long[0]);
    }

    @Test
    void aResultForAnotherTickIsIgnored() {
        PageScanner scanner = new PageScanner(settings(100, 100, SharingSettings.Order.SEQUENTIAL), new int[] {64}, 5);
        SharingWork work = scanner.plan(3, null);
        SharingResult other = new SharingResult(4, new byte[0], new int[0], new long[0], new byte[0], new int[0],
                new int[0], new long[0]);
        assertThat(scanner.take(other)).isFalse();
        assertThat(scanner.take(emptyResult(work))).isTrue();
        assertThat(scanner.take(emptyResult(work))).isFalse();
    }

    // ---------------------------------------------------------------- the lookups skipped for unchanged shared pages

    static final byte SHARED = ScanState.SHARED;
    static final byte PRIVATE = ScanState.PRIVATE;
    static final byte UNBACKED = ScanState.UNBACKED;

    /** One guest of {@code pages} pages, every page scanned every tick in PPN order. */
    static PageScanner everyPageEveryTick(int pages, boolean skip) {
        PageScanner scanner = new PageScanner(settings(10.0 * pages, 10.0 * pages, SharingSettings.Order.SEQUENTIAL),
                new int[] {pages}, 5);
        scanner.setSkipUnchangedShared(skip);
        return scanner;
    }

    /**
     * Takes a result for {@code work}: each scanned page's state, MPN and hash, every proposed page's
     * outcome {@code outcome} and every group's shared frame {@code groupShared}, and the frames freed.
     */
    static void take(PageScanner scanner, SharingWork work, byte[] states, int[] mpns, long[] hashes, byte outcome,
            int groupShared, int[] freed, long[] freedHashes) {
        assertThat(work.scanPages()).hasSize(states.length);
        byte[] outcomes = new byte[work.mergePages().length];
        java.util.Arrays.fill(outcomes, outcome);
        int[] shared = new int[work.groups()];
        java.util.Arrays.fill(shared, groupShared);
        assertThat(scanner.take(new SharingResult(work.tick(), states, mpns, hashes, outcomes, shared, freed, freedHashes)))
                .isTrue();
        assertThat(scanner.checkConsistency()).isNull();
    }

    static void take(PageScanner scanner, SharingWork work, byte[] states, int[] mpns, long[] hashes) {
        take(scanner, work, states, mpns, hashes, MergeOutcome.KEPT, -1, new int[0], new long[0]);
    }

    /**
     * Pages 0 and 1 on two shared frames with one hash (narrow hashes collide), the index naming
     * page 0's: page 1 skips its lookups while nothing changes, but once page 0's frame is freed
     * (its entry removed) page 1 is looked up again and its frame becomes the entry, so that page
     * 2, a private page of that hash, is proposed to join it, as without the skip.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSharedPageIsLookedUpAgainWhenASharedFrameOfItsHashIsFreed(boolean skip) {
        long h = 0x5EED_0000_0000_0001L;
        PageScanner scanner = everyPageEveryTick(3, skip);
        SharingWork w = scanner.plan(0, null);
        assertThat(w.scanPages()).containsExactly(SharingWork.page(0, 0), SharingWork.page(0, 1), SharingWork.page(0, 2));
        take(scanner, w, new byte[] {SHARED, SHARED, UNBACKED}, new int[] {100, 200, -1}, new long[] {h, h, 0});
        assertThat(scanner.index().get(h)).isEqualTo(SharingIndex.shared(100));
        assertThat(scanner.lookupsSkipped()).isZero();

        take(scanner, scanner.plan(1, null), new byte[] {SHARED, SHARED, UNBACKED}, new int[] {100, 200, -1}, new long[] {h, h, 0});
        assertThat(scanner.lookupsSkipped()).isEqualTo(skip ? 2 : 0);

        // page 0 broke copy-on-write and its frame was freed: the entry goes
        take(scanner, scanner.plan(2, null), new byte[] {UNBACKED, SHARED, UNBACKED}, new int[] {-1, 200, -1},
                new long[] {0, h, 0}, MergeOutcome.KEPT, -1, new int[] {100}, new long[] {h});
        assertThat(scanner.index().get(h)).as("page 1 looked up again").isEqualTo(SharingIndex.shared(200));
        assertThat(scanner.lookupsSkipped()).isEqualTo(skip ? 2 : 0);

        take(scanner, scanner.plan(3, null), new byte[] {UNBACKED, SHARED, PRIVATE}, new int[] {-1, 200, 300}, new long[] {0, h, h});
        assertThat(scanner.lookupsSkipped()).isEqualTo(skip ? 3 : 0);
        SharingWork proposals = scanner.plan(4, null);
        assertThat(proposals.mergeHashes()).containsExactly(h);
        assertThat(proposals.mergeTargets()).containsExactly(200);
        assertThat(proposals.mergePages()).containsExactly(SharingWork.page(0, 2));
        assertThat(proposals.mergeMpns()).containsExactly(300);
    }

    /**
     * The same with the entry removed because a proposal's target was gone by merge time: page 1,
     * on another shared frame of the hash, is looked up again in the same result and the proposed
     * page is proposed again, to page 1's frame.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSharedPageIsLookedUpAgainWhenAProposalsTargetIsGone(boolean skip) {
        long h = 0x5EED_0000_0000_0002L;
        PageScanner scanner = everyPageEveryTick(3, skip);
        take(scanner, scanner.plan(0, null), new byte[] {SHARED, SHARED, PRIVATE}, new int[] {100, 200, 300}, new long[] {h, h, h});
        SharingWork w = scanner.plan(1, null);
        assertThat(w.mergeTargets()).containsExactly(100);
        assertThat(w.mergePages()).containsExactly(SharingWork.page(0, 2));
        take(scanner, w, new byte[] {UNBACKED, SHARED, PRIVATE}, new int[] {-1, 200, 300}, new long[] {0, h, h},
                MergeOutcome.TARGET_GONE, -1, new int[0], new long[0]);
        assertThat(scanner.index().get(h)).as("page 1 looked up again").isEqualTo(SharingIndex.shared(200));
        SharingWork again = scanner.plan(2, null);
        assertThat(again.mergeTargets()).containsExactly(200);
        assertThat(again.mergePages()).containsExactly(SharingWork.page(0, 2));
    }

    /**
     * A bucket's counter stops at 127: the 128th removal in one bucket drops every page's stamp
     * instead, so a page stamped before is looked up again, though a counter that wrapped
     * around would have come back to its stamp.
     */
    @Test
    void theHundredAndTwentyEighthRemovalInABucketMakesEverySharedPageLookedUpAgain() {
        long h = 0x5EED_0000_0000_0003L;
        int pages = 129;
        long[] sameBucket = new long[pages - 2];
        int found = 0;
        for (long x = 1; found < sameBucket.length; x++) {
            if (PageScanner.bucket(x) == PageScanner.bucket(h) && x != h) {
                sameBucket[found++] = x;
            }
        }
        PageScanner scanner = everyPageEveryTick(pages, true);
        // pages 0 and 1 on two shared frames of hash h (the entry is page 0's), pages 2.. on shared
        // frames of other hashes of h's bucket
        byte[] states = new byte[pages];
        int[] mpns = new int[pages];
        long[] hashes = new long[pages];
        java.util.Arrays.fill(states, SHARED);
        mpns[0] = 100;
        mpns[1] = 101;
        hashes[0] = h;
        hashes[1] = h;
        for (int p = 2; p < pages; p++) {
            mpns[p] = 1000 + p;
            hashes[p] = sameBucket[p - 2];
        }
        take(scanner, scanner.plan(0, null), states, mpns, hashes);
        // every frame of the bucket freed but page 1's: 128 removals in one bucket
        int[] freed = new int[pages - 1];
        long[] freedHashes = new long[pages - 1];
        freed[0] = 100;
        freedHashes[0] = h;
        for (int p = 2; p < pages; p++) {
            freed[p - 1] = mpns[p];
            freedHashes[p - 1] = hashes[p];
            states[p] = UNBACKED;
            mpns[p] = -1;
            hashes[p] = 0;
        }
        states[0] = UNBACKED;
        mpns[0] = -1;
        hashes[0] = 0;
        take(scanner, scanner.plan(1, null), states, mpns, hashes, MergeOutcome.KEPT, -1, freed, freedHashes);
        assertThat(scanner.lookupsSkipped()).isZero();
        assertThat(scanner.index().get(h)).as("page 1 looked up again").isEqualTo(SharingIndex.shared(101));
        // and skipped again at the next scan
        take(scanner, scanner.plan(2, null), states, mpns, hashes);
        assertThat(scanner.lookupsSkipped()).isEqualTo(1);
    }

    /**
     * The skip's argument rests on the daemon's own bookkeeping, not on what the hypervisor
     * reports: for any sequence of results, two daemons, one skipping the lookups of unchanged
     * shared pages and one looking every page up, must plan the same scans and proposals. Seeded
     * random results over few hashes and few MPNs (so that two shared frames often have one hash,
     * and freed frames and gone targets often name the index's entries); pages keep what they
     * were found with from one tick to the next, mostly, so that many skip their lookup.
     */
    @Test
    void anySequenceOfResultsGivesTheSameProposalsWithAndWithoutTheSkip() {
        long skipped = 0;
        for (long seed = 1; seed <= 300; seed++) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            SharingSettings.Order order = random.nextBoolean() ? SharingSettings.Order.RANDOM : SharingSettings.Order.SEQUENTIAL;
            double rate = random.nextBoolean() ? 1280 : 400; // every page each tick, or a third of them
            int[] sizes = {64, 64};
            PageScanner with = new PageScanner(settings(rate, rate, order), sizes, seed);
            PageScanner without = new PageScanner(settings(rate, rate, order), sizes, seed);
            without.setSkipUnchangedShared(false);
            byte[] found = new byte[128];
            int[] mpn = new int[128];
            long[] hash = new long[128];
            for (int t = 0; t < 40; t++) {
                for (int p = 0; p < 128; p++) {
                    if (t == 0 || random.nextInt(10) == 0) {
                        int r = random.nextInt(10);
                        found[p] = r < 5 ? SHARED : r < 9 ? PRIVATE : UNBACKED;
                        mpn[p] = found[p] == UNBACKED ? -1 : random.nextInt(12);
                        hash[p] = found[p] == UNBACKED ? 0 : 1 + random.nextInt(5);
                    }
                }
                SharingWork w = with.plan(t, null);
                SharingWork wo = without.plan(t, null);
                String at = "seed " + seed + " tick " + t;
                assertThat(w.scanPages()).as(at).isEqualTo(wo.scanPages());
                assertThat(w.mergeHashes()).as(at).isEqualTo(wo.mergeHashes());
                assertThat(w.mergeTargets()).as(at).isEqualTo(wo.mergeTargets());
                assertThat(w.mergeEnds()).as(at).isEqualTo(wo.mergeEnds());
                assertThat(w.mergePages()).as(at).isEqualTo(wo.mergePages());
                assertThat(w.mergeMpns()).as(at).isEqualTo(wo.mergeMpns());
                int n = w.scanPages().length;
                byte[] states = new byte[n];
                int[] mpns = new int[n];
                long[] hashes = new long[n];
                for (int i = 0; i < n; i++) {
                    int p = SharingWork.guestOf(w.scanPages()[i]) * 64 + SharingWork.ppnOf(w.scanPages()[i]);
                    states[i] = found[p];
                    mpns[i] = mpn[p];
                    hashes[i] = hash[p];
                }
                byte[] outcomes = new byte[w.mergePages().length];
                for (int i = 0; i < outcomes.length; i++) {
                    outcomes[i] = (byte) random.nextInt(MergeOutcome.INVALID + 1);
                }
                int[] groupShared = new int[w.groups()];
                for (int k = 0; k < groupShared.length; k++) {
                    groupShared[k] = random.nextInt(3) == 0 ? -1 : random.nextInt(12);
                }
                int frees = random.nextInt(3);
                int[] freed = new int[frees];
                long[] freedHashes = new long[frees];
                for (int f = 0; f < frees; f++) {
                    freed[f] = random.nextInt(12);
                    freedHashes[f] = 1 + random.nextInt(5);
                }
                long before = with.lookupsSkipped();
                SharingResult result = new SharingResult(t, states, mpns, hashes, outcomes, groupShared, freed, freedHashes);
                assertThat(with.take(result)).isTrue();
                assertThat(without.take(result)).isTrue();
                assertThat(with.checkConsistency()).as(at).isNull();
                skipped += with.lookupsSkipped() - before;
            }
            assertThat(with.counters()).isEqualTo(without.counters());
            java.util.List<Long> a = new java.util.ArrayList<>();
            java.util.List<Long> b = new java.util.ArrayList<>();
            with.index().forEach((h, v) -> { a.add(h); a.add((long) v); });
            without.index().forEach((h, v) -> { b.add(h); b.add((long) v); });
            assertThat(a).as("seed %d: the index", seed).isEqualTo(b);
        }
        assertThat(skipped).isPositive();
    }
}
