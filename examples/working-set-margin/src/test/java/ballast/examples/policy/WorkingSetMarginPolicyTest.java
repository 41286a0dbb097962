package ballast.examples.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.reclaim.GuestDemands;
import org.junit.jupiter.api.Test;

/** The policy's decisions, guest by guest, with memory to spare and short of it. */
class WorkingSetMarginPolicyTest {
    private final WorkingSetMarginPolicy policy = new WorkingSetMarginPolicy(0.10);

    /** Three guests of 32,768 pages (128 MiB), min 2,048, with working sets of 10,000, 20,000 and 1,000 pages. */
    private static GuestDemands demands() {
        GuestDemands d = new GuestDemands(3);
        d.add(2048, 32768, 1000, 10_000 / 32768.0, 32768);
        d.add(2048, 32768, 1000, 20_000 / 32768.0, 32768);
        d.add(2048, 32768, 1000, 1_000 / 32768.0, 32768);
        return d;
    }

    @Test
    void withMemoryToSpareEachGuestGetsItsWorkingSetPlusItsMargin() {
        long[] t = new long[3];
        policy.targets(demands(), 1_000_000, t);
        // 10% of the working set, at least 1,024 pages; a working set under the min gets the min plus nothing more
        assertThat(t).containsExactly(10_000 + 1_024, 20_000 + 2_000, 2_048);
    }

    @Test
    void shortOfMemoryTheMarginsGoFirstInProportionToTheirSize() {
        long[] t = new long[3];
        // the working sets (10,000 + 20,000 + the min 2,048) need 32,048; 1,000 pages are left for margins
        // of 1,024, 2,000 and 0 (the third's 2,024 wanted is under its min of 2,048: the min)
        policy.targets(demands(), 33_048, t);
        // floor(1,024 x 1,000 / 3,024) = 338 and floor(2,000 x 1,000 / 3,024) = 661, the page left to the first
        assertThat(t[0]).isEqualTo(10_000 + 339);
        assertThat(t[1]).isEqualTo(20_000 + 661);
        assertThat(t[2]).isEqualTo(2_048);
        assertThat(t[0] + t[1] + t[2]).isEqualTo(33_048);
    }

    @Test
    void whenTheWorkingSetsDoNotFitEveryGuestKeepsItsMinAndTheRestIsScaledAlike() {
        long[] t = new long[3];
        policy.targets(demands(), 20_000, t);
        assertThat(java.util.Arrays.stream(t).min().getAsLong()).isGreaterThanOrEqualTo(2_048);
        assertThat(t[0] + t[1] + t[2]).isEqualTo(20_000);
        // the part above the min scaled by one factor: (20,000 - 6,144) / (32,048 - 6,144)
        double scale = (20_000 - 6_144) / (double) (32_048 - 6_144);
        assertThat((double) t[0]).isCloseTo(2_048 + (10_000 - 2_048) * scale, org.assertj.core.data.Offset.offset(1.0));
        assertThat((double) t[1]).isCloseTo(2_048 + (20_000 - 2_048) * scale, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void everyGuestGetsItsMinWhenTheMinsAloneDoNotFit() {
        long[] t = new long[3];
        policy.targets(demands(), 5_000, t);
        assertThat(t).containsExactly(2_048, 2_048, 2_048);
    }
}
