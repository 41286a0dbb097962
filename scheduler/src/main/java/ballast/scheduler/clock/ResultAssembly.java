package ballast.scheduler.clock;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.scheduler.run.RunResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a run's {@link RunResult} from the hosts' reports: the invariant checks and violations of
 * every report, the time series (every guest and every host at each sampling point), each host's
 * last figures and its guests' figures at the last sampling point (a host whose guests all left
 * reports none, so its old rows go; a lost host's guest rows go, its last figures stay), and the
 * guest faults. The final figures list the hosts in the plan's order.
 *
 * <p>Free-running, each host reports progress (invariant checks only) and one final report with
 * its figures: the run has played as many ticks as the furthest host's, and its samples are the
 * final reports.
 *
 * <p>Owned by the {@link Clock} actor; not thread-safe.
 */
public final class ResultAssembly {
    private final ClockPlan plan;
    private final List<RunResult.Sample> samples = new ArrayList<>();
    private final List<RunResult.HostSample> hostSamples = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<RunResult.Fault> faults = new ArrayList<>();
    /** Why the run fails although it played to its end (a guest that could not be kept running), or null. */
    private String runFailure;
    private final Map<String, HostStats> lastHostStats = new TreeMap<>();
    private final Map<String, List<GuestStats>> lastGuestStats = new TreeMap<>();
    private final Map<String, HostTickDone> finalReports = new TreeMap<>();
    private final Map<String, Long> freeProgress = new HashMap<>();
    private long checks;

    public ResultAssembly(ClockPlan plan) {
        this.plan = plan;
    }

    /** Tick {@code tick} was played by every host taking part ({@code reports}); sampled if {@code sampling}. */
    public void tickPlayed(long tick, List<HostTickDone> reports, boolean sampling) {
        double simulatedSeconds = (tick + 1) * plan.tickSeconds();
        for (HostTickDone d : reports) {
            checks += d.invariantChecks();
            violations.addAll(d.violations());
            lastHostStats.put(d.hostName(), d.host());
            if (sampling) {
                hostSamples.add(new RunResult.HostSample(simulatedSeconds, d.hostName(), d.host()));
                lastGuestStats.put(d.hostName(), d.guests());
                for (GuestStats g : d.guests()) {
                    samples.add(new RunResult.Sample(simulatedSeconds, d.hostName(), g));
                }
            }
        }
    }

    /** Whether an invariant was violated; if so, {@code headline} goes first (once the run ends for it). */
    public boolean violated(String headline) {
        if (violations.isEmpty()) {
            return false;
        }
        violations.add(0, headline);
        return true;
    }

    /** The hosts' last figures (plan order is not kept: by name). */
    public Map<String, HostStats> lastHosts() {
        return Map.copyOf(lastHostStats);
    }

    /** Each host's guests at the last sampling point. */
    public Map<String, List<GuestStats>> lastGuests() {
        return Map.copyOf(lastGuestStats);
    }

    /** These hosts are gone with their node: their guests' rows go, their last figures stay. */
    public void hostsLost(List<String> hosts) {
        hosts.forEach(lastGuestStats::remove);
    }

    public void fault(RunResult.Fault fault) {
        faults.add(fault);
    }

    /** The run fails with {@code reason} (the first one given) unless it already failed otherwise. */
    public void failRun(String reason) {
        if (runFailure == null) {
            runFailure = reason;
        }
    }

    // ---------------------------------------------------------------- free-running

    /** Whether {@code host}'s final report is in. */
    public boolean finalReported(String host) {
        return finalReports.containsKey(host);
    }

    /**
     * A free-running host's report: its checks count; the final one (with its guests' rows, at the
     * planned last tick or, once the hosts were asked to stop, earlier) carries its figures. Returns
     * the slowest host's ticks so far: a host of the plan not heard from yet has completed none (its
     * free run may not have started, its guests still booting), so nothing that waits for every
     * guest to have completed a tick (a timed event, a live migration's boundary) goes ahead of it.
     */
    public long freeReport(HostTickDone done, boolean stopSent) {
        checks += done.invariantChecks();
        violations.addAll(done.violations());
        freeProgress.put(done.hostName(), done.tick() + 1);
        if ((done.tick() == plan.ticks() - 1 || stopSent) && !done.guests().isEmpty()) {
            finalReports.put(done.hostName(), done);
            lastHostStats.put(done.hostName(), done.host());
            lastGuestStats.put(done.hostName(), done.guests());
        }
        long slowest = Long.MAX_VALUE;
        for (String host : plan.hostNames()) {
            slowest = Math.min(slowest, freeProgress.getOrDefault(host, 0L));
        }
        return slowest;
    }

    /** Whether every host's final report is in. */
    public boolean allFinal() {
        return finalReports.size() == plan.hostNames().size();
    }

    /** Every host's final report is in: the ticks played (the furthest host's), its guests sampled at that time. */
    public long freeFinish() {
        long played = 0;
        for (HostTickDone report : finalReports.values()) {
            played = Math.max(played, report.tick() + 1);
        }
        double simulatedSeconds = played * plan.tickSeconds();
        for (String name : plan.hostNames()) {
            for (GuestStats g : finalReports.get(name).guests()) {
                samples.add(new RunResult.Sample(simulatedSeconds, name, g));
            }
        }
        return played;
    }

    // ---------------------------------------------------------------- the result

    /** The result after {@code ticks} ticks. */
    public RunResult build(long ticks, String failure, boolean interrupted, double wallSeconds,
                           List<RunResult.AppliedEvent> applied) {
        List<HostStats> hostStats = new ArrayList<>();
        List<GuestStats> guestStats = new ArrayList<>();
        for (String name : plan.hostNames()) {
            if (lastHostStats.containsKey(name)) {
                hostStats.add(lastHostStats.get(name));
            }
            guestStats.addAll(lastGuestStats.getOrDefault(name, List.of()));
        }
        String why = failure != null ? failure : runFailure != null ? runFailure : mismatches(guestStats);
        return new RunResult(ticks, List.copyOf(samples), List.copyOf(hostSamples), List.copyOf(hostStats),
                List.copyOf(guestStats), checks, List.copyOf(violations), why, interrupted, wallSeconds,
                List.copyOf(faults), List.copyOf(applied));
    }

    /**
     * A read that returned something other than what the guest last wrote fails the run: the reads
     * that did, per guest (the first few named), or null when every read was right.
     */
    public static String mismatches(List<GuestStats> guests) {
        long total = 0;
        StringBuilder who = new StringBuilder();
        int named = 0;
        for (GuestStats g : guests) {
            if (g.readMismatches() > 0) {
                total += g.readMismatches();
                if (named++ < 5) {
                    who.append(who.length() == 0 ? "" : ", ").append(g.name()).append(": ").append(g.readMismatches());
                }
            }
        }
        if (total == 0) {
            return null;
        }
        return total + " read(s) returned something other than what the guest last wrote (" + who
                + (named > 5 ? ", ..." : "") + ")";
    }
}
