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
}
