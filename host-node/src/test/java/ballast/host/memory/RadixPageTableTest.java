package ballast.host.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RadixPageTableTest {

    private static final long FAR = 0x7f0000000L;

    @Test
    void setGetAndClearAcrossFarApartVpns() {
        RadixPageTable t = new RadixPageTable();
        long[] vpns = {0L, 0x400L, FAR, RadixPageTable.MAX_VPN};
        for (long vpn : vpns) {
            assertThat(t.get(vpn)).isEqualTo(RadixPageTable.NOT_PRESENT);
        }
        for (int i = 0; i < vpns.length; i++) {
            assertThat(t.set(vpns[i], 100 + i)).isEqualTo(RadixPageTable.NOT_PRESENT);
        }
        for (int i = 0; i < vpns.length; i++) {
            assertThat(t.get(vpns[i])).as("vpn 0x%x", vpns[i]).isEqualTo(100 + i);
        }
        assertThat(t.mappedCount()).isEqualTo(4);
        // Neighbours of mapped pages are not mapped.
        assertThat(t.get(1L)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(t.get(0x3ffL)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(t.get(FAR + 1)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(t.get(RadixPageTable.MAX_VPN - 1)).isEqualTo(RadixPageTable.NOT_PRESENT);

        // Overwriting returns the old value and does not change the count; value 0 is a real value.
        assertThat(t.set(FAR, 0)).isEqualTo(102);
        assertThat(t.get(FAR)).isZero();
        assertThat(t.mappedCount()).isEqualTo(4);

        assertThat(t.clear(0x400L)).isEqualTo(101);
        assertThat(t.get(0x400L)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(t.clear(0x400L)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(t.mappedCount()).isEqualTo(3);
        assertThat(t.get(0L)).isEqualTo(100);
        assertThat(t.get(RadixPageTable.MAX_VPN)).isEqualTo(103);
    }

    @Test
    void nodesGrowSparselyOnePathPerTouchedRegion() {
        RadixPageTable t = new RadixPageTable();
        assertThat(t.nodeCount()).isEqualTo(1);
        long bytesBefore = t.bytes();
        t.set(0L, 1);
        assertThat(t.nodeCount()).as("root + 3 levels").isEqualTo(4);
        t.set(511L, 1);
        assertThat(t.nodeCount()).as("same leaf node").isEqualTo(4);
        t.set(0x400L, 1);
        assertThat(t.nodeCount()).as("a new leaf under the same directory").isEqualTo(5);
        t.set(1L << 18, 1);
        assertThat(t.nodeCount()).as("new level-2 and leaf nodes").isEqualTo(7);
        t.set(FAR, 1);
        assertThat(t.nodeCount()).as("a whole new path").isEqualTo(10);
        t.set(RadixPageTable.MAX_VPN, 1);
        assertThat(t.nodeCount()).isEqualTo(13);
        assertThat(t.bytes()).isGreaterThan(bytesBefore).isGreaterThanOrEqualTo(13L * RadixPageTable.ENTRIES * 4);

        // Reads and clears of unmapped regions allocate nothing.
        assertThat(t.get(0x123456789L)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(t.clear(0x123456789L)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(t.nodeCount()).isEqualTo(13);

        // A dense run of 512 pages on one leaf costs no new node.
        for (long vpn = 0; vpn < 512; vpn++) {
            t.set(vpn, (int) vpn);
        }
        assertThat(t.nodeCount()).isEqualTo(13);
        assertThat(t.mappedCount()).isEqualTo(512 + 4);
    }

    @Test
    void forEachVisitsEveryEntryInAscendingVpnOrder() {
        RadixPageTable t = new RadixPageTable();
        long[] vpns = {RadixPageTable.MAX_VPN, FAR, 0x400L, 0L, 513L, 1L << 27, (1L << 27) - 1};
        for (int i = 0; i < vpns.length; i++) {
            t.set(vpns[i], i);
        }
        List<Long> seen = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        t.forEach((vpn, value) -> {
            seen.add(vpn);
            values.add(value);
        });
        assertThat(seen).containsExactly(0L, 513L, 0x400L, (1L << 27) - 1, 1L << 27, FAR, RadixPageTable.MAX_VPN);
        assertThat(values).containsExactly(3, 4, 2, 6, 5, 1, 0);
        t.clear(FAR);
        List<Long> after = new ArrayList<>();
        t.forEach((vpn, value) -> after.add(vpn));
        assertThat(after).doesNotContain(FAR).hasSize(6);
    }

    @Test
    void rejectsNegativeValuesAndValidatesVpns() {
        RadixPageTable t = new RadixPageTable();
        assertThatThrownBy(() -> t.set(5L, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.mappedCount()).isZero();
        assertThat(t.get(5L)).isEqualTo(RadixPageTable.NOT_PRESENT);
        assertThat(RadixPageTable.isValidVpn(0L)).isTrue();
        assertThat(RadixPageTable.isValidVpn(RadixPageTable.MAX_VPN)).isTrue();
        assertThat(RadixPageTable.isValidVpn(RadixPageTable.MAX_VPN + 1)).isFalse();
        assertThat(RadixPageTable.isValidVpn(-1L)).isFalse();
        assertThat(RadixPageTable.MAX_VPN).isEqualTo((1L << 36) - 1);
    }

    @Test
    void agreesWithAHashMapModelOverRandomOperations() {
        SplittableRandom random = new SplittableRandom(0xBA11A57L);
        RadixPageTable t = new RadixPageTable();
        Map<Long, Integer> model = new HashMap<>();
        // A few clustered regions plus the whole address space, so that leaves are shared and not.
        long[] regions = {0L, 0x400L, FAR, RadixPageTable.MAX_VPN - 4096, 1L << 30};
        List<Long> used = new ArrayList<>();
        for (int step = 0; step < 50_000; step++) {
            long vpn;
            int pick = random.nextInt(10);
            if (pick < 6) {
                vpn = regions[random.nextInt(regions.length)] + random.nextInt(4096);
            } else if (pick < 8 && !used.isEmpty()) {
                vpn = used.get(random.nextInt(used.size()));
            } else {
                vpn = random.nextLong(RadixPageTable.MAX_VPN + 1);
            }
            int op = random.nextInt(3);
            if (op == 0) {
                int value = random.nextInt(Integer.MAX_VALUE);
                Integer previous = model.put(vpn, value);
                assertThat(t.set(vpn, value)).isEqualTo(previous == null ? RadixPageTable.NOT_PRESENT : previous);
                used.add(vpn);
            } else if (op == 1) {
                Integer previous = model.remove(vpn);
                assertThat(t.clear(vpn)).isEqualTo(previous == null ? RadixPageTable.NOT_PRESENT : previous);
            } else {
                Integer expected = model.get(vpn);
                assertThat(t.get(vpn)).isEqualTo(expected == null ? RadixPageTable.NOT_PRESENT : expected);
            }
            assertThat(t.mappedCount()).isEqualTo(model.size());
        }
        TreeMap<Long, Integer> sorted = new TreeMap<>(model);
        List<Long> keys = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        t.forEach((vpn, value) -> {
            keys.add(vpn);
            values.add(value);
        });
        assertThat(keys).containsExactlyElementsOf(sorted.keySet());
        assertThat(values).containsExactlyElementsOf(sorted.values());
    }
}
