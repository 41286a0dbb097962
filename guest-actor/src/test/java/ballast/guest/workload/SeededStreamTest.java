package ballast.guest.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The stream's batches give exactly its numbers one by one, and move it only as far as asked. */
class SeededStreamTest {

    @Test
    void peekedPairsAreTheNextOutputsInOrderAndTheStreamDoesNotMove() {
        for (long seed : new long[] {0, 1, -7, 0x9e3779b97f4a7c15L, Long.MIN_VALUE}) {
            SeededStream s = new SeededStream(seed);
            s.nextLong(); // an odd position: pairs need not start at the seed
            long before = s.state();
            long[] first = new long[SeededStream.MAX_PEEK];
            long[] second = new long[SeededStream.MAX_PEEK];
            s.peekPairs(first, second, SeededStream.MAX_PEEK);
            assertThat(s.state()).isEqualTo(before);
            SplittableRandom r = new SplittableRandom(seed);
            r.nextLong();
            for (int i = 0; i < SeededStream.MAX_PEEK; i++) {
                assertThat(first[i]).as("pair %d, first", i).isEqualTo(r.nextLong());
                assertThat(second[i]).as("pair %d, second", i).isEqualTo(r.nextLong());
            }
        }
    }

    @Test
    void skipMovesTheStreamAsThatManyDrawsWould() {
        SeededStream skipped = new SeededStream(42);
        SeededStream drawn = new SeededStream(42);
        for (int n : new int[] {0, 1, 2, 7, 256, 1000}) {
            skipped.skip(n);
            for (int i = 0; i < n; i++) {
                drawn.nextLong();
            }
            assertThat(skipped.state()).isEqualTo(drawn.state());
            assertThat(skipped.nextLong()).isEqualTo(drawn.nextLong());
        }
    }

    @Test
    void aPartlyUsedBatchLeavesTheStreamWhereTheDrawsUsedEnd() {
        SeededStream s = new SeededStream(5);
        SplittableRandom r = new SplittableRandom(5);
        long[] first = new long[10];
        long[] second = new long[10];
        s.peekPairs(first, second, 10);
        for (int i = 0; i < 3; i++) {
            r.nextLong();
            r.nextLong();
        }
        r.nextLong(); // the fourth pair's first draw only
        s.skip(7);
        // saved and restored there, it goes on as the one-by-one stream
        SeededStream restored = new SeededStream(s.state());
        assertThat(restored.nextLong()).isEqualTo(second[3]).isEqualTo(r.nextLong());
    }

    @Test
    void aBatchLargerThanTheMostAtOnceIsRefused() {
        SeededStream s = new SeededStream(1);
        long[] a = new long[SeededStream.MAX_PEEK + 1];
        assertThatThrownBy(() -> s.peekPairs(a, a.clone(), SeededStream.MAX_PEEK + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
