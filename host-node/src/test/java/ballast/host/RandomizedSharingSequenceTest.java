package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of page sharing: seeded random sequences of ticks on a sharing host with a full,
 * a para-virtual and a nested guest writing few distinct contents (so that pages merge) and
 * overwriting them (so that copy-on-write breaks), with the daemon scanning and merging every
 * tick. After every tick every invariant holds (checked by the harness) and every guest reads back
 * exactly what it wrote. With narrow hashes, false matches are rejected.
 */
class RandomizedSharingSequenceTest {
    static final int SEQUENCES = 300;
    static final int TICKS = 8;
    static final int PAGES = 32;

    @Test
    void randomWritesMergesAndCopyOnWriteBreaksKeepEveryInvariantAndEveryRead() {
        long merges = 0;
        long cowBreaks = 0;
        long falseMatches = 0;
        for (long seed = 1; seed <= SEQUENCES; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int hashBits = random.nextBoolean() ? 64 : 4; // narrow hashes: false matches to reject
            SharingHarness h = new SharingHarness(hashBits, 1e6, PAGES,
                    TranslationMode.FULL, TranslationMode.PARA, TranslationMode.NESTED);
            for (int t = 0; t < TICKS; t++) {
                for (SharingHarness.Guest g : h.guests) {
                    int n = 1 + random.nextInt(24);
                    for (int i = 0; i < n; i++) {
                        int page = random.nextInt(PAGES);
                        if (random.nextInt(3) == 0 && g.mapped[page]) {
                            g.read(page);
                        } else {
                            // few distinct contents, and zero pages, so that the daemon finds duplicates
                            int content = random.nextInt(6);
                            g.write(page, content == 0 ? Tokens.ZERO : Tokens.nonZero(99, content));
                        }
                    }
                }
                h.tick(); // applies, merges, checks every invariant
                assertThat(h.mismatches()).as("seed %d tick %d", seed, t).isZero();
            }
            assertThat(h.refusals).as("seed %d", seed).isEmpty();
            var stats = h.core.hostStats();
            merges += stats.mergeCount();
            falseMatches += stats.falseMatches();
            for (int g = 0; g < 3; g++) {
                cowBreaks += h.core.guestStats(g, null).cowBreaks();
            }
        }
        System.out.println("randomized sharing sequences: " + SEQUENCES + " x " + TICKS + " ticks, " + merges
                + " merges, " + cowBreaks + " copy-on-write breaks, " + falseMatches + " false matches rejected");
        assertThat(merges).isPositive();
        assertThat(cowBreaks).isPositive();
        assertThat(falseMatches).isPositive();
    }
}
