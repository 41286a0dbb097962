package ballast.host.tick;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.sharing.SharingCounters;
import org.junit.jupiter.api.Test;

/** The pairing of the page-sharing daemon's work and acknowledgements, without an actor system. */
class DaemonLedgerTest {

    @Test
    void workIsTakenOnlyFromTheDaemonForTheExpectedTickAndOnce() {
        DaemonLedger ledger = new DaemonLedger();
        assertThat(ledger.work(false, 3, 3)).as("not the host's daemon").isFalse();
        assertThat(ledger.work(true, 2, 3)).as("another tick").isFalse();
        assertThat(ledger.work(true, 3, 3)).isTrue();
        assertThat(ledger.work(true, 3, 3)).as("a second work for the tick").isFalse();
        assertThat(ledger.work(true, 4, 4)).isTrue();
    }

    @Test
    void anAcknowledgementIsTakenOnlyAfterItsTicksWorkAndOnceAndKeepsItsCounters() {
        DaemonLedger ledger = new DaemonLedger();
        SharingCounters first = new SharingCounters(1, 2, 3, 4);
        assertThat(ledger.counters()).isEqualTo(SharingCounters.ZERO);
        assertThat(ledger.ack(true, 0, 0, first)).as("before its work").isFalse();
        ledger.work(true, 0, 0);
        assertThat(ledger.ack(false, 0, 0, first)).isFalse();
        assertThat(ledger.ack(true, 0, 1, first)).isFalse();
        assertThat(ledger.counters()).as("nothing taken yet").isEqualTo(SharingCounters.ZERO);
        assertThat(ledger.ack(true, 0, 0, first)).isTrue();
        assertThat(ledger.counters()).isEqualTo(first);
        assertThat(ledger.ack(true, 0, 0, SharingCounters.ZERO)).as("twice").isFalse();
        assertThat(ledger.counters()).isEqualTo(first);
    }
}
