package ballast.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The statistics of sweep-points.csv: means and Student's t 95% intervals. */
class SweepTableTest {

    @Test
    void studentsTQuantilesMatchTheTables() {
        assertThat(SweepTable.studentT975(1)).isEqualTo(12.706);
        assertThat(SweepTable.studentT975(2)).isEqualTo(4.303);
        assertThat(SweepTable.studentT975(30)).isEqualTo(2.042);
        assertThat(SweepTable.studentT975(40)).isCloseTo(2.021, within(0.001));
        assertThat(SweepTable.studentT975(60)).isCloseTo(2.000, within(0.001));
        assertThat(SweepTable.studentT975(120)).isCloseTo(1.980, within(0.001));
        assertThat(SweepTable.studentT975(100_000)).isCloseTo(1.960, within(0.001));
    }

    @Test
    void theIntervalOfThreeValuesIsTTimesTheStandardError() {
        double[] xs = {10, 12, 14};
        assertThat(SweepTable.mean(xs)).isEqualTo(12.0);
        // sample standard deviation 2, standard error 2 / sqrt(3), t(0.975, 2) = 4.303
        assertThat(SweepTable.ci95(xs)).isCloseTo(4.303 * 2 / Math.sqrt(3), within(1e-9));
        assertThat(SweepTable.ci95(new double[] {5, 5, 5})).isZero();
    }

    @Test
    void numbersAreWrittenPlainly() {
        assertThat(SweepTable.number(1234567.0)).isEqualTo("1234567");
        assertThat(SweepTable.number(1234567.3333333)).isEqualTo("1234567.3");
        assertThat(SweepTable.number(0.125)).isEqualTo("0.125");
        assertThat(SweepTable.number(Double.NaN)).isEmpty();
    }
}
