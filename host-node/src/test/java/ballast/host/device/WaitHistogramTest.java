package ballast.host.device;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WaitHistogramTest {

    @Test
    void bucketsCoverEveryValueAndTheirBoundsAreConsistent() {
        long[] samples = {0, 1, 127, 128, 129, 130, 1000, 4095, 4096, 8_100_000, 1L << 40, Long.MAX_VALUE};
        for (long v : samples) {
            int i = WaitHistogram.index(v);
            assertThat(WaitHistogram.highestInBucket(i)).as("upper bound of %s", v).isGreaterThanOrEqualTo(v);
            if (i > 0) {
                assertThat(WaitHistogram.highestInBucket(i - 1)).as("previous bucket of %s", v).isLessThan(v);
            }
        }
    }

    @Test
    void percentilesAreWithinOneSixtyFourthAboveTheExactOnes() {
        SplittableRandom r = new SplittableRandom(7);
        long[] values = new long[10_000];
        WaitHistogram h = new WaitHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextLong(1, 50_000_000);
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            long reported = h.valueAtPercentile(p);
            assertThat(reported).as("p%s", p).isGreaterThanOrEqualTo(exact).isLessThanOrEqualTo(exact + exact / 64 + 1);
        }
        assertThat(h.valueAtPercentile(100)).isEqualTo(values[values.length - 1]);
        assertThat(h.count()).isEqualTo(values.length);
    }

    @Test
    void emptyHistogramReportsZero() {
        WaitHistogram h = new WaitHistogram();
        assertThat(h.valueAtPercentile(99)).isZero();
        h.record(5);
        h.clear();
        assertThat(h.count()).isZero();
        assertThat(h.max()).isZero();
    }
}
