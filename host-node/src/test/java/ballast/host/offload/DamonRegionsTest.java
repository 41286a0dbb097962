package ballast.host.offload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The access monitor alone: probes armed per sample, touched (or not) between samples, regions that
 * age, merge and split. A "touch" here is what the miss path does for an armed page.
 */
class DamonRegionsTest {
    static final int SAMPLES_PER_AGGREGATION = 20;

    /** Touches every armed probe in {@code [from, to)}: the guest accessed those pages since the last sample. */
    static void touchArmed(AccessProbes probes, int[] armed, int n, int from, int to) {
        for (int k = 0; k < n; k++) {
            int p = armed[k];
            if (p >= from && p < to && probes.armed(p)) {
                probes.touch(p);
            }
        }
    }

    /** The regions tile {@code [0, pages)} in order. */
    static void assertTiles(DamonRegions r, int pages) {
        assertThat(r.start(0)).isZero();
        for (int k = 1; k < r.count(); k++) {
            assertThat(r.start(k)).isEqualTo(r.end(k - 1));
            assertThat(r.end(k)).isGreaterThan(r.start(k));
        }
        assertThat(r.end(r.count() - 1)).isEqualTo(pages);
    }

    @Test
    void findsTheColdPartOfAFourGibGuestWithAtMostMaxRegionsProbesPerSample() {
        int pages = 1 << 20;
        int hot = 1 << 16; // the first 256 MiB are touched all the time, the rest never
        AccessProbes probes = new AccessProbes(pages);
        DamonRegions r = new DamonRegions(pages, 10, 1000, SAMPLES_PER_AGGREGATION, 7);
        int[] armed = new int[r.capacity()];
        int most = 0;
        for (int s = 0; s < 20 * SAMPLES_PER_AGGREGATION; s++) {
            int n = r.sample(probes, armed);
            most = Math.max(most, n);
            assertThat(probes.pending()).isEqualTo(n);
            touchArmed(probes, armed, n, 0, hot);
        }
        assertThat(most).isLessThanOrEqualTo(1000);
        assertThat(r.probesArmed()).isLessThanOrEqualTo(20L * SAMPLES_PER_AGGREGATION * 1000);
        assertTiles(r, pages);
        long coldPages = 0;
        for (int k = 0; k < r.count(); k++) {
            if (r.cold(k, 10)) {
                assertThat(r.start(k)).as("a cold region holds no hot page").isGreaterThanOrEqualTo(hot);
                coldPages += r.end(k) - r.start(k);
            }
        }
        assertThat(coldPages).as("cold pages found").isGreaterThanOrEqualTo((long) (0.9 * (pages - hot)));
    }

    @Test
    void theProbesPerSampleDoNotGrowWithTheGuest() {
        int[] mostBySize = new int[2];
        int[] sizes = {1 << 14, 1 << 22};
        for (int i = 0; i < sizes.length; i++) {
            AccessProbes probes = new AccessProbes(sizes[i]);
            DamonRegions r = new DamonRegions(sizes[i], 10, 200, SAMPLES_PER_AGGREGATION, 3);
            int[] armed = new int[r.capacity()];
            for (int s = 0; s < 10 * SAMPLES_PER_AGGREGATION; s++) {
                int n = r.sample(probes, armed);
                mostBySize[i] = Math.max(mostBySize[i], n);
                touchArmed(probes, armed, n, 0, sizes[i] / 3); // a third hot: the regions keep splitting
                assertThat(r.count()).isLessThanOrEqualTo(200);
            }
            assertTiles(r, sizes[i]);
        }
        assertThat(mostBySize[0]).isLessThanOrEqualTo(200);
        assertThat(mostBySize[1]).as("256 times the memory, the same bound").isLessThanOrEqualTo(200);
    }

    @Test
    void aColdRegionTouchedAgainIsNoLongerCold() {
        int pages = 1 << 16;
        AccessProbes probes = new AccessProbes(pages);
        DamonRegions r = new DamonRegions(pages, 10, 400, SAMPLES_PER_AGGREGATION, 11);
        int[] armed = new int[r.capacity()];
        for (int s = 0; s < 12 * SAMPLES_PER_AGGREGATION; s++) {
            touchArmed(probes, armed, r.sample(probes, armed), 0, pages / 4);
        }
        assertThat(coldIn(r, pages / 2, pages, 5)).isGreaterThan(pages / 4);
        // the second half wakes up
        for (int s = 0; s < 2 * SAMPLES_PER_AGGREGATION; s++) {
            touchArmed(probes, armed, r.sample(probes, armed), pages / 2, pages);
        }
        assertThat(coldIn(r, pages / 2, pages, 1)).as("cold pages left in the woken half").isZero();
        assertThat(coldIn(r, pages / 4, pages / 2, 5)).as("the idle quarter stays cold").isGreaterThan(pages / 8);
    }

    @Test
    void theSameSeedGivesTheSameRegions() {
        int pages = 50_000;
        int[][] ends = new int[2][];
        for (int run = 0; run < 2; run++) {
            AccessProbes probes = new AccessProbes(pages);
            DamonRegions r = new DamonRegions(pages, 10, 300, 5, 99);
            int[] armed = new int[r.capacity()];
            for (int s = 0; s < 100; s++) {
                touchArmed(probes, armed, r.sample(probes, armed), 10_000, 20_000);
            }
            ends[run] = new int[r.count()];
            for (int k = 0; k < r.count(); k++) {
                ends[run][k] = r.end(k);
            }
        }
        assertThat(ends[1]).isEqualTo(ends[0]);
    }

    /** Pages of {@code [from, to)} in regions cold for at least {@code aggregations}. */
    static long coldIn(DamonRegions r, int from, int to, int aggregations) {
        long n = 0;
        for (int k = 0; k < r.count(); k++) {
            if (r.cold(k, aggregations)) {
                n += Math.max(0, Math.min(to, r.end(k)) - Math.max(from, r.start(k)));
            }
        }
        return n;
    }
}
