package ballast.app.scenario;

import ballast.scheduler.scenario.TimedEvent;
import ballast.scheduler.scenario.Scenario;
import static ballast.app.scenario.Entry.show;

import ballast.guest.workload.WorkloadSettings;
import ballast.host.reclaim.ReclaimSettings;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the scenario's timed events ({@code events = [ { at = 30m, set { ... } }, { at = 10m,
 * start = vm-3 }, { at = 20m, stop = vm-2 }, { at = 5m, workload { guest = vm-1, ... } } ]}) and
 * the guests' {@code start} times, and checks them together in the order the clock will apply
 * them: at a tick, guests' start times first (in canonical order), then the list's events in the
 * order written; ticks in order. Each problem is reported where its value was written.
 *
 * <p>Checked: the keys of each event, its time (within the run), that it does exactly one thing;
 * for {@code set}, every path (a known host that reclaims, a key an event may change) and value
 * (the same readers as the host's own keys), and that the host's settings stay valid after it
 * (thresholds in order); for {@code start}, {@code stop} and {@code workload}, a known guest,
 * running or not as the event needs, and a workload valid for that guest.
 */
final class EventReader {
    private static final List<String> EVENT_KEYS = List.of("at", "set", "start", "stop", "workload", "resize", "to");
    private static final List<String> ACTIONS = List.of("set", "start", "stop", "workload", "resize");

    private final Problems problems;
    private final WorkloadReader workloads;
    private final GuestHosts guestHosts;
    private final ReclaimReader reclaim;

    EventReader(Problems problems, WorkloadReader workloads, GuestHosts guestHosts, ReclaimReader reclaim) {
        this.problems = problems;
        this.workloads = workloads;
        this.guestHosts = guestHosts;
        this.reclaim = reclaim;
    }

    enum Kind { SET, START, STOP, WORKLOAD, RESIZE }

    /**
     * One event as read, before its hosts' settings are built.
     *
     * @param order    its place among the events of its tick (guests' start times first)
     * @param origin   where it was written (for problems about it as a whole)
     * @param path     its path in the scenario, such as {@code events[2]}
     * @param guest    the guest it starts, stops or changes (null for set)
     * @param changes  for set: each host's changes, keyed relative to the host
     * @param workload for workload: the new workload
     * @param after    for set: each host's reclamation after the event (filled in when checked)
     * @param pages    for resize: the size requested of the guest's memory hotplug device, in pages
     */
    record Draft(double atSeconds, long tick, long order, String what, Kind kind, ConfigOrigin origin, String path,
                 String guest, Map<String, List<ReclaimReader.Change>> changes, WorkloadSettings workload,
                 Map<String, ReclaimReader.Reclaim> after, long pages) {

        Draft(double atSeconds, long tick, long order, String what, Kind kind, ConfigOrigin origin, String path,
              String guest, Map<String, List<ReclaimReader.Change>> changes, WorkloadSettings workload,
              Map<String, ReclaimReader.Reclaim> after) {
            this(atSeconds, tick, order, what, kind, origin, path, guest, changes, workload, after, 0);
        }

        TimedEvent build(Map<String, Long> swapPages, double tickSeconds,
                         java.util.function.Function<String, String> hostOf) {
            TimedEvent.Change change;
            switch (kind) {
                case SET -> {
                    Map<String, ReclaimSettings> hosts = new LinkedHashMap<>();
                    after.forEach((host, r) -> hosts.put(host, r.settings(swapPages.get(host), tickSeconds)));
                    change = new TimedEvent.ChangeReclaim(hosts);
                }
                case START -> change = new TimedEvent.StartGuest(guest);
                case STOP -> change = new TimedEvent.StopGuest(guest);
                case RESIZE -> change = new TimedEvent.ResizeGuest(guest, hostOf.apply(guest), pages);
                default -> change = new TimedEvent.ChangeWorkload(guest, workload);
            }
            return new TimedEvent(atSeconds, tick, what, change);
        }
    }

    /** Reads and checks every timed event; returns them in the order they apply, or null when any is wrong. */
    List<Draft> read(Entry top, RunReader.Run run, Map<String, HostReader.HostDraft> hosts,
                     List<GuestReader.Instance> instances) {
        int before = problems.reports();
        Map<String, GuestReader.Instance> guests = new TreeMap<>(Names.NATURAL);
        instances.forEach(g -> guests.put(g.name(), g));
        List<Draft> drafts = new ArrayList<>();
        readStartTimes(run, instances, drafts);
        readEvents(top, run, hosts, guests, drafts);
        drafts.sort(Comparator.comparingLong(Draft::tick).thenComparingLong(Draft::order));
        if (Scenario.FREE_RUNNING.equals(run.mode())) {
            for (Draft d : drafts) {
                if (d.kind() == Kind.START) { // a late boot would join no tick: the free run plays the guests it started with
                    problems.at(d.origin(), d.path(), "start times and start events need scenario.mode = deterministic:"
                            + " a free-running run plays only the guests that boot with it");
                }
            }
        }
        checkLifecycles(drafts, instances, run);
        List<Draft> checked = applySets(drafts, hosts);
        return problems.reports() == before ? checked : null;
    }

    // ---------------------------------------------------------------- start times

    /** A guest whose {@code start} is later than 0 boots then: a start event of its own, before the list's. */
    private void readStartTimes(RunReader.Run run, List<GuestReader.Instance> instances, List<Draft> drafts) {
        for (int i = 0; i < instances.size(); i++) {
            GuestReader.Instance g = instances.get(i);
            GuestReader.GuestValues v = g.draft().values();
            if (v == null || v.allocation().start().isZero()) {
                continue;
            }
            Duration start = v.allocation().start();
            Long tick = tickOf(start, run, g.draft().entry(), "start");
            if (tick == null) {
                continue;
            }
            Entry.Found f = g.draft().entry().find("start");
            drafts.add(new Draft(Entry.seconds(start), tick, -instances.size() + i, "start " + g.name(),
                    Kind.START, f.value().origin(), f.path(), g.name(), null, null, null));
        }
    }

    /** The first tick starting at or after {@code at}, or null (reported at {@code key}) when it is beyond the run. */
    private Long tickOf(Duration at, RunReader.Run run, Entry entry, String key) {
        long tick = Entry.ceilDiv(at.toNanos(), run.tick().toNanos());
        if (tick >= run.ticks()) {
            Duration lastStart = run.tick().multipliedBy(Math.max(0, run.ticks() - 1));
            Entry.Found written = entry.find(key);
            entry.problemAtValue(key, (written == null ? show(at) : show(written.value())) + " is beyond the run: its last tick starts at " + show(lastStart)
                    + " (duration " + show(run.duration()) + ", tick " + show(run.tick()) + ")");
            return null;
        }
        return tick;
    }

    // ---------------------------------------------------------------- the events list

    private void readEvents(Entry top, RunReader.Run run, Map<String, HostReader.HostDraft> hosts,
                            Map<String, GuestReader.Instance> guests, List<Draft> drafts) {
        Entry.Found found = top.find("events");
        if (found == null) {
            return;
        }
        if (!(found.value() instanceof ConfigList list)) {
            top.problemAtValue("events", "expected a list of events such as [ { at = 10m, stop = vm-2 } ], got "
                    + show(found.value()));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            ConfigValue item = list.get(i);
            String path = "events[" + i + "]";
            if (!(item instanceof ConfigObject object)) {
                problems.at(item.origin(), path, "expected an event { at = 10m, stop = vm-2 }, got " + show(item));
                continue;
            }
            if (object.containsKey("migrate")) {
                continue; // a migrate event: ClusterScenarioReader reads it
            }
            Draft d = readEvent(Entry.of(problems, path, object), i, run, hosts, guests);
            if (d != null) {
                drafts.add(d);
            }
        }
    }

    private Draft readEvent(Entry event, int index, RunReader.Run run, Map<String, HostReader.HostDraft> hosts,
                            Map<String, GuestReader.Instance> guests) {
        int before = problems.reports();
        event.checkKeys(EVENT_KEYS);
        Duration at = null;
        if (!event.has("at")) {
            event.problem("at", "missing: when the event happens, such as at = 10m");
        } else {
            at = event.duration("at");
            if (at != null && at.isNegative()) {
                event.problemAtValue("at", "must not be negative, got " + show(event.find("at").value()));
                at = null;
            }
        }
        List<String> actions = new ArrayList<>();
        for (String a : ACTIONS) {
            if (event.has(a)) {
                actions.add(a);
            }
        }
        if (actions.isEmpty()) {
            event.problem("", "an event needs one of set, start, stop, workload, resize or migrate, such as { at = 10m, stop = vm-2 }");
            return null;
        }
        if (actions.size() > 1) {
            event.problemAbout(actions.get(1), "an event does one thing, but this one has " + String.join(" and ", actions)
                    + ": write one event for each");
            return null;
        }
        Long tick = at == null ? null : tickOf(at, run, event, "at");
        String action = actions.get(0);
        Draft d = switch (action) {
            case "set" -> readSet(event, hosts);
            case "workload" -> readWorkloadEvent(event, hosts, guests, run);
            case "resize" -> readResize(event, guests);
            default -> readLifecycle(event, action, guests);
        };
        if (d == null || tick == null || problems.reports() != before) {
            return null;
        }
        return new Draft(Entry.seconds(at), tick, index, d.what(), d.kind(), event.origin(), event.path(),
                d.guest(), d.changes(), d.workload(), null, d.pages());
    }

    /**
     * {@code resize = NAME, to = SIZE}: a guest with a memory hotplug device, and a size that is a
     * multiple of its block and at most its memory.
     */
    private Draft readResize(Entry event, Map<String, GuestReader.Instance> guests) {
        String name = guestName(event, "resize", guests);
        if (!event.has("to")) {
            event.problem("to", "missing: the size requested of the guest's memory, such as to = 384MiB");
            return null;
        }
        Integer pages = event.wholePages("to");
        if (name == null || pages == null) {
            return null;
        }
        GuestReader.GuestValues v = guests.get(name).draft().values();
        GuestReader.Hotplug h = v.hotplug();
        if (h == null) {
            event.problemAtValue("resize", name + " has no memory hotplug device: give it hotplug.enabled = on");
            return null;
        }
        if (pages % h.blockPages() != 0) {
            event.problemAtValue("to", "must be a multiple of " + name + "'s hotplug block ("
                    + Entry.sizeOf(h.blockPages()) + "), got " + show(event.find("to").value()));
            return null;
        }
        if (pages > v.configuredPages()) {
            event.problemAtValue("to", "is more than the memory of " + name + " (" + Entry.sizeOf(v.configuredPages())
                    + "), got " + show(event.find("to").value()));
            return null;
        }
        return new Draft(0, 0, 0, "resize " + name + " to " + Entry.sizeOf(pages), Kind.RESIZE, null, null, name, null,
                null, null, pages);
    }

    /** {@code start = NAME} or {@code stop = NAME}. */
    private Draft readLifecycle(Entry event, String action, Map<String, GuestReader.Instance> guests) {
        String name = guestName(event, action, guests);
        if (name == null) {
            return null;
        }
        return new Draft(0, 0, 0, action + " " + name, action.equals("start") ? Kind.START : Kind.STOP, null, null, name,
                null, null, null);
    }

    /** A known guest named at {@code key} of {@code entry}, or null (reported). */
    private String guestName(Entry entry, String key, Map<String, GuestReader.Instance> guests) {
        String name = entry.string(key);
        if (name == null) {
            return null;
        }
        if (!guests.containsKey(name)) {
            entry.problemAtValue(key, "no guest named " + name + Names.didYouMean(name, guests.keySet())
                    + (guests.size() <= 20 ? "; guests: " + String.join(", ", guests.keySet()) : ""));
            return null;
        }
        if (guests.get(name).draft().values() == null) {
            return null; // its own problems are reported where it is written
        }
        return name;
    }

    /** {@code workload { guest = NAME, type = ..., ... }}: validated like the guest's own workload. */
    private Draft readWorkloadEvent(Entry event, Map<String, HostReader.HostDraft> hosts,
                                    Map<String, GuestReader.Instance> guests, RunReader.Run run) {
        Entry.Found found = event.find("workload");
        if (!(found.value() instanceof ConfigObject object)) {
            event.problemAtValue("workload", "expected a workload { guest = vm-1, type = uniform, ... }, got "
                    + show(found.value()));
            return null;
        }
        Entry workload = event.child("workload");
        if (!object.containsKey("guest")) {
            workload.problem("guest", "missing: the guest whose workload changes, such as guest = vm-1");
            return null;
        }
        String name = guestName(workload, "guest", guests);
        if (name == null) {
            return null;
        }
        GuestReader.Instance guest = guests.get(name);
        GuestReader.GuestValues v = guest.draft().values();
        String memory = "the memory of guest " + name + " (" + Entry.sizeOf(v.configuredPages()) + ")";
        Entry withoutGuest = Entry.of(problems, workload.path(), object.withoutKey("guest"));
        Entry.Found type = withoutGuest.find("type");
        if (type != null && "trace".equals(type.value().unwrapped())) {
            withoutGuest.problemAtValue("type", "a workload event switches to a synthetic workload (uniform, hot-cold,"
                    + " phases or idle), not to a trace");
            return null;
        }
        WorkloadSettings settings = workloads.readWorkload(withoutGuest, v.configuredPages(), memory, false);
        if (settings == null) {
            return null;
        }
        workloads.checkBatchSize(event, "workload", hosts.get(guestHosts.hostOf(guest)), settings, v.processes(),
                Entry.seconds(run.tick()));
        return new Draft(0, 0, 0, "workload " + name + ": " + settings.type(), Kind.WORKLOAD, null, null, name, null,
                settings, null);
    }

    /**
     * {@code set { "hosts.NAME.policy.tau" = 0.75, ... }}: keys are paths (quote them); an object
     * may also nest them ({@code hosts { NAME { policy { tau = 0.75 } } }}).
     */
    private Draft readSet(Entry event, Map<String, HostReader.HostDraft> hosts) {
        Entry.Found found = event.find("set");
        if (!(found.value() instanceof ConfigObject object)) {
            event.problemAtValue("set", "expected the values to change, such as set { \"hosts.host-a.policy.tau\" = 0.75 },"
                    + " got " + show(found.value()));
            return null;
        }
        String setPath = found.path();
        List<Leaf> leaves = new ArrayList<>();
        flatten(object, List.of(), true, leaves, setPath);
        if (leaves.isEmpty()) {
            problems.at(object.origin(), setPath, "nothing to set: name a value, such as set { \"hosts.host-a.policy.tau\" = 0.75 }");
            return null;
        }
        int before = problems.reports();
        Map<String, List<ReclaimReader.Change>> changes = new TreeMap<>(Names.NATURAL);
        List<String> what = new ArrayList<>();
        for (Leaf leaf : leaves) {
            String shown = setPath + "." + ConfigUtil.joinPath(leaf.path());
            List<String> p = leaf.path();
            if (p.size() < 3 || !p.get(0).equals("hosts")) {
                problems.at(leaf.value().origin(), shown, "set changes a host's reclamation settings, such as"
                        + " \"hosts.host-a.policy.tau\"; got " + ConfigUtil.joinPath(p));
                continue;
            }
            String host = p.get(1);
            String key = String.join(".", p.subList(2, p.size()));
            HostReader.HostDraft draft = hosts.get(host);
            if (draft == null) {
                problems.at(leaf.value().origin(), shown, "no host named " + host + Names.didYouMean(host, hosts.keySet())
                        + "; hosts: " + String.join(", ", hosts.keySet()));
                continue;
            }
            if (!ReclaimReader.SETTABLE.contains(key)) {
                String why;
                if (ReclaimReader.FIXED_DURING_RUN.contains(key)) {
                    why = key + " cannot change during a run (" + fixedBecause(key) + ")";
                } else {
                    String hint = Names.didYouMean(key, ReclaimReader.knownHostKeys());
                    why = hint.isEmpty() ? "an event cannot set " + key + "; it may set "
                            + String.join(", ", ReclaimReader.SETTABLE) : "unknown key " + key + hint;
                }
                problems.at(leaf.value().origin(), shown, why);
                continue;
            }
            if (!draft.reclaim().enabled()) {
                problems.at(leaf.value().origin(), shown, "host " + host + " does not reclaim (reclaim = off):"
                        + " set hosts." + host + ".reclaim = on for its reclamation to change");
                continue;
            }
            changes.computeIfAbsent(host, h -> new ArrayList<>()).add(new ReclaimReader.Change(key, leaf.value()));
            what.add("hosts." + ConfigUtil.joinPath(host) + "." + key + " = " + show(leaf.value()));
        }
        if (problems.reports() != before) {
            return null;
        }
        return new Draft(0, 0, 0, "set " + String.join(", ", what), Kind.SET, null, null, null, changes, null, null);
    }

    private static String fixedBecause(String key) {
        return switch (key) {
            case "reclaim" -> "admission control admitted the guests for the host as it started";
            case "swap", "guest-overhead" -> "admission control reserved it when the guests were admitted";
            case "policy.samples" -> "the host samples the same number of pages of every guest each period";
            default -> "the guests count their true working sets over the same period";
        };
    }

    /** A leaf of a {@code set} object: its path and value. */
    private record Leaf(List<String> path, ConfigValue value) {
    }

    private void flatten(ConfigObject object, List<String> prefix, boolean top, List<Leaf> out, String setPath) {
        for (String key : new java.util.TreeSet<>(object.keySet())) {
            List<String> elements = new ArrayList<>(prefix);
            if (top) {
                try {
                    elements.addAll(ConfigUtil.splitPath(key));
                } catch (ConfigException e) {
                    elements.add(key);
                }
            } else {
                elements.add(key);
            }
            ConfigValue value = object.get(key);
            if (value instanceof ConfigObject child) {
                flatten(child, elements, false, out, setPath);
            } else {
                out.add(new Leaf(List.copyOf(elements), value));
            }
        }
    }

    // ---------------------------------------------------------------- in order

    /**
     * Plays the starts and stops in order: a guest whose first start or stop is a start does not
     * run until then; a start needs a guest that is not running, a stop and a workload change one
     * that is.
     */
    private void checkLifecycles(List<Draft> drafts, List<GuestReader.Instance> instances, RunReader.Run run) {
        Map<String, Boolean> running = new HashMap<>();
        for (GuestReader.Instance g : instances) {
            GuestReader.GuestValues v = g.draft().values();
            if (v != null && !v.allocation().start().isZero()) {
                running.put(g.name(), false); // it boots at its start time
            }
        }
        for (Draft d : drafts) {
            if ((d.kind() == Kind.START || d.kind() == Kind.STOP) && !running.containsKey(d.guest())) {
                running.put(d.guest(), d.kind() == Kind.STOP);
            }
        }
        Map<String, String> since = new HashMap<>();
        for (Draft d : drafts) {
            if (d.kind() == Kind.SET) {
                continue;
            }
            boolean now = running.getOrDefault(d.guest(), true);
            String when = Entry.show(run.tick().multipliedBy(d.tick()));
            String history = since.containsKey(d.guest()) ? " (" + since.get(d.guest()) + ")" : "";
            if (d.kind() == Kind.START && now) {
                problems.at(d.origin(), d.path(), "guest " + d.guest() + " is already running at " + when + history
                        + ": a start needs a guest that is not running (one with a later start, or stopped)");
                continue;
            } else if (d.kind() != Kind.START && !now) {
                problems.at(d.origin(), d.path(), "guest " + d.guest() + " is not running at " + when
                        + (history.isEmpty() ? " (it starts later)" : history)
                        + (d.kind() == Kind.STOP ? ": there is nothing to stop" : ": start it first"));
                continue;
            }
            if (d.kind() == Kind.START) {
                running.put(d.guest(), true);
                since.put(d.guest(), "it starts at " + when);
            } else if (d.kind() == Kind.STOP) {
                running.put(d.guest(), false);
                since.put(d.guest(), "it stops at " + when);
            }
        }
    }

    /** Applies the set events in order, each host's settings after the last; fills in {@code after}. */
    private List<Draft> applySets(List<Draft> drafts, Map<String, HostReader.HostDraft> hosts) {
        Map<String, ReclaimReader.Reclaim> current = new HashMap<>();
        hosts.forEach((name, h) -> current.put(name, h.reclaim()));
        List<Draft> out = new ArrayList<>();
        for (Draft d : drafts) {
            if (d.kind() != Kind.SET) {
                out.add(d);
                continue;
            }
            Map<String, ReclaimReader.Reclaim> after = new LinkedHashMap<>();
            for (Map.Entry<String, List<ReclaimReader.Change>> e : d.changes().entrySet()) {
                String path = d.path() + ".set.hosts." + ConfigUtil.joinPath(e.getKey());
                ReclaimReader.Reclaim next = reclaim.change(current.get(e.getKey()), path, e.getValue());
                if (next != null) {
                    current.put(e.getKey(), next);
                    after.put(e.getKey(), next);
                }
            }
            out.add(new Draft(d.atSeconds(), d.tick(), d.order(), d.what(), d.kind(), d.origin(), d.path(), d.guest(),
                    d.changes(), d.workload(), after));
        }
        return out;
    }
}
