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
    @Test
    void headsAreMadePerChunkWhenAPpnOfTheChunkFirstGetsAnEntry() {
        int ppns = 3 * ReverseMap.CHUNK + 7; // a last chunk of 7 PPNs
        ReverseMap rmap = new ReverseMap(ppns);
        assertThat(rmap.chunks()).isZero();
        assertThat(rmap.count(ppns - 1)).isZero();
        assertThat(rmap.contains(0, 1L)).isFalse();
        assertThat(rmap.remove(ReverseMap.CHUNK, 1L)).isFalse();
        assertThat(rmap.drain(ppns - 1, k -> { throw new AssertionError(); })).isZero();
        assertThat(rmap.chunks()).as("looking makes no chunk").isZero();
        int[] edges = {0, ReverseMap.CHUNK - 1, ReverseMap.CHUNK, 2 * ReverseMap.CHUNK - 1, ppns - 1};
        for (int i = 0; i < edges.length; i++) {
            rmap.add(edges[i], 1000L + i);
        }
        assertThat(rmap.chunks()).isEqualTo(3); // 0, 1 and 3; chunk 2 untouched
        for (int i = 0; i < edges.length; i++) {
            assertThat(rmap.contains(edges[i], 1000L + i)).as("PPN %d", edges[i]).isTrue();
            assertThat(rmap.count(edges[i])).isEqualTo(1);
        }
        assertThat(rmap.count(2 * ReverseMap.CHUNK)).isZero();
        assertThat(rmap.count(ReverseMap.CHUNK + 1)).isZero();
        List<Long> drained = new ArrayList<>();
        assertThat(rmap.drain(ReverseMap.CHUNK, drained::add)).isEqualTo(1);
        assertThat(drained).containsExactly(1002L);
        assertThat(rmap.contains(ReverseMap.CHUNK - 1, 1001L)).as("the neighbour across the chunk edge stays").isTrue();
        rmap.clear();
        assertThat(rmap.chunks()).isZero();
        assertThat(rmap.count(ppns - 1)).isZero();
        rmap.add(ppns - 1, 5L);
        assertThat(rmap.chunks()).isEqualTo(1);
        assertThat(rmap.size()).isEqualTo(1);
    }

    @Test
    void chunkedHeadsAgreeWithAMapOfListsOverRandomOperations() {
        int ppns = 5 * ReverseMap.CHUNK + 300;
        ReverseMap rmap = new ReverseMap(ppns);
        Map<Integer, List<Long>> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(17L);
        for (int step = 0; step < 100_000; step++) {
            int ppn = random.nextInt(8) == 0 ? (random.nextBoolean() ? ppns - 1 - random.nextInt(3) : random.nextInt(3))
                    : random.nextInt(ppns);
            long key = random.nextInt(40);
            int what = random.nextInt(10);
            List<Long> keys = model.computeIfAbsent(ppn, p -> new ArrayList<>());
            if (what < 5) {
                rmap.add(ppn, key);
                keys.add(key);
            } else if (what < 8) {
                assertThat(rmap.remove(ppn, key)).isEqualTo(keys.remove(Long.valueOf(key)));
            } else if (what < 9) {
                List<Long> drained = new ArrayList<>();
                assertThat(rmap.drain(ppn, drained::add)).isEqualTo(keys.size());
                assertThat(drained).containsExactlyInAnyOrderElementsOf(keys);
                keys.clear();
            } else {
                assertThat(rmap.count(ppn)).isEqualTo(keys.size());
                assertThat(rmap.contains(ppn, key)).isEqualTo(keys.contains(key));
            }
        }
        int total = 0;
        for (Map.Entry<Integer, List<Long>> e : model.entrySet()) {
            List<Long> seen = new ArrayList<>();
            rmap.forEach(e.getKey(), seen::add);
            assertThat(seen).containsExactlyInAnyOrderElementsOf(e.getValue());
            total += e.getValue().size();
        }
        assertThat(rmap.size()).isEqualTo(total);
    }
}
