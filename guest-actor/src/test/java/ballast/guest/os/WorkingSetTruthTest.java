package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.OsProfile;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.Ops;
import ballast.abi.TranslationMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code workingSetTruePages}: the distinct pages read or written in the last complete period
 * {@code [k P, (k + 1) P)}, checked against a count the test makes from the operation streams.
 */
class WorkingSetTruthTest {

    @ParameterizedTest(name = "period {0} s, ballooned {1}")
    @CsvSource({"1.0, false", "0.25, false", "0.7, true", "0.05, false"})
    void equalsTheDistinctPagesOfTheLastCompletePeriod(double period, boolean ballooned) {
        // 0.1 s ticks: 1.5 s on 40 pages, 2 s on 300 pages (most of them touched per period), 1 s idle, then 120 pages
        WorkloadSettings phases = new WorkloadSettings("phases", List.of(
                new Phase(1.5, 40, 4_000, 0.3, 1.0, 1.0),
                new Phase(2.0, 300, 6_000, 0.3, 0.5, 0.7),
                Phase.idle(1.0),
                new Phase(Double.POSITIVE_INFINITY, 120, 500, 0.5, 1.0, 1.0)));
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", TranslationMode.NESTED, 512, 2, 21, 0.1,
                new ContentSettings("linux", 0.25, 0.1), phases, ballast.guest.OsProfile.NONE,
                new GuestMemorySettings(true, 64, 2, 400, period));
        GuestOs os = new GuestOs(settings);
        PerfectHost host = new PerfectHost(TranslationMode.NESTED, 512);
        os.booted(new int[0]);
        List<Set<Long>> touchedByTick = new ArrayList<>();
        long nonZero = 0;
        for (long tick = 0; tick < 70; tick++) {
            // with the balloon, memory shrinks to 232 pages from 1 s on: the guest pages
            GuestOs.BalloonOrders orders = ballooned && tick >= 10 && tick < 15
                    ? new GuestOs.BalloonOrders(new int[0], 56, new int[0]) : GuestOs.BalloonOrders.NONE;
            GuestOs.Work w = os.generate(tick, 100, orders, false);
            Set<Long> keys = new HashSet<>();
            for (long op : w.ops()) {
                if (Ops.kind(op) == Ops.READ || Ops.kind(op) == Ops.WRITE) {
                    keys.add(Ops.keyOf(op));
                }
            }
            touchedByTick.add(keys);
            GuestOsPagingTest.run(host, os, tick, w);
            long expected = expectedTruth(touchedByTick, tick, 0.1, period);
            assertThat(os.counters().workingSetTruePages()).as("tick %d", tick).isEqualTo(expected);
            nonZero += expected > 0 ? 1 : 0;
        }
        if (period >= 0.1) {
            assertThat(nonZero).isGreaterThan(30);
        } else {
            assertThat(nonZero).isZero(); // shorter than a tick: the last complete period never holds a tick's start
        }
        if (ballooned) {
            assertThat(os.counters().guestPageOuts()).isPositive();
        }
    }

    /** Distinct keys of the ticks in period p(tick) - 1, 0 when tick's period is the first or that period had no tick. */
    static long expectedTruth(List<Set<Long>> touchedByTick, long tick, double dt, double period) {
        long p = periodOf(tick, dt, period);
        if (p == periodOf(0, dt, period)) {
            return 0;
        }
        Set<Long> keys = new HashSet<>();
        for (int t = 0; t < tick; t++) {
            if (periodOf(t, dt, period) == p - 1) {
                keys.addAll(touchedByTick.get(t));
            }
        }
        return keys.size();
    }

    static long periodOf(long tick, double dt, double period) {
        // a tick's accesses are at its start; BigDecimal so that 0.1 * 3 is 0.3 exactly
        return new java.math.BigDecimal(Double.toString(dt)).multiply(java.math.BigDecimal.valueOf(tick))
                .divide(new java.math.BigDecimal(Double.toString(period)), 0, java.math.RoundingMode.FLOOR).longValue();
    }
}
