package ballast.scheduler.clock;

import ballast.abi.ToHypervisor;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.node.GuestChanged;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.TimedEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Which timed event fires when: the events of a {@link Timeline} in order, each due before the
 * first tick at or after its own; the event being applied, the answers it still waits for (one per
 * host it reconfigures, one from the guest it starts, stops or changes) and what went wrong; and
 * the record of every event applied, with the tick it landed at and its outcome ("ok", the
 * problems, or "no answer"). One event is applied at a time; an answer that arrives late (after
 * its event timed out) is recognised by the event's serial number and ignored.
 *
 * <p>Owned by the {@link Clock} actor; not thread-safe.
 */
public final class EventSchedule {
    private final List<TimedEvent> events;
    private int next;
    private TimedEvent applying;
    private int awaiting;
    private long serial;
    private final List<String> problems = new ArrayList<>();
    private final List<RunResult.AppliedEvent> applied = new ArrayList<>();

    public EventSchedule(List<TimedEvent> events) {
        this.events = List.copyOf(events);
    }

    /** The next event due before tick {@code tick} (taken off the schedule), or null when none is. */
    public TimedEvent nextDue(long tick) {
        if (next < events.size() && events.get(next).tick() <= tick) {
            return events.get(next++);
        }
        return null;
    }

    /** Starts applying {@code event}, which waits for {@code answers} answers; returns its serial number. */
    public long begin(TimedEvent event, int answers) {
        applying = event;
        awaiting = answers;
        problems.clear();
        return ++serial;
    }

    /** The event being applied, or null between events. */
    public TimedEvent applying() {
        return applying;
    }

    /** Whether the event being applied waits for an answer about {@code guest}. */
    public boolean awaitsGuest(String guest) {
        return applying != null && guest.equals(guestOf(applying.change()));
    }

    /** Whether the event being applied reconfigures {@code host}. */
    public boolean awaitsHost(String host) {
        return applying != null && (applying.change() instanceof TimedEvent.ChangeReclaim c
                && c.hosts().containsKey(host)
                || applying.change() instanceof TimedEvent.ResizeGuest r && r.host().equals(host));
    }

    /** Whether every answer has arrived (nothing to wait for). */
    public boolean answered() {
        return awaiting == 0;
    }

    /** An answer arrived, with {@code problem} (null if none); true once it was the last one awaited. */
    public boolean answer(String problem) {
        if (problem != null) {
            problems.add(problem);
        }
        return --awaiting == 0;
    }

    /** The event being applied has landed at {@code tick}: it is recorded with its outcome. */
    public void complete(long tick) {
        applied.add(new RunResult.AppliedEvent(applying.atSeconds(), tick, applying.what(),
                problems.isEmpty() ? "ok" : String.join("; ", problems)));
        applying = null;
    }

    /**
     * Event number {@code serial} timed out at {@code tick}: recorded as unanswered and returned, or
     * null if that event is no longer being applied.
     */
    public TimedEvent timedOut(long serial, long tick) {
        if (applying == null || serial != this.serial) {
            return null;
        }
        TimedEvent stuck = applying;
        applying = null;
        applied.add(new RunResult.AppliedEvent(stuck.atSeconds(), tick, stuck.what(), "no answer"));
        return stuck;
    }

    /** Every event applied so far, in order. */
    public List<RunResult.AppliedEvent> applied() {
        return applied;
    }

    /**
     * Every event applied so far, then every event never begun, each recorded at its planned tick with
     * {@code why} as its result: a free run can end before its slowest guests reach an event's tick,
     * and such an event is reported, not dropped.
     */
    public List<RunResult.AppliedEvent> appliedThenNotBegun(String why) {
        List<RunResult.AppliedEvent> all = new ArrayList<>(applied);
        for (int i = next; i < events.size(); i++) {
            TimedEvent e = events.get(i);
            all.add(new RunResult.AppliedEvent(e.atSeconds(), e.tick(), e.what(), why));
        }
        return all;
    }

    /**
     * Begins {@code event} before tick {@code tick} and sends what it asks for: a change of
     * reclamation settings to each host it names (each answers to {@code reconfigured}), anything
     * else to the guests' owner (who answers to {@code answers}). Returns the event's serial (for
     * its timeout).
     */
    long send(TimedEvent event, long tick, java.util.Map<String, ActorRef<ToHypervisor>> hosts,
              ActorRef<Reconfigured> reconfigured, ActorRef<GuestControl> guests, ActorRef<GuestChanged> answers) {
        if (event.change() instanceof TimedEvent.ChangeReclaim c) {
            long serial = begin(event, c.hosts().size());
            c.hosts().forEach((host, settings) -> hosts.get(host).tell(new Reconfigure(settings, reconfigured)));
            return serial;
        }
        if (event.change() instanceof TimedEvent.ResizeGuest r) {
            long serial = begin(event, 1);
            hosts.get(r.host()).tell(new ballast.host.control.ResizeMemory(r.guest(), r.pages(), reconfigured));
            return serial;
        }
        long serial = begin(event, 1);
        guests.tell(request(event.change(), tick, answers));
        return serial;
    }

    /** What the guests' owner is asked for an event that starts, stops or changes a guest before tick {@code tick}. */
    static GuestControl request(TimedEvent.Change change, long tick, ActorRef<GuestChanged> replyTo) {
        if (change instanceof TimedEvent.StartGuest s) {
            return new GuestControl.Start(s.guest(), tick, replyTo);
        }
        if (change instanceof TimedEvent.StopGuest s) {
            return new GuestControl.Stop(s.guest(), replyTo);
        }
        TimedEvent.ChangeWorkload w = (TimedEvent.ChangeWorkload) change;
        return new GuestControl.ChangeWorkload(w.guest(), w.workload(), tick, replyTo);
    }

    /** The guest an event starts, stops or changes, or null (a reclamation change). */
    static String guestOf(TimedEvent.Change change) {
        if (change instanceof TimedEvent.StartGuest s) {
            return s.guest();
        }
        if (change instanceof TimedEvent.StopGuest s) {
            return s.guest();
        }
        if (change instanceof TimedEvent.ChangeWorkload w) {
            return w.guest();
        }
        return null;
    }
}
