package ballast.host.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.abi.Ops;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlbTest {

    /** The reach by a pass over every entry, as {@code reachPages} computed it before it kept a count. */
    private static long scannedReach(Tlb tlb) {
        long[] pages = {0};
        tlb.forEach((key, mpn, readOnly) -> pages[0]++);
        tlb.forEachLarge((key, mpn, readOnly) -> pages[0] += Tlb.LARGE_PAGES);
        return pages[0];
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void theReachCountedAsEntriesFillAndEmptyIsAlwaysThatOfAPassOverThem(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int entries : new int[] {1, 2, 64}) {
            Tlb tlb = new Tlb(entries);
            tlb.enableLarge(4);
            for (int step = 0; step < 4_000; step++) {
                long key = Ops.key(random.nextInt(2), random.nextInt(300));
                int mpn = random.nextInt(200);
                switch (random.nextInt(10)) {
                    case 0, 1, 2, 3 -> tlb.fill(key, mpn, random.nextBoolean()); // often a key already cached
                    case 4, 5 -> tlb.invalidate(key);
                    case 6 -> tlb.invalidateFrame(mpn);
                    case 7 -> {
                        int[] mpns = random.ints(random.nextInt(6), 0, 200).sorted().distinct().toArray();
                        tlb.invalidateFrames(mpns, mpns.length);
                    }
                    case 8 -> tlb.fillLarge(key, mpn);
                    default -> {
                        if (random.nextInt(20) == 0) {
                            tlb.flush();
                        } else {
                            tlb.fill(key, mpn, false);
                        }
                    }
                }
                assertThat(tlb.reachPages()).as("seed %d, %d entries, step %d", seed, entries, step)
                        .isEqualTo(scannedReach(tlb));
            }
        }
    }

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
    /**
     * The packed layout against a plain model of a 4-way FIFO TLB (tags and MPNs in separate
     * arrays, a replacement pointer per set that a flush keeps): random fills, lookups,
     * invalidations, frame invalidations and flushes, with MPNs up to the largest a pool can hold,
     * must give the same answers and the same surviving entries.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 16, 256, 1024})
    void packedLayoutBehavesAsTheTwoArrayModel(int entries) {
        Tlb tlb = new Tlb(entries);
        Model model = new Model(entries);
        SplittableRandom random = new SplittableRandom(entries * 31L + 7);
        int[] mpnPool = {0, 1, 2, 3, Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 2, 1 << 31 >>> 1, 65535, 65536};
        for (int step = 0; step < 200_000; step++) {
            long key = Ops.key(random.nextInt(3), random.nextInt(4 * entries + 8));
            if (random.nextInt(8) == 0) {
                key = random.nextBoolean() ? 0L : Ops.KEY_MASK - random.nextInt(4);
            }
            int what = random.nextInt(100);
            if (what < 40) {
                int mpn = random.nextInt(4) == 0 ? mpnPool[random.nextInt(mpnPool.length)] : random.nextInt(1 << 20);
                boolean ro = random.nextInt(5) == 0;
                tlb.fill(key, mpn, ro);
                model.fill(key, mpn, ro);
            } else if (what < 70) {
                assertThat(tlb.lookup(key)).isEqualTo(model.lookup(key, false));
            } else if (what < 90) {
                assertThat(tlb.lookupWritable(key)).isEqualTo(model.lookup(key, true));
            } else if (what < 96) {
                tlb.invalidate(key);
                model.invalidate(key);
            } else if (what < 99) {
                int mpn = random.nextBoolean() ? mpnPool[random.nextInt(mpnPool.length)] : random.nextInt(1 << 20);
                assertThat(tlb.invalidateFrame(mpn)).isEqualTo(model.invalidateFrame(mpn));
            } else {
                tlb.flush();
                model.flush();
            }
        }
        Map<Long, Long> seen = new HashMap<>();
        tlb.forEach((key, mpn, ro) -> seen.put(key, ((long) mpn << 1) | (ro ? 1 : 0)));
        assertThat(seen).isEqualTo(model.entries());
    }

    @Test
    void theReplacementPointerSurvivesLargeMpnsFlushesAndInvalidations() {
        Tlb tlb = new Tlb(4); // one set of 4 ways
        long[] keys = {Ops.key(0, 1), Ops.key(0, 2), Ops.key(0, 3), Ops.key(0, 4), Ops.key(0, 5), Ops.key(0, 6)};
        tlb.fill(keys[0], Integer.MAX_VALUE - 1, false); // way 0 holds the pointer beside the largest MPN
        tlb.fill(keys[1], 0, true);
        assertThat(tlb.lookup(keys[0])).isEqualTo(Integer.MAX_VALUE - 1);
        tlb.flush(); // the next fill still goes to way 2, as before the flush
        tlb.fill(keys[2], 7, false);
        tlb.fill(keys[3], 8, false);
        tlb.fill(keys[4], 9, false); // way 0
        tlb.fill(keys[0], Integer.MAX_VALUE - 1, false); // way 1
        tlb.invalidate(keys[2]);
        tlb.fill(keys[5], 11, false); // way 2: FIFO, not the hole's
        assertThat(tlb.lookup(keys[3])).isEqualTo(8);
        assertThat(tlb.lookup(keys[4])).isEqualTo(9);
        assertThat(tlb.lookup(keys[0])).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(tlb.lookup(keys[5])).isEqualTo(11);
        assertThat(tlb.lookup(keys[2])).isEqualTo(FramePool.NO_FRAME);
        assertThat(tlb.invalidateFrame(Integer.MAX_VALUE - 1)).isEqualTo(1);
        assertThat(tlb.lookup(keys[0])).isEqualTo(FramePool.NO_FRAME);
        assertThat(tlb.lookup(keys[4])).as("way 0's entry kept its MPN beside the pointer").isEqualTo(9);
    }

    /** The reference: the TLB as two arrays and a byte per set. */
    private static final class Model {
        final long[] tags;
        final int[] mpns;
        final byte[] next;
        final int ways;
        final int shift;
        final int setMask;

        Model(int entries) {
            ways = Math.min(4, entries);
            int sets = entries / ways;
            tags = new long[entries];
            mpns = new int[entries];
            next = new byte[sets];
            setMask = sets - 1;
            shift = 64 - Integer.numberOfTrailingZeros(sets);
        }

        int base(long key) {
            return setMask == 0 ? 0 : (int) ((key * 0x9E3779B97F4A7C15L) >>> shift) * ways;
        }

        int find(long key) {
            int b = base(key);
            for (int w = b; w < b + ways; w++) {
                if ((tags[w] & (Tlb.READ_ONLY - 1)) == key + 1) {
                    return w;
                }
            }
            return -1;
        }

        int lookup(long key, boolean write) {
            int w = find(key);
            return w < 0 || write && (tags[w] & Tlb.READ_ONLY) != 0 ? FramePool.NO_FRAME : mpns[w];
        }

        void fill(long key, int mpn, boolean ro) {
            int slot = find(key);
            if (slot < 0) {
                int b = base(key);
                slot = b + next[b / ways];
                next[b / ways] = (byte) ((next[b / ways] + 1) % ways);
            }
            tags[slot] = (key + 1) | (ro ? Tlb.READ_ONLY : 0);
            mpns[slot] = mpn;
        }

        void invalidate(long key) {
            int slot = find(key);
            if (slot >= 0) {
                tags[slot] = 0;
            }
        }

        int invalidateFrame(int mpn) {
            int n = 0;
            for (int s = 0; s < tags.length; s++) {
                if (tags[s] != 0 && mpns[s] == mpn) {
                    tags[s] = 0;
                    n++;
                }
            }
            return n;
        }

        void flush() {
            java.util.Arrays.fill(tags, 0);
        }

        Map<Long, Long> entries() {
            Map<Long, Long> m = new HashMap<>();
            for (int s = 0; s < tags.length; s++) {
                if (tags[s] != 0) {
                    m.put((tags[s] & (Tlb.READ_ONLY - 1)) - 1, ((long) mpns[s] << 1) | ((tags[s] & Tlb.READ_ONLY) != 0 ? 1 : 0));
                }
            }
            return m;
        }
    }
}
