package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.sharing.MergeOutcome;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingWork;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The page-sharing daemon skips the index lookup of a page found shared with an unchanged hash
 * while no shared-frame entry of its hash's bucket has been removed. Seeded random sequences of
 * writes, reads, merges and copy-on-write breaks (a full, a para-virtual and a nested guest, wide
 * and narrow hashes, every page scanned each tick or a few) are played twice, with the skip and
 * with every shared page looked up: every tick's scans, proposals (groups, targets, pages, MPNs)
 * and merge outcomes, the frames freed, and at the end the index and the host's figures must be
 * the same. The harness checks after every tick that a page that would skip its lookup has a
 * shared-frame entry under its hash.
 */
class SharingLookupSkipTest {
    static final int SEQUENCES = 200;
    static final int TICKS = 30;
    static final int PAGES = 32;

    @Test
    void skippingTheLookupsOfUnchangedSharedPagesProposesAndMergesExactlyAsLookingEveryPageUp() {
        long skipped = 0;
        long freed = 0;
        long targetsGone = 0;
        long merges = 0;
        for (long seed = 1; seed <= SEQUENCES; seed++) {
            SplittableRandom setup = new SplittableRandom(seed);
            int hashBits = setup.nextBoolean() ? 64 : 4; // narrow hashes: collisions between shared frames
            double scanRate = setup.nextBoolean() ? 1e6 : 150; // every page each tick, or 15 a tick
            SharingHarness with = harness(hashBits, scanRate);
            SharingHarness without = harness(hashBits, scanRate);
            without.scanner.setSkipUnchangedShared(false);
            SplittableRandom a = new SplittableRandom(seed * 31 + 7);
            SplittableRandom b = new SplittableRandom(seed * 31 + 7);
            for (int t = 0; t < TICKS; t++) {
                queue(with, a, t);
                queue(without, b, t);
                with.tick();
                without.tick();
                String at = "seed " + seed + " tick " + t;
                assertSameWork(with.lastWork, without.lastWork, at);
                assertSameResult(with.lastSharing, without.lastSharing, at);
                freed += with.lastSharing.freedMpns().length;
                for (byte o : with.lastSharing.mergeOutcomes()) {
                    if (o == MergeOutcome.TARGET_GONE) {
                        targetsGone++;
                    }
                }
            }
            assertThat(entries(with)).as("seed %d: the index", seed).isEqualTo(entries(without));
            assertThat(with.core.hostStats()).as("seed %d", seed).isEqualTo(without.core.hostStats());
            assertThat(with.scanner.counters()).as("seed %d", seed).isEqualTo(without.scanner.counters());
            assertThat(with.mismatches()).isZero();
            assertThat(without.scanner.lookupsSkipped()).isZero();
            skipped += with.scanner.lookupsSkipped();
            merges += with.core.hostStats().mergeCount();
        }
        assertThat(skipped).as("lookups skipped").isPositive();
        assertThat(freed).as("shared frames freed").isPositive();
        assertThat(targetsGone).as("targets gone").isPositive();
        assertThat(merges).isPositive();
    }

    static SharingHarness harness(int hashBits, double scanRate) {
        return new SharingHarness(hashBits, scanRate, PAGES, TranslationMode.FULL, TranslationMode.PARA, TranslationMode.NESTED);
    }

    /** The first ticks fill every page from a few contents (so pages merge); later ones write a few (so copies break). */
    static void queue(SharingHarness h, SplittableRandom random, int tick) {
        for (SharingHarness.Guest g : h.guests) {
            int writes = tick < 2 ? PAGES : random.nextInt(5);
            for (int i = 0; i < writes; i++) {
                int page = tick < 2 ? i : random.nextInt(PAGES);
                int content = random.nextInt(8);
                g.write(page, content == 0 ? Tokens.ZERO : Tokens.nonZero(99, content));
            }
            for (int i = random.nextInt(4); i > 0; i--) {
                int page = random.nextInt(PAGES);
                if (g.mapped[page]) {
                    g.read(page);
                }
            }
        }
    }

    static void assertSameWork(SharingWork x, SharingWork y, String at) {
        assertThat(x.scanPages()).as("%s: scans", at).isEqualTo(y.scanPages());
        assertThat(x.mergeHashes()).as("%s: proposal groups", at).isEqualTo(y.mergeHashes());
        assertThat(x.mergeTargets()).as("%s: proposal targets", at).isEqualTo(y.mergeTargets());
        assertThat(x.mergeEnds()).as("%s: proposal ends", at).isEqualTo(y.mergeEnds());
        assertThat(x.mergePages()).as("%s: proposed pages", at).isEqualTo(y.mergePages());
        assertThat(x.mergeMpns()).as("%s: proposed MPNs", at).isEqualTo(y.mergeMpns());
    }

    static void assertSameResult(SharingResult x, SharingResult y, String at) {
        assertThat(x.scanStates()).as("%s: scan states", at).isEqualTo(y.scanStates());
        assertThat(x.scanMpns()).as("%s: scan MPNs", at).isEqualTo(y.scanMpns());
        assertThat(x.scanHashes()).as("%s: scan hashes", at).isEqualTo(y.scanHashes());
        assertThat(x.mergeOutcomes()).as("%s: merge outcomes", at).isEqualTo(y.mergeOutcomes());
        assertThat(x.mergeShared()).as("%s: groups' shared frames", at).isEqualTo(y.mergeShared());
        assertThat(x.freedMpns()).as("%s: frames freed", at).isEqualTo(y.freedMpns());
    }

    static long[] entries(SharingHarness h) {
        LongArrayList all = new LongArrayList();
        h.scanner.index().forEach((hash, value) -> {
            all.add(hash);
            all.add(value);
        });
        return all.toLongArray();
    }
}
