package ballast.host.tick;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The free-running bookkeeping, without an actor system. */
class FreeRunTest {

    @Test
    void eachGuestMovesToItsNextTickOnItsAcknowledgementUntilItsLast() {
        FreeRun run = new FreeRun(3, 100, new boolean[] {true, true}, false);
        assertThat(run.tickOf(0)).isZero();
        assertThat(run.acknowledged(0, 0)).isEqualTo(1);
        assertThat(run.isLast(1)).isFalse();
        assertThat(run.acknowledged(0, 1)).isEqualTo(2);
        assertThat(run.isLast(2)).isTrue();
        assertThat(run.tickOf(1)).as("guest 1 plays at its own pace").isZero();
        assertThat(run.completedTick()).isEqualTo(-1);
        assertThat(run.acknowledged(0, 2)).as("its last").isEqualTo(-1);
        assertThat(run.tickOf(0)).as("finished: no tick is played any more").isEqualTo(3);
        assertThat(run.expectedTick(0)).isEqualTo(3);
        assertThat(run.expectedTick(9)).isEqualTo(Long.MIN_VALUE);
        assertThat(run.done(2)).isFalse();
        run.acknowledged(1, 0);
        run.acknowledged(1, 1);
        assertThat(run.completedTick()).isEqualTo(1);
        run.acknowledged(1, 2);
        assertThat(run.done(2)).isTrue();
    }

    @Test
    void guestsNotRunningAtTheStartAreFinishedAndAGoneGuestFinishesOnce() {
        FreeRun run = new FreeRun(5, 100, new boolean[] {false, true, true}, false);
        assertThat(run.tickOf(0)).isEqualTo(5);
        assertThat(run.gone(0)).isFalse();
        assertThat(run.gone(1)).isTrue();
        assertThat(run.gone(1)).isFalse();
        assertThat(run.done(3)).isFalse();
        assertThat(run.gone(2)).isTrue();
        assertThat(run.done(3)).isTrue();
    }

    @Test
    void theDaemonMustPlayEveryTickToo() {
        FreeRun run = new FreeRun(2, 100, new boolean[] {false}, true);
        assertThat(run.done(1)).isFalse();
        assertThat(run.daemonTick()).isZero();
        assertThat(run.daemonAcknowledged()).isTrue();
        assertThat(run.daemonTick()).isEqualTo(1);
        assertThat(run.daemonAcknowledged()).isFalse();
        assertThat(run.done(1)).isTrue();
    }

    @Test
    void theReclaimerRunsEveryTicksWorthOfWorkAndTheInvariantsEveryCheckEvery() {
        FreeRun run = new FreeRun(10, 3, new boolean[] {true, true}, false);
        boolean[] reclaim = new boolean[6];
        boolean[] check = new boolean[6];
        for (int i = 0; i < 6; i++) {
            reclaim[i] = run.workApplied(2);
            check[i] = run.checkDue();
        }
        assertThat(reclaim).containsExactly(false, true, false, true, false, true);
        assertThat(check).containsExactly(false, false, true, false, false, true);
        run.checked(3, List.of("bad"));
        run.checked(3, List.of());
        assertThat(run.checks()).isEqualTo(6);
        List<String> found = run.violations();
        assertThat(found).containsExactly("bad");
        found.add("more");
        assertThat(run.violations()).as("a copy").containsExactly("bad");
    }

    @Test
    void stoppingEarlyEndsTheRunOneTickAfterTheFurthestGuest() {
        FreeRun run = new FreeRun(100, 1000, new boolean[] {true, true, false}, true);
        run.acknowledged(0, 0);
        run.acknowledged(0, 1);
        run.acknowledged(0, 2); // guest 0 plays tick 3, guest 1 tick 0
        assertThat(run.stopEarly()).isEqualTo(4);
        assertThat(run.ticks()).isEqualTo(5);
        assertThat(run.isLast(4)).isTrue();
        assertThat(run.stopEarly()).as("it would not end sooner").isEqualTo(-1);
        assertThat(run.ticks()).isEqualTo(5);

        FreeRun nobody = new FreeRun(100, 1000, new boolean[] {false}, false);
        assertThat(nobody.stopEarly()).isEqualTo(-1);
        assertThat(nobody.ticks()).isEqualTo(100);
    }
}
