package ballast.host.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampledPagesTest {

    @Test
    void nothingIsSampledBeforeTheFirstPeriod() {
        SampledPages s = new SampledPages(new WorkingSetEstimator(1, 4, 0.5, 0.5), 100);
        assertThat(s.any()).isFalse();
        assertThat(s.isSampled(3)).isFalse();
        assertThat(s.pending()).isZero();
    }

    @Test
    void firstTouchOfASampledPageCountsOnceAndReachesTheEstimator() {
        WorkingSetEstimator estimator = new WorkingSetEstimator(1, 4, 0.5, 0.5);
        SampledPages s = new SampledPages(estimator, 1000);
        int[] sample = estimator.samplePages(1000);
        s.start(sample);
        assertThat(s.pending()).isEqualTo(sample.length);
        assertThat(s.isSampled(sample[0])).isTrue();
        s.touch(sample[0]);
        assertThat(s.isSampled(sample[0])).as("touched once this period").isFalse();
        assertThat(s.pending()).isEqualTo(sample.length - 1);
        s.end(true);
        assertThat(estimator.periods()).isEqualTo(1);
        assertThat(estimator.fastAverage()).isEqualTo(1.0 / sample.length);
    }

    @Test
    void endingWithoutCountingClearsTheMarksAndLeavesTheEstimator() {
        WorkingSetEstimator estimator = new WorkingSetEstimator(1, 4, 0.5, 0.5);
        SampledPages s = new SampledPages(estimator, 1000);
        int[] sample = estimator.samplePages(1000);
        s.start(sample);
        s.end(false);
        assertThat(s.any()).isFalse();
        for (int ppn : sample) {
            assertThat(s.isSampled(ppn)).isFalse();
        }
        assertThat(estimator.periods()).isZero();
    }
}
