package ballast.app.report;

import ballast.guest.GuestSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.Scenario;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The summary a user reads on the terminal after a run: tables that fit 100 columns (with guest
 * names of up to 16 characters). The wider detail (native cycles, the translation cache, silent
 * failures, every other figure) is in the report and summary.json.
 */
public final class ConsoleTable {
    private static final double PAGES_PER_MIB = 256.0;

    private ConsoleTable() {
    }

    /**
     * When some host reclaims: per host its free-memory state, policy, ballooned and swapped memory;
     * per guest on such a host its allocation, balloon, swapped pages and working set, in MiB.
     */
    private static void appendReclamation(StringBuilder out, Scenario scenario, RunResult result,
                                          Map<String, GuestStats> byName) {
        java.util.Set<String> reclaiming = new java.util.HashSet<>();
        for (HostSettings h : scenario.hosts()) {
            if (h.reclaim().enabled()) {
                reclaiming.add(h.name());
            }
        }
        if (reclaiming.isEmpty()) {
            return;
        }
        out.append(String.format(Locale.ROOT, "%n%-16s %-6s %-12s %5s %10s %10s %10s%n", "host", "state", "policy", "tau",
                "balloonMiB", "swapMiB", "rebalances"));
        for (int i = 0; i < result.hosts().size(); i++) {
            HostSettings h = scenario.hosts().get(i);
            if (!reclaiming.contains(h.name())) {
                continue;
            }
            ballast.host.control.HostReclaim r = result.hosts().get(i).reclaim();
            out.append(String.format(Locale.ROOT, "%-16s %-6s %-12s %5.2f %10.1f %10.1f %10d%n", h.name(), r.state(),
                    r.policy(), r.tau(), r.balloonedPages() / PAGES_PER_MIB, r.hostSwappedPages() / PAGES_PER_MIB,
                    r.rebalances()));
        }
        out.append(String.format(Locale.ROOT, "%n%-16s %7s %7s %7s %7s %7s %8s %9s %7s %7s %7s%n", "guest", "min", "max",
                "target", "alloc", "balloon", "hostSwap", "guestSwap", "wsEst", "wsTrue", "stalled"));
        for (GuestSettings g : scenario.guests()) {
            GuestStats s = byName.get(g.name());
            if (s == null || !reclaiming.contains(g.host())) {
                continue;
            }
            ballast.host.control.GuestReclaim r = s.reclaim();
            out.append(String.format(Locale.ROOT, "%-16s %7.1f %7.1f %7.1f %7.1f %7.1f %8.1f %9.1f %7.1f %7.1f %7d%n",
                    g.name(), r.minPages() / PAGES_PER_MIB, r.maxPages() / PAGES_PER_MIB, r.targetPages() / PAGES_PER_MIB,
                    s.allocatedPages() / PAGES_PER_MIB, r.balloonPages() / PAGES_PER_MIB,
                    r.hostSwappedPages() / PAGES_PER_MIB, r.guestSwappedPages() / PAGES_PER_MIB,
                    r.workingSetEstimatePages() / PAGES_PER_MIB, r.workingSetTruePages() / PAGES_PER_MIB,
                    r.stalledTicks()));
        }
    }

    /**
     * The time model: per guest the work it got done against what it asked for, and where its vCPUs'
     * time went, in percent of its vCPU time.
     */
    private static void appendTime(StringBuilder out, Scenario scenario, Map<String, GuestStats> byName) {
        out.append(String.format(Locale.ROOT, "%n%-16s %10s %10s %8s %6s %6s %6s %6s %6s %6s %6s%n", "guest",
                "throughput", "asked", "slowdown", "run%", "virt%", "io%", "swap%", "stall%", "ready%", "idle%"));
        for (GuestSettings g : scenario.guests()) {
            GuestStats s = byName.get(g.name());
            if (s == null) {
                continue;
            }
            ballast.host.control.GuestTimeStats t = s.time();
            double all = t.totalSeconds() > 0 ? t.totalSeconds() / 100.0 : 1;
            out.append(String.format(Locale.ROOT, "%-16s %10.0f %10.0f %8.2f %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f%n",
                    g.name(), t.throughput(), t.demandThroughput(), t.slowdown(), t.runSeconds() / all,
                    t.overheadSeconds() / all, t.ioWaitSeconds() / all, t.hostSwapWaitSeconds() / all,
                    t.stalledSeconds() / all, t.readySeconds() / all, t.idleSeconds() / all));
        }
    }

    public static String render(Scenario scenario, RunResult result) {
        StringBuilder out = new StringBuilder();
        long accesses = 0;
        long verified = 0;
        long mismatches = 0;
        for (GuestStats g : result.guests()) {
            accesses += g.accesses();
            verified += g.readsVerified();
            mismatches += g.readMismatches();
        }
        out.append(String.format(Locale.ROOT, "scenario %s  seed %d  %d ticks  %.1f s simulated%n",
                scenario.name(), scenario.seed(), result.ticksPlayed(), result.ticksPlayed() * scenario.tickSeconds()));
        out.append(String.format(Locale.ROOT, "%n%-16s %9s %9s %9s %9s %9s %9s %7s %9s%n", "host", "MiB", "free", "mapped",
                "reserved", "sharedMiB", "savedMiB", "scans", "cowBreaks"));
        Map<String, String> hostOf = new HashMap<>();
        scenario.guests().forEach(g -> hostOf.put(g.name(), result.guestHosts().getOrDefault(g.name(), g.host())));
        Map<String, Long> cowBreaks = new HashMap<>();
        for (GuestStats g : result.guests()) {
            cowBreaks.merge(hostOf.get(g.name()), g.cowBreaks(), Long::sum);
        }
        for (int i = 0; i < result.hosts().size(); i++) {
            HostSettings h = scenario.hosts().get(i);
            HostStats s = result.hosts().get(i);
            out.append(String.format(Locale.ROOT, "%-16s %9.0f %9.1f %9.1f %9.1f %9.1f %9.1f %7d %9d%n", h.name(),
                    s.framesTotal() / PAGES_PER_MIB, s.framesFree() / PAGES_PER_MIB,
                    s.framesMapped() / PAGES_PER_MIB, s.framesReserved() / PAGES_PER_MIB,
                    (s.pagesShared() + s.pagesSharing()) / PAGES_PER_MIB, s.pagesSharing() / PAGES_PER_MIB,
                    s.fullScans(), cowBreaks.getOrDefault(h.name(), 0L)));
        }
        Map<String, GuestStats> byName = new HashMap<>();
        result.guests().forEach(g -> byName.put(g.name(), g));
        Map<String, GuestSpec> specs = new HashMap<>();
        scenario.hosts().forEach(h -> h.guests().forEach(spec -> specs.put(spec.name(), spec)));
        out.append(String.format(Locale.ROOT, "%n%-16s %-10s %-6s %7s %8s %11s %11s %5s %7s %9s%n",
                "guest", "host", "mode", "MiB", "alloc", "accesses", "verified", "bad", "tlbHit%", "hidden"));
        for (GuestSettings g : scenario.guests()) {
            GuestStats s = byName.get(g.name());
            if (s == null) {
                continue;
            }
            long lookups = s.tlbHits() + s.tlbMisses();
            out.append(String.format(Locale.ROOT, "%-16s %-10s %-6s %7.0f %8.1f %11d %11d %5d %7.2f %9d%n",
                    g.name(), hostOf.get(g.name()), g.mode().configName(), s.configuredPages() / PAGES_PER_MIB,
                    s.allocatedPages() / PAGES_PER_MIB, s.accesses(), s.readsVerified(), s.readMismatches(),
                    lookups == 0 ? 0.0 : 100.0 * s.tlbHits() / lookups, s.hiddenFaults()));
        }
        out.append(String.format(Locale.ROOT, "%n%-16s %-22s %9s %9s %10s %10s %9s  %s%n",
                "guest", "technique", "traps", "vmExits", "hypercalls", "overheadMc", "overhead%", "correct"));
        for (GuestSettings g : scenario.guests()) {
            GuestStats s = byName.get(g.name());
            GuestSpec spec = specs.get(g.name());
            if (s == null || spec == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%-16s %-22s %9d %9d %10d %10.1f %9.2f  %s%n",
                    g.name(), spec.technique().configName(), s.traps(), s.vmExits(), s.hypercalls(),
                    s.overheadCycles() / 1e6, s.overheadPercent(), s.correct() ? "yes" : "NO"));
        }
        appendTime(out, scenario, byName);
        appendReclamation(out, scenario, result, byName);
        for (RunResult.AppliedEvent e : result.events()) {
            out.append(String.format(Locale.ROOT, "%nevent at %.1f s (tick %d): %s: %s", e.atSeconds(), e.tick(), e.what(),
                    e.result()));
        }
        if (!result.events().isEmpty()) {
            out.append('\n');
        }
        out.append(String.format(Locale.ROOT, "%nreads verified %d, mismatched %d; invariants: %d checks, %d violations%n",
                verified, mismatches, result.invariantChecks(), result.violations().size()));
        for (String v : result.violations()) {
            out.append("  VIOLATION ").append(v).append('\n');
        }
        for (ballast.scheduler.migration.PreCopy.Outcome m : result.migrations()) {
            out.append(String.format(Locale.ROOT, "  MIGRATED %s %s -> %s at %.1f s (%s): %d rounds, %d pages sent, "
                    + "downtime %.1f ms, total %.1f ms", m.guest(), m.from(), m.to(), m.startSeconds(), m.trigger(),
                    m.rounds(), m.pagesSent(), m.downtimeMs(), m.totalMs()));
            if (!m.strategy().equals("pre-copy")) {
                out.append(String.format(Locale.ROOT, "; %s: %d pages after the switch, %d network faults, degraded"
                        + " %.1f ms", m.strategy(), m.postCopyPages(), m.networkFaults(), m.degradedMs()));
            }
            out.append(String.format(Locale.ROOT, "%n"));
        }
        for (RunResult.Fault f : result.faults()) {
            out.append("  FAULT ").append(f.guest()).append(" at tick ").append(f.tick()).append(": ")
                    .append(f.cause()).append("; ").append(f.handling()).append('\n');
        }
        if (result.failure() != null) {
            out.append("FAILED: ").append(result.failure()).append('\n');
        }
        if (result.interrupted()) {
            out.append(String.format(Locale.ROOT, "INTERRUPTED after tick %d of %d (%.1f of %.1f s simulated)%n",
                    result.ticksPlayed(), scenario.ticks(), result.ticksPlayed() * scenario.tickSeconds(),
                    scenario.ticks() * scenario.tickSeconds()));
        }
        out.append(String.format(Locale.ROOT, "%d accesses in %.2f s wall: %.1f million accesses per wall second%n",
                accesses, result.wallSeconds(), result.wallSeconds() > 0 ? accesses / result.wallSeconds() / 1e6 : 0.0));
        return out.toString();
    }
}
