package ballast.host.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.host.abi.Ops;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlbTest {

    @Test
    void missThenHitAfterFill() {
        Tlb tlb = new Tlb(64);
        long key = Ops.key(3, 0x1234L);
        assertThat(tlb.lookup(key)).isEqualTo(FramePool.NO_FRAME);
        assertThat(tlb.lookupWritable(key)).isEqualTo(FramePool.NO_FRAME);
        tlb.fill(key, 77, false);
        assertThat(tlb.lookup(key)).isEqualTo(77);
        assertThat(tlb.lookupWritable(key)).isEqualTo(77);
        // Another process's same VPN and the same process's neighbour VPN miss.
        assertThat(tlb.lookup(Ops.key(4, 0x1234L))).isEqualTo(FramePool.NO_FRAME);
        assertThat(tlb.lookup(Ops.key(3, 0x1235L))).isEqualTo(FramePool.NO_FRAME);
    }

    @Test
    void keyZeroAndTheLargestKeyAreCachable() {
        Tlb tlb = new Tlb(16);
        tlb.fill(0L, 0, false);
        assertThat(tlb.lookup(0L)).isZero();
        tlb.flush();
        tlb.fill(Ops.KEY_MASK, 5, true);
        assertThat(tlb.lookup(Ops.KEY_MASK)).isEqualTo(5);
        assertThat(tlb.lookupWritable(Ops.KEY_MASK)).isEqualTo(FramePool.NO_FRAME);
    }

    @Test
    void readOnlyEntriesAreNotReturnedForWrites() {
        Tlb tlb = new Tlb(64);
        long key = Ops.key(0, 42L);
        tlb.fill(key, 9, true);
        assertThat(tlb.lookup(key)).isEqualTo(9);
        assertThat(tlb.lookupWritable(key)).isEqualTo(FramePool.NO_FRAME);
        // Refilling writable (copy-on-write broken) makes it writable.
        tlb.fill(key, 10, false);
        assertThat(tlb.lookupWritable(key)).isEqualTo(10);
        assertThat(tlb.lookup(key)).isEqualTo(10);
    }

    @Test
    void invalidateDropsOnlyThatKey() {
        Tlb tlb = new Tlb(1024);
        long a = Ops.key(0, 1L);
        long b = Ops.key(0, 2L);
        tlb.fill(a, 1, false);
        tlb.fill(b, 2, false);
        tlb.invalidate(a);
        assertThat(tlb.lookup(a)).isEqualTo(FramePool.NO_FRAME);
        assertThat(tlb.lookup(b)).isEqualTo(2);
        tlb.invalidate(a); // idempotent
        assertThat(tlb.lookup(b)).isEqualTo(2);
    }

    @Test
    void fourKeysOfOneSetStayCachedAndAFifthEvictsTheOldestFill() {
        Tlb tlb = new Tlb(16); // 4 sets of 4 ways
        List<Long> sameSet = new ArrayList<>();
        for (long vpn = 0; sameSet.size() < 5; vpn++) {
            long key = Ops.key(0, vpn);
            if ((key * 0x9E3779B97F4A7C15L) >>> 62 == 1) {
                sameSet.add(key);
            }
        }
        for (int i = 0; i < 4; i++) {
            tlb.fill(sameSet.get(i), 100 + i, false);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(tlb.lookup(sameSet.get(i))).isEqualTo(100 + i);
        }
        tlb.fill(sameSet.get(0), 200, false); // a refill stays in its way and does not evict
        tlb.fill(sameSet.get(4), 104, false);
        assertThat(tlb.lookup(sameSet.get(0))).as("oldest fill evicted").isEqualTo(FramePool.NO_FRAME);
        for (int i = 1; i < 5; i++) {
            assertThat(tlb.lookup(sameSet.get(i))).isEqualTo(100 + i);
        }
        assertThat(tlb.ways()).isEqualTo(4);
    }

    @Test
    void directMappedEntriesEvictAndInvalidatingAnEvictedKeyKeepsTheOccupant() {
        Tlb tlb = new Tlb(1);
        long a = Ops.key(0, 1L);
        long b = Ops.key(1, 1L);
        tlb.fill(a, 1, false);
        tlb.fill(b, 2, false);
        assertThat(tlb.lookup(a)).isEqualTo(FramePool.NO_FRAME);
        assertThat(tlb.lookup(b)).isEqualTo(2);
        tlb.invalidate(a);
        assertThat(tlb.lookup(b)).as("invalidating a key that is not cached leaves the slot alone").isEqualTo(2);
    }

    @Test
    void flushDropsEverything() {
        Tlb tlb = new Tlb(256);
        for (int i = 0; i < 100; i++) {
            tlb.fill(Ops.key(i % 4, i), i, i % 2 == 0);
        }
        tlb.flush();
        for (int i = 0; i < 100; i++) {
            assertThat(tlb.lookup(Ops.key(i % 4, i))).isEqualTo(FramePool.NO_FRAME);
        }
        List<Long> left = new ArrayList<>();
        tlb.forEach((key, mpn, readOnly) -> left.add(key));
        assertThat(left).isEmpty();
    }

    @Test
    void forEachReportsEveryCachedEntryWithItsPermission() {
        Tlb tlb = new Tlb(4096);
        Map<Long, Integer> filled = new HashMap<>();
        Map<Long, Boolean> readOnly = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            long key = Ops.key(i % 3, 1000L * i);
            boolean ro = i % 3 == 0;
            tlb.fill(key, 500 + i, ro);
            filled.put(key, 500 + i);
            readOnly.put(key, ro);
        }
        // Whatever survived collisions must be reported exactly as filled.
        Map<Long, Integer> seen = new HashMap<>();
        tlb.forEach((key, mpn, ro) -> {
            assertThat(filled).containsEntry(key, mpn);
            assertThat(readOnly.get(key)).isEqualTo(ro);
            assertThat(seen.put(key, mpn)).isNull();
        });
        int cached = 0;
        for (long key : filled.keySet()) {
            if (tlb.lookup(key) != FramePool.NO_FRAME) {
                cached++;
                assertThat(seen).containsEntry(key, tlb.lookup(key));
            }
        }
        assertThat(seen).hasSize(cached);
        assertThat(cached).isGreaterThan(30);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -4, 3, 6, 1000, Integer.MIN_VALUE})
    void entriesMustBeAPowerOfTwo(int entries) {
        assertThatThrownBy(() -> new Tlb(entries)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 64, 1024, 1 << 16})
    void powersOfTwoAreAccepted(int entries) {
        Tlb tlb = new Tlb(entries);
        assertThat(tlb.entries()).isEqualTo(entries);
        tlb.fill(Ops.key(1, 7L), 3, false);
        assertThat(tlb.lookup(Ops.key(1, 7L))).isEqualTo(3);
    }
}
