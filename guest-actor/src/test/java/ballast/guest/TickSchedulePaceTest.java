package ballast.guest;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Pace;
import ballast.abi.TickStart;
import ballast.abi.TranslationMode;
import ballast.guest.os.GuestOs;
import ballast.guest.os.PerfectHost;
import org.junit.jupiter.api.Test;

/**
 * How the pace a guest learns with each {@code TickStart} sizes the workload it generates: the
 * work of tick {@code n + 1}, generated on {@code TickStart(n)}, holds at most
 * {@link Pace#allowance} of the accesses its workload asks for. Played against a perfect host and a
 * plain time model that completes at most {@code capacity} accesses a tick, first in first out, and
 * reports the pace as the host's time model does (capacity and backlog after each tick).
 */
class TickSchedulePaceTest {
    /** GuestVmTest's workload: 3,000 accesses a second, 300 a tick. */
    static final long DEMAND = 300;

    @Test
    void withoutAPaceTheAllowanceIsUnlimited() {
        TickSchedule schedule = new TickSchedule();
        assertThat(schedule.allowance(0)).isEqualTo(Long.MAX_VALUE);
        schedule.started(new TickStart(0, false, 0, false, Pace.FREE));
        assertThat(schedule.allowance(1)).isEqualTo(Long.MAX_VALUE);
        schedule.started(new TickStart(1, false, 0, false));
        assertThat(schedule.allowance(2)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void thePaceOfTickStartNSizesTheWorkOfTickNPlusOneGivenWhatTheWorkOfTickNHolds() {
        GuestOs os = TickScheduleTest.os();
        PerfectHost host = new PerfectHost(TranslationMode.FULL, GuestVmTest.PAGES);
        TickSchedule schedule = new TickSchedule();
        GuestOs.Work first = schedule.generate(os, 0, 64).work();
        assertThat(first.load().workAccesses()).isEqualTo(first.load().demand()).isEqualTo(DEMAND);
        schedule.started(new TickStart(0, false, 0, false, new Pace(200, 30)));
        assertThat(schedule.allowance(1)).isEqualTo(2 * 200 - 30 - DEMAND);
        assertThat(schedule.allowance(3)).as("another tick of the same parity").isEqualTo(Long.MAX_VALUE);
        GuestOs.Work second = schedule.generate(os, 1, 64).work();
        assertThat(second.load().demand()).isEqualTo(DEMAND);
        assertThat(second.load().workAccesses()).isEqualTo(2 * 200 - 30 - DEMAND);
        os.verify(host.apply(0, first));
        // far behind: one access, to learn its speed again
        schedule.started(new TickStart(1, false, 0, false, new Pace(5, 400)));
        GuestOs.Work third = schedule.generate(os, 2, 64).work();
        assertThat(third.load().workAccesses()).isEqualTo(1);
        assertThat(third.load().demand()).isEqualTo(DEMAND);
        os.verify(host.apply(1, second));
        os.verify(host.apply(2, third));
        assertThat(os.counters().readMismatches()).isZero();
    }

    /** Plays {@code ticks} ticks against a host that completes at most {@code capacity} accesses a tick; returns what each work held. */
    static long[] play(long capacity, int ticks, long[] backlogOut) {
        GuestOs os = TickScheduleTest.os();
        PerfectHost host = new PerfectHost(TranslationMode.FULL, GuestVmTest.PAGES);
        TickSchedule schedule = new TickSchedule();
        long[] generated = new long[ticks + 1];
        GuestOs.Work[] works = new GuestOs.Work[ticks + 1];
        works[0] = schedule.generate(os, 0, 64).work();
        generated[0] = works[0].load().workAccesses();
        Pace pace = Pace.FREE;
        long backlog = 0;
        for (int n = 0; n < ticks; n++) {
            schedule.started(new TickStart(n, false, 0, false, pace));
            long allowed = schedule.allowance(n + 1);
            works[n + 1] = schedule.generate(os, n + 1, 64).work();
            generated[n + 1] = works[n + 1].load().workAccesses();
            assertThat(generated[n + 1]).as("work of tick %d", n + 1).isLessThanOrEqualTo(allowed)
                    .isEqualTo(Math.min(DEMAND, allowed));
            assertThat(os.verify(host.apply(n, works[n]))).isTrue();
            // the time model accounts tick n
            backlog += generated[n];
            backlog -= Math.min(capacity, backlog);
            backlogOut[n] = backlog;
            pace = new Pace(capacity, backlog);
        }
        assertThat(os.counters().readMismatches()).isZero();
        return generated;
    }

    @Test
    void aThrottledGuestGeneratesWhatItCompletesAndKeepsAtMostTwoTicksInHand() {
        long capacity = 70;
        int ticks = 60;
        long[] backlog = new long[ticks];
        long[] generated = play(capacity, ticks, backlog);
        // the two works made before any pace (600 accesses) drain at 70 a tick, one access a work meanwhile
        assertThat(generated[2]).isEqualTo(1);
        for (int n = 15; n < ticks; n++) {
            assertThat(backlog[n]).as("backlog after tick %d", n).isLessThanOrEqualTo(2 * capacity);
            // what it holds and generated next is two ticks of what it completes
            assertThat(backlog[n - 1] + generated[n] + generated[n + 1]).as("in hand at tick %d", n)
                    .isEqualTo(2 * capacity);
        }
        long late = 0;
        for (int n = 20; n < ticks; n++) {
            late += generated[n];
        }
        assertThat(late).as("generated converges to what it completes").isEqualTo((ticks - 20) * capacity);
    }

    @Test
    void aGuestNothingLimitsGeneratesAllItsWorkloadAsksFor() {
        int ticks = 30;
        long[] backlog = new long[ticks];
        long[] generated = play(10 * DEMAND, ticks, backlog);
        for (int n = 0; n <= ticks; n++) {
            assertThat(generated[n]).as("work of tick %d", n).isEqualTo(DEMAND);
        }
        assertThat(backlog).containsOnly(0L);
    }
}
