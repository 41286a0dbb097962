package ballast.scheduler.cluster;

import ballast.host.node.GuestChanged;
import ballast.host.node.NodeAgent;
import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.scheduler.clock.GuestControl;
import ballast.scheduler.clock.Timeline;
import ballast.scheduler.migration.LiveMigration;
import ballast.scheduler.scenario.Scenario;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The guests of a run as the scheduler knows them: where each runs now (its settings name its host
 * and index, followed through migrations and restarts), its spec, whether it runs (a guest may boot
 * later or be stopped by a timed event), whether it was ever started (an injected fault applies to
 * its first incarnation only) and the settings its running incarnation booted with when they differ
 * from the scenario's (a guest a timed event started: its workload begins with an idle phase up to
 * its start, and a migration restores it into those settings). Decides whether a timed event may
 * start, stop or change a guest, and whether a guest may be live-migrated.
 *
 * <p>Owned by the run manager's actor; not thread-safe.
 */
public final class GuestRoster {
    private final Map<String, GuestSettings> guests = new TreeMap<>();
    private final List<String> scenarioOrder = new ArrayList<>();
    private final Map<String, GuestSpec> specs = new HashMap<>();
    private final Set<String> notRunning = new HashSet<>();
    private final Set<String> everStarted = new HashSet<>();
    private final Map<String, GuestSettings> bootedAs = new HashMap<>();

    public GuestRoster(Scenario scenario) {
        this(scenario.guests(), scenario.startingLater(), scenario.hosts());
    }

    /** The roster of {@code guests} (in scenario order) on {@code hosts}; {@code startingLater} boot after tick 0. */
    GuestRoster(List<GuestSettings> guests, List<String> startingLater, List<HostSettings> hosts) {
        for (GuestSettings g : guests) {
            this.guests.put(g.name(), g);
            scenarioOrder.add(g.name());
        }
        notRunning.addAll(startingLater);
        for (HostSettings h : hosts) {
            for (GuestSpec s : h.guests()) {
                specs.put(s.name(), s);
            }
        }
    }

    /** The guest's current settings, or null if there is no such guest. */
    public GuestSettings get(String guest) {
        return guests.get(guest);
    }

    public GuestSpec spec(String guest) {
        return specs.get(guest);
    }

    /** Every guest, in name order. */
    public Collection<GuestSettings> all() {
        return guests.values();
    }

    /** Where each guest runs now: its host and its index there. */
    public Map<String, Timeline.Place> places() {
        Map<String, Timeline.Place> places = new HashMap<>();
        guests.values().forEach(g -> places.put(g.name(), new Timeline.Place(g.host(), g.index())));
        return places;
    }

    public boolean running(String guest) {
        return !notRunning.contains(guest);
    }

    /** The guests of {@code host} that boot with the run (in scenario order), counted as started. */
    public List<GuestSettings> bootingWithRun(String host) {
        List<GuestSettings> out = new ArrayList<>();
        for (String name : scenarioOrder) {
            GuestSettings g = guests.get(name);
            if (g.host().equals(host) && !notRunning.contains(g.name())) {
                out.add(g);
                everStarted.add(g.name());
            }
        }
        return out;
    }

    /**
     * Where a timed event's request goes: {@code command} for the node agent of {@code host}, or,
     * when it cannot be done ({@code command} null), {@code refusal} back to {@code replyTo}.
     */
    public record Routed(String host, NodeAgent.Command command, ActorRef<GuestChanged> replyTo,
                         GuestChanged refusal) {
    }

    /**
     * Decides a timed event's request for run {@code run}: whether it may be done now (the guest's
     * migration in progress from {@code migrations}, whether its host is up from {@code hostUp}) and
     * the agent's command if so, updating what runs; a start injects {@code crashes} into a guest's
     * first incarnation only.
     */
    public Routed route(GuestControl request, Function<String, LiveMigration> migrations, Predicate<String> hostUp,
                        Map<String, Long> crashes, long run) {
        if (request instanceof GuestControl.Start start) {
            String why = whyNotStart(start.guest(), hostUp);
            if (why != null) {
                return new Routed(null, null, start.replyTo(), new GuestChanged(start.guest(), why));
            }
            long crash = crashAtStart(start.guest(), crashes);
            GuestSettings booting = start(start.guest(), start.tick());
            return new Routed(booting.host(), new NodeAgent.StartGuest(run, booting, crash, start.replyTo()),
                    start.replyTo(), null);
        }
        if (request instanceof GuestControl.Stop stop) {
            String why = whyNotStopOrChange(stop.guest(), migrations.apply(stop.guest()), hostUp);
            if (why != null) {
                return new Routed(null, null, stop.replyTo(), new GuestChanged(stop.guest(), why));
            }
            stopped(stop.guest());
            return new Routed(get(stop.guest()).host(), new NodeAgent.StopGuest(run, stop.guest(), stop.replyTo()),
                    stop.replyTo(), null);
        }
        GuestControl.ChangeWorkload change = (GuestControl.ChangeWorkload) request;
        String why = whyNotStopOrChange(change.guest(), migrations.apply(change.guest()), hostUp);
        if (why != null) {
            return new Routed(null, null, change.replyTo(), new GuestChanged(change.guest(), why));
        }
        return new Routed(get(change.guest()).host(), new NodeAgent.ChangeWorkload(run, change.guest(),
                change.workload(), change.replyTo()), change.replyTo(), null);
    }

    /** Why a timed event cannot start {@code guest} now (its host is up if {@code hostUp} says so), or null. */
    public String whyNotStart(String guest, Predicate<String> hostUp) {
        GuestSettings g = guests.get(guest);
        return g == null ? "no such guest" : !notRunning.contains(guest) ? "already running"
                : hostUp.test(g.host()) ? null : "its host " + g.host() + " was lost with its node";
    }

    /** Marks {@code guest} running and returns the settings it boots with before tick {@code tick}. */
    public GuestSettings start(String guest, long tick) {
        notRunning.remove(guest);
        GuestSettings booting = bootingAt(guests.get(guest), tick);
        bootedAs.put(guest, booting);
        return booting;
    }

    /** The crash injected in {@code guest}'s first incarnation, if this start is its first. */
    public long crashAtStart(String guest, Map<String, Long> crashes) {
        return everStarted.add(guest) ? crashes.getOrDefault(guest, GuestVm.NO_CRASH) : GuestVm.NO_CRASH;
    }

    /**
     * Why a timed event cannot stop or change {@code guest} now, or null; {@code migration} is its
     * migration in progress (or null), {@code hostUp} whether a host still runs.
     */
    public String whyNotStopOrChange(String guest, LiveMigration migration, Predicate<String> hostUp) {
        GuestSettings g = guests.get(guest);
        if (g == null) {
            return "no such guest";
        }
        if (notRunning.contains(guest)) {
            return "not running";
        }
        if (migration != null) {
            return migration.from() == null ? "it is restarting on " + migration.to() + " (its node was lost)"
                    : "it is migrating from " + migration.from() + " to " + migration.to() + " (live migration does not"
                    + " carry a stop or a workload change; the event may come once the migration is over)";
        }
        if (!hostUp.test(g.host())) {
            return "its host " + g.host() + " was lost with its node";
        }
        return null;
    }

    public void stopped(String guest) {
        notRunning.add(guest);
    }

    /** Why {@code guest} cannot be live-migrated now, or null. */
    public String whyNotMovable(String guest) {
        GuestSettings g = guests.get(guest);
        if (g == null) {
            return "no guest " + guest;
        }
        if (notRunning.contains(g.name())) {
            return g.name() + " is not running (it has not started yet, or an event stopped it)";
        }
        if (g.memory().hotplug()) {
            return g.name() + " has a memory hotplug device, whose plugged blocks live migration does not carry";
        }
        return null;
    }

    /** The settings a migrated guest resumes with at {@code host}, {@code index}. */
    public GuestSettings resumingAt(String guest, String host, int index) {
        return relocated(bootedAs.getOrDefault(guest, guests.get(guest)), host, index);
    }

    /** {@code guest} now runs on {@code host} at {@code index}, after a live migration. */
    public void migrated(String guest, String host, int index) {
        guests.put(guest, relocated(guests.get(guest), host, index));
        bootedAs.computeIfPresent(guest, (name, booted) -> relocated(booted, host, index));
    }

    /** {@code guest} now runs on {@code host} at {@code index}, booted afresh with the scenario's settings. */
    public void restarted(String guest, String host, int index) {
        guests.put(guest, relocated(guests.get(guest), host, index));
    }

    /** {@code guest} will boot afresh with the scenario's settings. */
    public void bootsAfresh(String guest) {
        bootedAs.remove(guest);
    }

    static GuestSettings relocated(GuestSettings g, String host, int index) {
        return new GuestSettings(g.name(), host, index, g.os(), g.mode(), g.configuredPages(), g.processes(), g.seed(),
                g.tickSeconds(), g.content(), g.workload(), g.osProfile(), g.memory());
    }

    /**
     * The guest as it boots before tick {@code tick}: its workload's phases count from then (they are
     * played on the run's clock, so an idle stretch until its boot comes first).
     */
    static GuestSettings bootingAt(GuestSettings guest, long tick) {
        WorkloadSettings w = guest.workload();
        double seconds = tick * guest.tickSeconds();
        if (tick == 0 || w.isTrace()) {
            return guest;
        }
        List<Phase> phases = new ArrayList<>();
        phases.add(Phase.idle(seconds));
        phases.addAll(w.phases());
        return new GuestSettings(guest.name(), guest.host(), guest.index(), guest.os(), guest.mode(),
                guest.configuredPages(), guest.processes(), guest.seed(), guest.tickSeconds(), guest.content(),
                new WorkloadSettings(w.type(), phases, w.traces()), guest.osProfile(), guest.memory());
    }
}
