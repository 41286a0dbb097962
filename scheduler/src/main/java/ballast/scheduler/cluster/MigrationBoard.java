package ballast.scheduler.cluster;

import ballast.guest.GuestSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.migration.HostCommitments;
import ballast.scheduler.migration.HotspotPolicy;
import ballast.scheduler.migration.LiveMigration;
import ballast.scheduler.migration.MigrationSettings;
import ballast.scheduler.migration.PreCopy;
import ballast.scheduler.placement.BloomFilter;
import ballast.scheduler.placement.Fingerprints;
import ballast.scheduler.placement.PlacementPolicy;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.ClusterPlan;
import ballast.scheduler.scenario.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The migrations of a run: which are in progress (one per guest, in guest-name order), which guests
 * lost with their node wait to boot afresh, which steps a tick boundary plays (restarts first, then
 * each migration that has not begun or whose round is over, in guest-name order, so that every
 * deployment does the same), where a guest may go, and what the finished migrations did.
 *
 * <p>Where a guest goes: the placement policy compares the room each candidate host (one whose
 * admission control takes the guest, not its own host, not busy, not lost) would have left after
 * the guest arrived: on a host that reclaims memory, with the figures of the last sample (its free
 * frames less its high-state threshold and the pages of migrations on their way to it, against the
 * pages the guest holds now, in memory or in host swap), so that a guest moved off a hot host does
 * not make another one hot; on a host that does not reclaim, what admission control has left.
 *
 * <p>Owned by the run manager's actor; not thread-safe.
 */
public final class MigrationBoard {
    private final Scenario scenario;
    private final GuestRoster roster;
    private final HostCommitments commitments;
    private final PlacementPolicy placement;
    private final MigrationSettings settings;
    private final Map<String, LiveMigration> active = new TreeMap<>();
    private final List<LiveMigration> restarts = new ArrayList<>();
    private final List<LiveMigration> todo = new ArrayList<>();
    private final List<PreCopy.Outcome> outcomes = new ArrayList<>();
    private final Map<String, Long> incomingPages = new HashMap<>();
    private final Set<String> lostHosts = new TreeSet<>();
    private final Map<String, BloomFilter> fingerprints = new HashMap<>();
    private Map<String, HostStats> lastHosts = Map.of();
    private final Map<String, GuestStats> lastGuests = new HashMap<>();
    private long nextId = 1;

    public MigrationBoard(Scenario scenario, GuestRoster roster, HostCommitments commitments,
                          PlacementPolicy placement) {
        this.scenario = scenario;
        this.roster = roster;
        this.commitments = commitments;
        this.placement = placement;
        this.settings = scenario.cluster().migration();
    }

    /** The figures of the tick just played: hosts, and each host's guests at the last sample. */
    public void sampled(Map<String, HostStats> hosts, Map<String, List<GuestStats>> guests) {
        lastHosts = hosts;
        guests.values().forEach(rows -> rows.forEach(g -> lastGuests.put(g.name(), g)));
    }

    /** The guest's migration in progress, or null. */
    public LiveMigration of(String guest) {
        return active.get(guest);
    }

    public Iterable<LiveMigration> active() {
        return active.values();
    }

    public Set<String> lostHosts() {
        return lostHosts;
    }

    public List<PreCopy.Outcome> outcomes() {
        return outcomes;
    }

    /**
     * Why {@code event} cannot start now, or null: then the migration is admitted at its destination
     * (committed there) and in progress from the boundary before {@code tick}.
     */
    public String begin(ClusterPlan.MigrateEvent requested, String trigger, long tick) {
        ClusterPlan.MigrateEvent event = requested;
        if (event.to().isEmpty() && roster.get(event.guest()) != null && !active.containsKey(event.guest())) {
            String to = choose(event.guest(), Set.of());
            event = new ClusterPlan.MigrateEvent(event.atSeconds(), event.guest(), to == null ? "" : to,
                    event.strategy());
        }
        GuestSettings g = roster.get(event.guest());
        String target = event.to();
        String why;
        if (g == null) {
            why = "no guest " + event.guest();
        } else if (active.containsKey(g.name())) {
            why = g.name() + " is already migrating";
        } else if (event.to().isEmpty()) {
            why = "no host has room for it (placement " + placement.name() + ")";
        } else if (scenario.hosts().stream().noneMatch(h -> h.name().equals(target))) {
            why = "no host " + event.to();
        } else if (event.to().equals(g.host())) {
            why = g.name() + " already runs on " + event.to();
        } else if (lostHosts.contains(event.to())) {
            why = "host " + event.to() + " was lost with its node";
        } else {
            why = roster.whyNotMovable(g.name());
            if (why == null) {
                why = commitments.refusal(event.to(), roster.spec(g.name()));
            }
        }
        if (why != null) {
            return why;
        }
        commitments.add(event.to(), roster.spec(g.name()));
        PreCopy p = new PreCopy(g.name(), g.host(), event.to(), g.configuredPages(), settings,
                scenario.tickSeconds(), tick).triggeredBy(trigger).withStrategy(event.strategy().isEmpty()
                ? settings.strategy() : ballast.scheduler.migration.MigrationStrategy.named(event.strategy()));
        LiveMigration m = new LiveMigration(nextId++, g.name(), g.host(), event.to(), p, footprint(g.name()));
        incomingPages.merge(event.to(), m.footprint(), Long::sum);
        active.put(g.name(), m);
        return null;
    }

    /**
     * Plays the hotspot policy at this boundary: each guest it takes off a hot host goes where
     * {@link #choose} sends it (not to a busy host, nor to one in a hot state), through
     * {@code begin}, before the next decision's destination is chosen. Nothing while the trigger is
     * off; a decision for a guest that is not on that host or cannot move now is passed over.
     */
    public void hotspotMoves(HotspotPolicy hotspot, long tick, double now, Map<String, HostStats> hosts,
                             Map<String, List<GuestStats>> guests, BiConsumer<String, ClusterPlan.MigrateEvent> begin) {
        if (!scenario.cluster().hotspot().enabled()) {
            return;
        }
        Map<String, List<HotspotPolicy.GuestLoad>> loads = loads(guests);
        Set<String> movable = new HashSet<>();
        loads.forEach((host, list) -> list.forEach(g -> movable.add(host + "\n" + g.name())));
        for (HotspotPolicy.Decision d : hotspot.observe(tick, hosts, loads, busyHosts())) {
            if (!movable.remove(d.host() + "\n" + d.guest())) {
                continue;
            }
            Set<String> avoid = new HashSet<>(busyHosts());
            hosts.forEach((h, st) -> {
                if (scenario.cluster().hotspot().states().contains(st.reclaim().state())) {
                    avoid.add(h);
                }
            });
            String to = choose(d.guest(), avoid);
            if (to != null) {
                begin.accept(d.host(), new ClusterPlan.MigrateEvent(now, d.guest(), to));
            }
        }
    }

    /** The guests of each host with the pages they hold, from the last sample, those that may move. */
    private Map<String, List<HotspotPolicy.GuestLoad>> loads(Map<String, List<GuestStats>> sampled) {
        Map<String, List<HotspotPolicy.GuestLoad>> out = new HashMap<>();
        sampled.forEach((host, rows) -> {
            List<HotspotPolicy.GuestLoad> list = new ArrayList<>();
            for (GuestStats g : rows) {
                if (!active.containsKey(g.name()) && roster.whyNotMovable(g.name()) == null) {
                    list.add(new HotspotPolicy.GuestLoad(g.name(), g.allocatedPages()));
                }
            }
            out.put(host, list);
        });
        return out;
    }

    /** Where the placement policy sends {@code guest} now, away from its host and {@code avoid}; null if nowhere. */
    public String choose(String guest, Set<String> avoid) {
        GuestSettings g = roster.get(guest);
        if (g == null) {
            return null;
        }
        GuestSpec spec = roster.spec(guest);
        boolean content = placement.name().equals("sharing-aware");
        long needs = footprint(guest);
        List<PlacementPolicy.HostLoad> loads = new ArrayList<>();
        for (HostSettings h : scenario.hosts()) {
            if (h.name().equals(g.host()) || avoid.contains(h.name()) || lostHosts.contains(h.name())
                    || commitments.refusal(h.name(), spec) != null) {
                continue;
            }
            BloomFilter residents = Fingerprints.empty();
            if (content) {
                for (GuestSettings other : roster.all()) {
                    if (other.host().equals(h.name())) {
                        residents.addAll(fingerprint(other));
                    }
                }
            }
            HostStats live = lastHosts.get(h.name());
            long roomAfter = h.reclaim().enabled() && live != null
                    ? live.framesFree() - live.reclaim().highThresholdPages() - incomingPages.getOrDefault(h.name(), 0L)
                    - needs
                    : commitments.memoryLeft(h.name()) - spec.configuredPages();
            loads.add(new PlacementPolicy.HostLoad(h.name(), roomAfter + needs, 0, residents));
        }
        return placement.place(new PlacementPolicy.Candidate(g.name(), needs,
                content ? fingerprint(g) : Fingerprints.empty()), loads);
    }

    /** The pages {@code guest} holds now (in memory or in host swap), from the last sample; its memory before one. */
    private long footprint(String guest) {
        GuestStats s = lastGuests.get(guest);
        return s == null ? roster.get(guest).configuredPages() : s.allocatedPages() + s.reclaim().hostSwappedPages();
    }

    private BloomFilter fingerprint(GuestSettings g) {
        return fingerprints.computeIfAbsent(g.name(), n -> Fingerprints.of(g.content(), g.seed(),
                g.workload().maxWorkingSetPages()));
    }

    /** Hosts sending or receiving a guest now. */
    private Set<String> busyHosts() {
        Set<String> busy = new HashSet<>();
        for (LiveMigration m : active.values()) {
            busy.add(m.from());
            busy.add(m.to());
        }
        return busy;
    }

    /** Migrations now on {@code m}'s link (between its two hosts, either way), itself included. */
    public int sharers(LiveMigration m) {
        int n = 0;
        for (LiveMigration other : active.values()) {
            if (other.from().equals(m.from()) && other.to().equals(m.to())
                    || other.from().equals(m.to()) && other.to().equals(m.from())) {
                n++;
            }
        }
        return Math.max(1, n);
    }

    // ---------------------------------------------------------------- the boundary's steps

    /** Plans the boundary before {@code tick}: restarts first, then the migrations due, in guest-name order. */
    public void planBoundary(long tick) {
        todo.clear();
        todo.addAll(restarts);
        restarts.clear();
        for (LiveMigration m : active.values()) {
            if (m.dueAt(tick)) {
                todo.add(m);
            }
        }
    }

    /** The next migration to play a step of at this boundary, or null when the boundary is done. */
    public LiveMigration next() {
        return todo.isEmpty() ? null : todo.remove(0);
    }

    /** The guest runs at its destination: its source's commitment and the pages on their way are released. */
    public void finished(LiveMigration m, long tick) {
        commitments.remove(m.from(), roster.spec(m.guest()));
        incomingPages.merge(m.to(), -m.footprint(), Long::sum);
        outcomes.add(m.finish(tick, sharers(m)));
        active.remove(m.guest());
    }

    /** Given up before its stop-and-copy: the destination's commitment and the pages on their way are released. */
    public void abandoned(LiveMigration m) {
        commitments.remove(m.to(), roster.spec(m.guest()));
        incomingPages.merge(m.to(), -m.footprint(), Long::sum);
        active.remove(m.guest());
    }

    /**
     * The run's result: the clock's ({@code fromClock}, null if the clock failed), failed with the
     * node losses it survived ({@code nodeLoss}, when nothing else failed it), with a fault for each
     * migration the run ended in the middle of (after the boundary before {@code tick}), the
     * migrations done and where every guest ended.
     */
    public RunResult complete(RunResult fromClock, String nodeLoss, long tick) {
        Map<String, String> where = new TreeMap<>();
        roster.all().forEach(g -> where.put(g.name(), g.host()));
        RunResult r = fromClock != null ? fromClock : new RunResult(0, List.of(), List.of(), List.of(), List.of(), 0,
                List.of(), "the clock failed", false, 0, List.of());
        if (nodeLoss != null && r.failure() == null) {
            r = r.withFailure(nodeLoss);
        }
        // a guest lost with its post-copy source is reported as lost, not also as running at its destination
        java.util.Set<String> lostInPostCopy = new java.util.HashSet<>();
        r.faults().forEach(f -> {
            if (f.handling().startsWith(LOST_WITH_POST_COPY_SOURCE)) {
                lostInPostCopy.add(f.guest());
            }
        });
        List<RunResult.Fault> unfinished = new ArrayList<>();
        for (RunResult.Fault f : unfinished(tick)) {
            if (!lostInPostCopy.contains(f.guest())) {
                unfinished.add(f);
            }
        }
        return r.withFaults(unfinished).withMigrations(outcomes, where);
    }

    /** How a guest lost with the source of its post-copy migration is reported ({@link NodeLoss}). */
    static final String LOST_WITH_POST_COPY_SOURCE = "lost with its post-copy source ";

    /** A fault for each live migration the run ended in the middle of (after the boundary before {@code tick}). */
    public List<RunResult.Fault> unfinished(long tick) {
        List<RunResult.Fault> out = new ArrayList<>();
        for (LiveMigration m : active.values()) {
            if (m.phase() == LiveMigration.Phase.POSTCOPY) {
                ballast.host.migration.PostCopyProgress p = m.progress();
                out.add(new RunResult.Fault(m.guest(), tick, "post-copy migration from " + m.from() + " unfinished: the"
                        + " run ended with " + (p == null ? "its" : p.pending() + " of " + p.pages()) + " pages still at "
                        + m.from(), "runs on " + m.to()));
            } else if (!m.isRestart()) {
                out.add(new RunResult.Fault(m.guest(), tick, "migration to " + m.to() + " unfinished: the run ended"
                        + " after " + m.precopy().rounds() + " pre-copy round(s), " + m.precopy().pagesSent()
                        + " pages sent", "stays on " + m.from()));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- node loss

    /** Whether a migration in progress has its source or destination among {@code hosts}. */
    public boolean migratingOn(List<String> hosts) {
        return active.values().stream().anyMatch(m -> hosts.contains(m.from()) || hosts.contains(m.to()));
    }

    /** These hosts are gone: no guest goes there any more, nothing is committed there. */
    public void hostsLost(List<String> hosts) {
        lostHosts.addAll(hosts);
        hosts.forEach(commitments::close);
    }

    /**
     * Where lost guest {@code guest} boots afresh (committed there, played at the next boundary), or
     * null if no host has room for it.
     */
    public String restartElsewhere(String guest) {
        String to = choose(guest, lostHosts);
        if (to != null) {
            commitments.add(to, roster.spec(guest));
            restarts.add(LiveMigration.restart(nextId++, guest, to));
        }
        return to;
    }

    /** The admission swap {@code host} adds for {@code guest}. */
    public long swapToAdd(String host, String guest) {
        return commitments.swapToAdd(host, roster.spec(guest));
    }
}
