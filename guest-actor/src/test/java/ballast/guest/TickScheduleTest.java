package ballast.guest;

import ballast.guest.balloon.Balloon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TranslationMode;
import ballast.guest.os.GuestOs;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VM's per-tick decisions, without an actor: stalls, workload changes, the driver's orders, skipped steps. */
class TickScheduleTest {
    static final int[] NONE = new int[0];

    static GuestOs os() {
        GuestOs os = new GuestOs(GuestVmTest.settings(TranslationMode.FULL, true));
        os.booted(new int[GuestVmTest.PAGES]);
        return os;
    }

    static WorkloadSettings idle() {
        return new WorkloadSettings("idle", List.of(Phase.idle(Double.POSITIVE_INFINITY)));
    }

    @Test
    void stallOfTickStartNAppliesToTheWorkOfTickNPlusOneOnly() {
        TickSchedule schedule = new TickSchedule();
        schedule.started(new TickStart(4, false, 0, true));
        assertThat(schedule.stalled(4)).isFalse();
        assertThat(schedule.stalled(5)).isTrue();
        assertThat(schedule.stalled(7)).isFalse(); // same parity, another tick
        schedule.started(new TickStart(5, false, 0, false));
        assertThat(schedule.stalled(6)).isFalse();
        assertThat(schedule.stalled(5)).isTrue();
    }

    @Test
    void stalledWorkCarriesNoWorkloadAccesses() {
        GuestOs os = os();
        TickSchedule schedule = new TickSchedule();
        schedule.started(new TickStart(0, false, 0, true));
        GuestOs.Work work = schedule.generate(os, 1, 64).work();
        assertThat(work.opCount()).isZero();
        assertThat(os.verify(new TickResult(1, 0, 0, List.of(), 0))).isFalse(); // no reads: digest of nothing expected
    }

    @Test
    void workloadChangeBeforeTheFirstTickIsInForceFromTheFirstWork() {
        TickSchedule schedule = new TickSchedule();
        assertThat(schedule.changeWorkload(idle())).isEqualTo(-1);
        GuestOs os = os();
        assertThat(schedule.generate(os, 0, 64).work().opCount()).isZero();
    }

    @Test
    void workloadChangeBetweenTicksIsInForceTwoTicksAfterTheLastStart() {
        TickSchedule schedule = new TickSchedule();
        GuestOs os = os();
        schedule.started(new TickStart(0, false));
        assertThat(schedule.generate(os, 0, 64).work().opCount()).isPositive();
        assertThat(schedule.changeWorkload(idle())).isEqualTo(2);
        os.verify(new TickResult(0, 0, 0, List.of(), 0));
        assertThat(schedule.generate(os, 1, 64).work().opCount()).isPositive(); // may already exist: unchanged
        os.verify(new TickResult(1, 0, 0, List.of(), 0));
        assertThat(schedule.generate(os, 2, 64).work().opCount()).isZero();
    }

    @Test
    void ordersOfAnotherTickThanThePreviousAreRefused() {
        TickSchedule schedule = new TickSchedule();
        schedule.ordersCame(new Balloon.Orders(3, 0, NONE, NONE, Balloon.Outcome.DONE));
        assertThatThrownBy(() -> schedule.generate(os(), 5, 64)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("balloon orders of tick 3 reach the work of tick 5");
    }

    @Test
    void ordersToPinAreCarriedOutOnceAndReportedForTheDriver() {
        TickSchedule schedule = new TickSchedule();
        GuestOs os = os();
        schedule.ordersCame(new Balloon.Orders(-1, 5, NONE, NONE, Balloon.Outcome.AGAIN));
        TickSchedule.Generated first = schedule.generate(os, 0, 64);
        assertThat(first.pinRequested()).isEqualTo(5);
        assertThat(first.work().pinned()).hasSize(5);
        os.verify(new TickResult(0, 0, 0, List.of(), 0));
        assertThat(schedule.generate(os, 1, 64).pinRequested()).isZero();
    }

    @Test
    void stepHasNothingToDoOnlyWithoutStatusUnresolvedCallOrTargetChange() {
        TickSchedule schedule = new TickSchedule();
        assertThat(schedule.nothingToDo(10, 0, 0, 400, 0)).isTrue();
        assertThat(schedule.nothingToDo(10, 500, 0, 400, 400)).isTrue(); // target capped
        assertThat(schedule.nothingToDo(10, 8, 0, 400, 0)).isFalse();
        assertThat(schedule.nothingToDo(10, 0, TickResult.INFLATE_REFUSED, 400, 0)).isFalse();
    }

    @Test
    void workCarryingABalloonCallKeepsTheNextStepFromBeingSkipped() {
        TickSchedule schedule = new TickSchedule();
        GuestOs os = os();
        schedule.ordersCame(new Balloon.Orders(-1, 2, NONE, NONE, Balloon.Outcome.AGAIN));
        schedule.generate(os, 0, 64);
        assertThat(schedule.nothingToDo(1, 2, 0, 400, 2)).isFalse(); // the inflate of tick 0 is unresolved
        assertThat(schedule.nothingToDo(2, 2, 0, 400, 2)).isTrue();
    }

    @Test
    void statusGoesToTheStepOfTheNextTickOnly() {
        TickSchedule schedule = new TickSchedule();
        schedule.resultCame(new TickResult(6, 0, 0, List.of(), TickResult.DEFLATE_REFUSED));
        assertThat(schedule.statusFor(7)).isEqualTo(TickResult.DEFLATE_REFUSED);
        assertThat(schedule.statusFor(8)).isZero();
    }

    @Test
    void snapshotCarriesEveryDecisionToARestoredSchedule() {
        TickSchedule schedule = new TickSchedule();
        schedule.started(new TickStart(8, false, 0, true));
        schedule.resultCame(new TickResult(8, 0, 0, List.of(), TickResult.INFLATE_REFUSED));
        schedule.changeWorkload(idle());
        Balloon.Orders orders = new Balloon.Orders(8, 3, NONE, NONE, Balloon.Outcome.AGAIN);
        schedule.ordersCame(orders);
        GuestVmSnapshot s = schedule.snapshot(null, null);
        TickSchedule restored = new TickSchedule();
        restored.restore(s);
        assertThat(restored.stalled(9)).isTrue();
        assertThat(restored.statusFor(9)).isEqualTo(TickResult.INFLATE_REFUSED);
        assertThat(restored.changeWorkload(idle())).isEqualTo(10);
        GuestVmSnapshot again = restored.snapshot(null, null);
        assertThat(again.orders()).isSameAs(orders);
        assertThat(again.stallTick()).containsExactly(s.stallTick());
        assertThat(again.stallBits()).isEqualTo(s.stallBits());
        assertThat(again.lastStartedTick()).isEqualTo(8);
    }
}
