package ballast.scheduler.clock;

import ballast.host.control.HostTickDone;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tick barrier of the deterministic mode: which tick is being played, what kind of tick it is
 * (a sampling point, audited, the last), which hosts take part (the plan's, less those lost with
 * their node), which of them have reported, and so whether the clock may move on. A report for
 * another tick, from a host that does not take part, or a second report of a host, is refused.
 *
 * <p>Owned by the {@link Clock} actor; not thread-safe.
 */
public final class TickBarrier {

    /** What the tick being started is: a sampling point, audited, the last one, the last because of a stop. */
    public record TickKind(long tick, boolean sampling, boolean audit, boolean last, boolean interrupted) {
    }

    private final ClockPlan plan;
    private final List<String> live;
    private final Map<String, HostTickDone> arrived = new TreeMap<>();
    private long tick;
    private TickKind kind;

    public TickBarrier(ClockPlan plan) {
        this.plan = plan;
        this.live = new ArrayList<>(plan.hostNames());
    }

    /** The tick being played (or, between ticks, the next one). */
    public long tick() {
        return tick;
    }

    /** The hosts still taking part, in the plan's order. */
    public List<String> live() {
        return live;
    }

    /**
     * Starts the current tick: the last one when it is the planned last or a stop was requested
     * ({@code stopRequested}), which is then sampled and audited like the planned last.
     */
    public TickKind start(boolean stopRequested) {
        arrived.clear();
        boolean last = tick == plan.ticks() - 1 || stopRequested;
        kind = new TickKind(tick, last || (tick + 1) % plan.sampleEveryTicks() == 0, last || plan.auditEveryTick(),
                last, stopRequested && tick < plan.ticks() - 1);
        return kind;
    }

    /** The kind of the tick being played (null before the first). */
    public TickKind kind() {
        return kind;
    }

    /** Takes a host's report; false (and nothing changes) if it does not belong to this tick's barrier. */
    public boolean report(HostTickDone done) {
        if (done.tick() != tick || !live.contains(done.hostName()) || arrived.containsKey(done.hostName())) {
            return false;
        }
        arrived.put(done.hostName(), done);
        return true;
    }

    /** Whether every host taking part has reported the tick. */
    public boolean complete() {
        return arrived.size() >= live.size();
    }

    /** The tick's reports, in the plan's host order (when {@link #complete()}). */
    public List<HostTickDone> reports() {
        List<HostTickDone> out = new ArrayList<>();
        for (String name : live) {
            out.add(arrived.get(name));
        }
        return out;
    }

    /** The clock moves on: the next tick is the current one. */
    public void advance() {
        tick++;
    }

    /** Sets the tick reached (a free-running run reports how far its hosts went). */
    public void reached(long ticks) {
        tick = ticks;
    }

    /** Whether the run ends early, because a stop was requested before its planned last tick. */
    public boolean interrupted() {
        return kind != null && kind.interrupted();
    }

    /** Whether the tick just played ended the run (the planned last, or the last after a stop request). */
    public boolean over() {
        return tick == plan.ticks() || kind != null && kind.last();
    }

    /** These hosts are gone: the barrier no longer waits for them. True if no host is left. */
    public boolean lose(List<String> hosts) {
        live.removeAll(hosts);
        hosts.forEach(arrived::remove);
        return live.isEmpty();
    }

    /** Why the run ends when the barrier waited {@code timeout} in vain: the tick and the hosts missing. */
    public String timedOut(java.time.Duration timeout) {
        return "tick " + tick + " barrier timed out after " + timeout.toSeconds() + " s waiting for host(s) "
                + String.join(", ", missing());
    }

    /** The hosts taking part that have not reported the tick. */
    public List<String> missing() {
        List<String> out = new ArrayList<>();
        for (String name : live) {
            if (!arrived.containsKey(name)) {
                out.add(name);
            }
        }
        return out;
    }
}
