package ballast.host.tick;

import ballast.host.sharing.SharingCounters;

/**
 * The hypervisor's record of its page-sharing daemon's calls: the daemon sends one work and then
 * one acknowledgement per tick, each for the tick it is playing. A work is taken only from the
 * host's own daemon, for the expected tick, once; an acknowledgement likewise, and only after that
 * tick's work. The counters of the latest acknowledgement go into the host's figures.
 *
 * <p>Owned by one hypervisor actor, not thread-safe.
 */
public final class DaemonLedger {
    private long workTick = -1;
    private long ackTick = -1;
    private SharingCounters counters = SharingCounters.ZERO;

    /**
     * Takes the daemon's work for {@code tick} if {@code fromDaemon} (its reply address is the
     * host's daemon) and the tick is {@code expected} and has no work yet; returns whether taken.
     */
    public boolean work(boolean fromDaemon, long tick, long expected) {
        if (!fromDaemon || tick != expected || workTick == tick) {
            return false;
        }
        workTick = tick;
        return true;
    }

    /**
     * Takes the daemon's acknowledgement of {@code tick} with its {@code latest} counters, on the
     * same terms as {@link #work}, and only after that tick's work; returns whether taken.
     */
    public boolean ack(boolean fromDaemon, long tick, long expected, SharingCounters latest) {
        if (!fromDaemon || tick != expected || workTick != tick || ackTick == tick) {
            return false;
        }
        ackTick = tick;
        counters = latest;
        return true;
    }

    /** The daemon's counters from its latest acknowledgement (zero before the first). */
    public SharingCounters counters() {
        return counters;
    }
}
