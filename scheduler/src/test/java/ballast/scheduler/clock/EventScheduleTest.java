package ballast.scheduler.clock;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.reclaim.ReclaimSettings;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.TimedEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which timed event fires before which tick, what it waits for and how it is recorded, without actors. */
class EventScheduleTest {
    static final TimedEvent RECLAIM = new TimedEvent(0.1, 1, "set tau",
            new TimedEvent.ChangeReclaim(Map.of("a", ReclaimSettings.DISABLED, "b", ReclaimSettings.DISABLED)));
    static final TimedEvent START = new TimedEvent(0.1, 1, "start late", new TimedEvent.StartGuest("late"));
    static final TimedEvent STOP = new TimedEvent(0.3, 3, "stop early", new TimedEvent.StopGuest("early"));

    @Test
    void eventsFireBeforeTheirTickInOrder() {
        EventSchedule s = new EventSchedule(List.of(RECLAIM, START, STOP));
        assertThat(s.nextDue(0)).isNull();
        assertThat(s.nextDue(1)).isSameAs(RECLAIM);
        assertThat(s.nextDue(1)).isSameAs(START);
        assertThat(s.nextDue(2)).isNull();
        assertThat(s.nextDue(5)).isSameAs(STOP); // a late clock still applies it, once
        assertThat(s.nextDue(5)).isNull();
    }

    @Test
    void anEventWaitsForEveryAnswerAndRecordsItsProblems() {
        EventSchedule s = new EventSchedule(List.of(RECLAIM));
        s.begin(s.nextDue(1), 2);
        assertThat(s.awaitsHost("a")).isTrue();
        assertThat(s.awaitsHost("c")).isFalse();
        assertThat(s.awaitsGuest("late")).isFalse();
        assertThat(s.answer(null)).isFalse();
        assertThat(s.answer("refused by b: bad tau")).isTrue();
        s.complete(1);
        assertThat(s.applying()).isNull();
        assertThat(s.applied()).containsExactly(new RunResult.AppliedEvent(0.1, 1, "set tau", "refused by b: bad tau"));
    }

    @Test
    void eventsNeverBegunAreReportedAfterTheAppliedOnesAtTheirPlannedTicks() {
        EventSchedule s = new EventSchedule(List.of(RECLAIM, START, STOP));
        s.begin(s.nextDue(1), 0);
        s.complete(2);
        assertThat(s.appliedThenNotBegun("not applied")).containsExactly(
                new RunResult.AppliedEvent(0.1, 2, "set tau", "ok"),
                new RunResult.AppliedEvent(0.1, 1, "start late", "not applied"),
                new RunResult.AppliedEvent(0.3, 3, "stop early", "not applied"));
        assertThat(s.applied()).hasSize(1);
        s.begin(s.nextDue(3), 0);
        s.complete(3);
        s.begin(s.nextDue(3), 0);
        s.complete(4);
        assertThat(s.appliedThenNotBegun("not applied")).extracting(RunResult.AppliedEvent::result)
                .containsExactly("ok", "ok", "ok");
    }

    @Test
    void aGuestEventWaitsForItsGuestAndAsksTheGuestsOwner() {
        EventSchedule s = new EventSchedule(List.of(START, STOP));
        s.begin(s.nextDue(1), 1);
        assertThat(s.awaitsGuest("late")).isTrue();
        assertThat(s.awaitsGuest("early")).isFalse();
        assertThat(EventSchedule.request(START.change(), 1, null)).isEqualTo(new GuestControl.Start("late", 1, null));
        assertThat(EventSchedule.request(STOP.change(), 3, null)).isEqualTo(new GuestControl.Stop("early", null));
        assertThat(s.answer(null)).isTrue();
        s.complete(1);
        assertThat(s.applied()).extracting(RunResult.AppliedEvent::result).containsExactly("ok");
    }

    @Test
    void aTimeoutRecordsNoAnswerAndALateTimeoutIsIgnored() {
        EventSchedule s = new EventSchedule(List.of(START, STOP));
        long first = s.begin(s.nextDue(1), 1);
        s.answer(null);
        s.complete(1);
        long second = s.begin(s.nextDue(3), 1);
        assertThat(s.timedOut(first, 3)).isNull(); // the first event is long done
        assertThat(s.timedOut(second, 3)).isSameAs(STOP);
        assertThat(s.applying()).isNull();
        assertThat(s.applied()).extracting(RunResult.AppliedEvent::result).containsExactly("ok", "no answer");
    }
}
