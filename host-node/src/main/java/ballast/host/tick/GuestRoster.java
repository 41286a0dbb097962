package ballast.host.tick;

import ballast.abi.Audit;
import ballast.abi.GuestCounters;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import java.util.Arrays;

/**
 * Which guests of one host are running, and what the hypervisor keeps of each between messages:
 * its reply address (set at boot, cleared when it is gone), the last tick it sent work for and
 * the last it acknowledged (a second call for a tick is refused), its latest own counters and its
 * latest integrity record.
 *
 * <p>A guest is <em>booted</em> (it has an address), <em>stopped</em> (gone for good, or not
 * running here yet: a guest started later by a timed event, a guest on its way in by live
 * migration), or neither (it will boot: the next tick waits for it). A run starts when every
 * guest is booted or stopped ({@link #allBooted}).
 *
 * <p>The reply address type {@code R} is the guest's {@code ActorRef} in the hypervisor actor
 * (any value with {@code equals} in tests). Owned by one hypervisor actor, not thread-safe.
 *
 * @param <R> a guest's reply address
 */
public final class GuestRoster<R> {
    private int count;
    private Object[] refs;
    private int booted;
    private int stopped;
    private boolean[] stoppedGuest;
    private long[] workTick;
    private long[] ackTick;
    private GuestCounters[] counters;
    private Audit[] audits;

    public GuestRoster(int guests) {
        this.count = guests;
        this.refs = new Object[guests];
        this.stoppedGuest = new boolean[guests];
        this.workTick = new long[guests];
        this.ackTick = new long[guests];
        this.counters = new GuestCounters[guests];
        this.audits = new Audit[guests];
        Arrays.fill(workTick, -1L);
        Arrays.fill(ackTick, -1L);
    }

    /** Guests of this host, arrived ones included. */
    public int count() {
        return count;
    }

    /** Guest {@code g}'s reply address, or null when it is not running. */
    @SuppressWarnings("unchecked")
    public R ref(int g) {
        return (R) refs[g];
    }

    public boolean running(int g) {
        return refs[g] != null;
    }

    /** Which guests are running now (a fresh array). */
    public boolean[] runningNow() {
        boolean[] running = new boolean[count];
        for (int g = 0; g < count; g++) {
            running[g] = refs[g] != null;
        }
        return running;
    }

    /** Every guest has booted, or is gone for good (or not here yet). */
    public boolean allBooted() {
        return booted + stopped >= count;
    }

    /** Every guest has booted. */
    public boolean everyGuestBooted() {
        return booted >= count;
    }

    /** Guest {@code g} booted with reply address {@code ref}; one stopped before is no longer gone for good. */
    public void booted(int g, R ref) {
        refs[g] = ref;
        booted++;
        if (stoppedGuest[g]) {
            stoppedGuest[g] = false;
            stopped--;
        }
    }

    /**
     * Guest {@code g} is gone: it no longer runs, its integrity record is dropped, and unless it
     * reboots the runs no longer wait for it. Returns whether it was running.
     */
    public boolean gone(int g, boolean reboot) {
        boolean ran = refs[g] != null;
        if (ran) {
            refs[g] = null;
            booted--;
        }
        if (!reboot && !stoppedGuest[g]) {
            stoppedGuest[g] = true;
            stopped++;
        }
        audits[g] = null;
        return ran;
    }

    /** Guest {@code g}, stopped, will boot again (a restart is due): the next tick waits for it. */
    public void expectBoot(int g) {
        if (stoppedGuest[g] && refs[g] == null) {
            stoppedGuest[g] = false;
            stopped--;
        }
    }

    /** Live migration: a guest was admitted under the next index; it does not take part in ticks yet. */
    public void admitted(int index) {
        count = index + 1;
        refs = Arrays.copyOf(refs, count);
        stoppedGuest = Arrays.copyOf(stoppedGuest, count);
        workTick = Arrays.copyOf(workTick, count);
        ackTick = Arrays.copyOf(ackTick, count);
        counters = Arrays.copyOf(counters, count);
        audits = Arrays.copyOf(audits, count);
        workTick[index] = -1L;
        ackTick[index] = -1L;
        stopped++; // not running here yet: ticks do not wait for it
    }

    /** Live migration: guest {@code index} left for good; its figures are the destination's now. */
    public void departed(int index) {
        gone(index, false);
        counters[index] = null;
    }

    /** Live migration: guest {@code index}, on its way in, was given up; it was counted as stopped since it came. */
    public void abandoned(int index) {
        stoppedGuest[index] = true;
    }

    /** Live migration: guest {@code index} was installed; the next tick waits for its boot. */
    public void installed(int index) {
        stopped--;
    }

    public long lastWorkTick(int g) {
        return workTick[g];
    }

    public long lastAckTick(int g) {
        return ackTick[g];
    }

    public void workSent(int g, long tick) {
        workTick[g] = tick;
    }

    public void acknowledged(int g, long tick) {
        ackTick[g] = tick;
    }

    /**
     * Checks a guest's call (its work, {@code ack} false, or its acknowledgement) against the
     * guest that sent it and the tick being played: null when it may proceed, else why not.
     *
     * @param known    whether {@code guest} is a guest of this host at all
     * @param expected the tick the guest may call for now ({@link Long#MIN_VALUE} when none)
     */
    public Refusal check(boolean known, int guest, R sender, long tick, long expected, boolean ack, String hostName) {
        if (!known) {
            return new Refusal(RefusalReason.UNKNOWN_GUEST, -1, "no guest " + guest + " on host " + hostName);
        } else if (refs[guest] == null) {
            return new Refusal(RefusalReason.NOT_BOOTED, -1, "guest " + guest + " has not booted");
        } else if (!refs[guest].equals(sender)) {
            return new Refusal(RefusalReason.NOT_SENDER, -1, "guest " + guest + " is not the sender");
        } else if (tick != expected) {
            return new Refusal(RefusalReason.WRONG_TICK, -1, "tick " + tick + " is not being played");
        } else if ((ack ? ackTick : workTick)[guest] == tick) {
            return new Refusal(RefusalReason.DUPLICATE_WORK, -1, "guest " + guest + " already reported for tick " + tick);
        }
        return null;
    }

    /** The guest's own counters from its latest acknowledgement (null before the first). */
    public GuestCounters counters(int g) {
        return counters[g];
    }

    public void counters(int g, GuestCounters latest) {
        counters[g] = latest;
    }

    /** The guest's integrity record from its latest audited acknowledgement, or null. */
    public Audit audit(int g) {
        return audits[g];
    }

    /** Keeps the guest's integrity record; missing arrays count as empty (their entries as differences). */
    public void audit(int g, Audit audit) {
        audits[g] = wellFormed(audit);
    }

    public void clearAudits() {
        Arrays.fill(audits, null);
    }

    static Audit wellFormed(Audit audit) {
        if (audit == null || audit.keys() != null && audit.tokens() != null) {
            return audit;
        }
        return new Audit(audit.keys() != null ? audit.keys() : new long[0], audit.tokens() != null ? audit.tokens() : new long[0]);
    }
}
