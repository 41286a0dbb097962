package ballast.host.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReverseMapTest {

    @Test
    void addRemoveAndCountWithAliasing() {
        ReverseMap rmap = new ReverseMap(16);
        rmap.add(3, 100L);
        rmap.add(3, 200L);
        rmap.add(3, 300L);
        rmap.add(4, 100L);
        assertThat(rmap.count(3)).isEqualTo(3);
        assertThat(rmap.count(4)).isEqualTo(1);
        assertThat(rmap.count(5)).isZero();
        assertThat(rmap.size()).isEqualTo(4);
        assertThat(rmap.contains(3, 200L)).isTrue();
        assertThat(rmap.contains(4, 200L)).isFalse();

        assertThat(rmap.remove(3, 200L)).as("middle of the list").isTrue();
        assertThat(rmap.remove(3, 200L)).isFalse();
        assertThat(rmap.remove(5, 100L)).isFalse();
        assertThat(rmap.contains(3, 100L)).isTrue();
        assertThat(rmap.contains(3, 300L)).isTrue();
        assertThat(rmap.count(3)).isEqualTo(2);
        assertThat(rmap.size()).isEqualTo(3);

        assertThat(rmap.remove(3, 300L)).as("head of the list").isTrue();
        assertThat(rmap.remove(3, 100L)).as("last one").isTrue();
        assertThat(rmap.count(3)).isZero();
        assertThat(rmap.contains(4, 100L)).isTrue();
        assertThat(rmap.size()).isEqualTo(1);
    }

    @Test
    void drainVisitsEveryKeyOfThePpnThenUnlinksThem() {
        ReverseMap rmap = new ReverseMap(8);
        rmap.add(2, 11L);
        rmap.add(2, 22L);
        rmap.add(2, 33L);
        rmap.add(1, 44L);
        List<Long> visited = new ArrayList<>();
        assertThat(rmap.drain(2, visited::add)).isEqualTo(3);
        assertThat(visited).containsExactlyInAnyOrder(11L, 22L, 33L);
        assertThat(rmap.count(2)).isZero();
        assertThat(rmap.size()).isEqualTo(1);
        assertThat(rmap.drain(2, k -> {
            throw new AssertionError("nothing left to visit");
        })).isZero();
        // Recycled entries are reused correctly.
        rmap.add(2, 55L);
        rmap.add(7, 66L);
        assertThat(rmap.contains(2, 55L)).isTrue();
        assertThat(rmap.contains(7, 66L)).isTrue();
        assertThat(rmap.contains(1, 44L)).isTrue();
        assertThat(rmap.size()).isEqualTo(3);
    }

    @Test
    void agreesWithAModelOverRandomOperations() {
        int ppns = 200;
        SplittableRandom random = new SplittableRandom(77L);
        ReverseMap rmap = new ReverseMap(ppns);
        Map<Integer, List<Long>> model = new HashMap<>();
        int size = 0;
        for (int step = 0; step < 30_000; step++) {
            int ppn = random.nextInt(ppns);
            List<Long> keys = model.computeIfAbsent(ppn, p -> new ArrayList<>());
            int op = random.nextInt(10);
            if (op < 5) {
                long key = random.nextLong(64);
                rmap.add(ppn, key);
                keys.add(key);
                size++;
            } else if (op < 8) {
                long key = keys.isEmpty() || random.nextBoolean() ? random.nextLong(64) : keys.get(random.nextInt(keys.size()));
                boolean expected = keys.remove(Long.valueOf(key));
                assertThat(rmap.remove(ppn, key)).isEqualTo(expected);
                if (expected) {
                    size--;
                }
            } else if (op == 8) {
                List<Long> drained = new ArrayList<>();
                assertThat(rmap.drain(ppn, drained::add)).isEqualTo(keys.size());
                assertThat(drained).containsExactlyInAnyOrderElementsOf(keys);
                size -= keys.size();
                keys.clear();
            } else {
                long key = random.nextLong(64);
                assertThat(rmap.contains(ppn, key)).isEqualTo(keys.contains(key));
            }
            assertThat(rmap.count(ppn)).isEqualTo(keys.size());
            assertThat(rmap.size()).isEqualTo(size);
        }
        for (int ppn = 0; ppn < ppns; ppn++) {
            assertThat(rmap.count(ppn)).isEqualTo(model.getOrDefault(ppn, List.of()).size());
        }
    }
}
