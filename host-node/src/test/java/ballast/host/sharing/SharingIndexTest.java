package ballast.host.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SharingIndexTest {

    @Test
    void behavesLikeAMapUnderRandomPutsAndRemoves() {
        SharingIndex index = new SharingIndex(4);
        Map<Long, Integer> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int step = 0; step < 200_000; step++) {
            // a small key space forces long probe runs and many wrap-arounds
            long key = random.nextInt(5000) * 0x100000001L;
            int op = random.nextInt(3);
            if (op == 0) {
                int value = random.nextBoolean() ? SharingIndex.hint(random.nextInt(1 << 20))
                        : SharingIndex.shared(random.nextInt(1 << 20));
                Integer previous = model.put(key, value);
                assertThat(index.put(key, value)).isEqualTo(previous == null ? SharingIndex.ABSENT : previous);
            } else if (op == 1) {
                Integer previous = model.remove(key);
                assertThat(index.remove(key)).isEqualTo(previous == null ? SharingIndex.ABSENT : previous);
            } else {
                Integer value = model.get(key);
                assertThat(index.get(key)).isEqualTo(value == null ? SharingIndex.ABSENT : value);
            }
        }
        assertThat(index.size()).isEqualTo(model.size());
        long hints = model.values().stream().filter(SharingIndex::isHint).count();
        assertThat(index.hints()).isEqualTo(hints);
        Map<Long, Integer> seen = new HashMap<>();
        index.forEach(seen::put);
        assertThat(seen).isEqualTo(model);
    }

    @Test
    void removeOnlyTheExpectedValue() {
        SharingIndex index = new SharingIndex(16);
        index.put(7, SharingIndex.hint(3));
        assertThat(index.remove(7, SharingIndex.hint(4))).isFalse();
        assertThat(index.remove(7, SharingIndex.shared(3))).isFalse();
        assertThat(index.remove(7, SharingIndex.hint(3))).isTrue();
        assertThat(index.get(7)).isEqualTo(SharingIndex.ABSENT);
        assertThat(SharingIndex.mpnOf(SharingIndex.shared(0))).isZero();
        assertThat(SharingIndex.pageOf(SharingIndex.hint(0))).isZero();
    }

    /** The table's own bytes per entry stay at or under 22.5 (12-byte slots, 53% to 80% full) as it grows. */
    @Test
    void costsAtMostTwentyThreeBytesPerEntryAtEverySize() {
        SharingIndex index = new SharingIndex(0);
        SplittableRandom random = new SplittableRandom(11);
        double worst = 0;
        for (int n = 1; n <= 2_000_000; n++) {
            index.put(random.nextLong(), SharingIndex.hint(n));
            if (n >= 1000) {
                worst = Math.max(worst, (double) index.bytes() / index.size());
            }
        }
        assertThat(worst).isLessThanOrEqualTo(22.6);
    }

    /** Reading slots ahead ({@code warm}) leaves every entry, and where it sits, as it was. */
    @Test
    void warmingReadsAheadWithoutMovingOrChangingAnEntry() {
        SharingIndex index = new SharingIndex(16);
        SplittableRandom random = new SplittableRandom(9);
        long[] hashes = new long[3000];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = random.nextLong();
            if (i % 3 != 0) { // a third of the hashes are not in the index
                index.put(hashes[i], i % 2 == 0 ? SharingIndex.hint(i) : SharingIndex.shared(i));
            }
        }
        java.util.List<String> before = new java.util.ArrayList<>();
        index.forEach((hash, value) -> before.add(hash + "=" + value));
        int size = index.size();
        int hints = index.hints();

        index.warm(hashes, 0, hashes.length);
        index.warm(hashes, 100, 356);
        index.warm(hashes, 7, 7);

        java.util.List<String> after = new java.util.ArrayList<>();
        index.forEach((hash, value) -> after.add(hash + "=" + value));
        assertThat(after).isEqualTo(before); // slot order too
        assertThat(index.size()).isEqualTo(size);
        assertThat(index.hints()).isEqualTo(hints);
        for (int i = 0; i < hashes.length; i++) {
            int expected = i % 3 == 0 ? SharingIndex.ABSENT : i % 2 == 0 ? SharingIndex.hint(i) : SharingIndex.shared(i);
            assertThat(index.get(hashes[i])).isEqualTo(expected);
        }
    }
}
