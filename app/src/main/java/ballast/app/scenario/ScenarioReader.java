package ballast.app.scenario;

import static ballast.app.scenario.Entry.ceilDiv;
import static ballast.app.scenario.Entry.seconds;

import ballast.abi.Tokens;
import ballast.app.scenario.GuestReader.GuestDraft;
import ballast.app.scenario.GuestReader.GuestValues;
import ballast.app.scenario.GuestReader.Instance;
import ballast.app.scenario.HostReader.HostDraft;
import ballast.app.scenario.RunReader.Run;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.host.cpu.CostTable;
import ballast.host.cpu.CpuSpec;
import ballast.scheduler.scenario.ClusterPlan;
import ballast.scheduler.scenario.Scenario;
import ballast.scheduler.scenario.TimedEvent;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a merged scenario (file, includes, --set, --seed; substitutions resolved) against the
 * library defaults, reports every problem to {@link Problems} (all of them, in reading order),
 * and builds the typed settings. One reader per section:
 *
 * <ol>
 *   <li>the top-level keys, then {@code scenario} and {@code costs} ({@link RunReader});</li>
 *   <li>{@code hosts} ({@link HostReader}, reclamation keys with {@link ReclaimReader});</li>
 *   <li>the OS profiles, the library's changed or added to by the scenario's ({@link OsProfileReader});</li>
 *   <li>{@code guest-templates} and {@code guests}, with their images ({@link ImageReader}) and
 *       workloads ({@link WorkloadReader}), and the expansion of {@code count = N}
 *       ({@link GuestReader});</li>
 *   <li>{@code cluster}, {@code placement}, {@code migration}, {@code hotspot} and migrate
 *       events ({@link ClusterScenarioReader});</li>
 *   <li>the host of each guest (its own or the placement policy's) and admission control on each
 *       host in canonical order ({@link GuestHosts}); each workload's busiest tick against its
 *       host's batch limit ({@link WorkloadReader});</li>
 *   <li>the timed events ({@link EventReader}) and the {@code sweep} ({@link SweepReader}).</li>
 * </ol>
 *
 * <p>Only when nothing was wrong does it build {@link HostSettings}, {@link GuestSettings} and the
 * {@link TimedEvent}s, in canonical (natural) order. One reader reads one scenario, on one thread.
 */
final class ScenarioReader {
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("scenario", "hosts", "costs", "os-profiles",
            "guest-templates", "guests", "sweep", "cluster", "placement", "migration", "hotspot", "events");

    private final Problems problems;
    /** The {@code ballast} section of the library defaults (every module's reference.conf). */
    private final Config config;
    private final LibraryDefaults library;
    private final ReclaimReader reclaimReader;
    private final RunReader runs;
    private final HostReader hostReader;
    private final WorkloadReader workloads;
    private final GuestReader guestReader;
    private final GuestHosts guestHosts = new GuestHosts();
    private final SweepReader sweep;
    private final OsProfileReader osProfiles;

    ScenarioReader(Problems problems, Config defaults) {
        this.problems = problems;
        this.config = defaults;
        this.library = new LibraryDefaults(defaults);
        this.reclaimReader = new ReclaimReader(problems, defaults);
        this.runs = new RunReader(problems, library);
        this.hostReader = new HostReader(problems, library, reclaimReader);
        this.workloads = new WorkloadReader(problems, library);
        this.osProfiles = new OsProfileReader(problems, library);
        this.guestReader = new GuestReader(problems, library, new ImageReader(problems, library), workloads,
                osProfiles, reclaimReader);
        this.sweep = new SweepReader(problems);
    }

    /** Reads the scenario; returns null when any problem was found. */
    Scenario read(Config scenario, String defaultName, String source, String rendered) {
        Entry top = Entry.of(problems, "", scenario.root());
        top.checkKeys(TOP_LEVEL_KEYS);

        Entry scenarioBlock = top.child("scenario").withFallback(library.layer("scenario"));
        Run run = runs.readRun(scenarioBlock, defaultName);
        Entry costEntry = top.child("costs").withFallback(library.layer("costs"));
        CostTable costs = runs.readCosts(costEntry);
        if (costs != null) {
            largeWalkReferences = new int[] {
                costEntry.integer("nested-walk-references-host-large", 0, Integer.MAX_VALUE).intValue(),
                costEntry.integer("nested-walk-references-large", 0, Integer.MAX_VALUE).intValue()};
        }
        Set<String> hostNames = new TreeSet<>(Names.NATURAL);
        Map<String, HostDraft> hosts = hostReader.readHosts(top, hostNames, run == null ? 0 : seconds(run.tick()));
        osProfiles.readOsProfiles(top);
        Map<String, ConfigObject> templates = guestReader.readTemplates(top);
        List<GuestDraft> guests = guestReader.readGuests(top, hostNames, templates);
        List<Instance> instances = guestReader.expand(guests);
        List<String> instanceNames = new ArrayList<>();
        instances.forEach(i -> instanceNames.add(i.name()));
        Set<String> withDriver = new TreeSet<>();
        for (Instance i : instances) {
            GuestValues v = i.draft().values();
            if (v == null || v.allocation() == null || v.allocation().balloonEnabled()) {
                withDriver.add(i.name());
            }
        }
        Set<String> withHotplug = new TreeSet<>();
        for (Instance i : instances) {
            GuestValues v = i.draft().values();
            if (v != null && v.hotplug() != null) {
                withHotplug.add(i.name());
            }
        }
        ClusterPlan cluster = new ClusterScenarioReader(problems, config).read(top, hostNames, instanceNames,
                run == null ? null : run.tick(), run != null && Scenario.FREE_RUNNING.equals(run.mode()), withDriver,
                withHotplug);
        if (cluster != null && run != null) {
            guestHosts.placeGuests(hosts, instances, cluster.placement(), run.seed());
        }
        guestHosts.admit(hosts, instances);
        if (run != null) {
            workloads.checkBatchSizes(hosts, guests, seconds(run.tick()));
        }
        // With a scenario block that does not read, the events are still checked against a stand-in
        // run, so that every problem is reported at once.
        Run eventRun = run != null ? run : runs.standIn(scenarioBlock, defaultName);
        List<EventReader.Draft> events = new EventReader(problems, workloads, guestHosts, reclaimReader)
                .read(top, eventRun, hosts, instances);
        sweep.readSweep(top);

        if (!problems.isEmpty() || run == null || costs == null || cluster == null || events == null) {
            return null;
        }
        return build(run, costs, hosts, instances, events, source, rendered, cluster);
    }

    /** The walk references of large pages from {@code costs}: the nested dimension on 2 MiB, and both. */
    private int[] largeWalkReferences = {19, 15};

    /** The sweep as read (its axes are null when the scenario has no usable sweep). */
    SweepReader sweep() {
        return sweep;
    }

    // ---------------------------------------------------------------- building

    private Scenario build(Run run, CostTable costs, Map<String, HostDraft> hosts, List<Instance> instances,
                           List<EventReader.Draft> eventDrafts, String source, String rendered, ClusterPlan cluster) {
        double tickSeconds = seconds(run.tick());
        long ticks = run.ticks();
        long sampleEveryTicks = Math.max(1, Math.round(seconds(run.sampleEvery()) / tickSeconds));

        Map<String, List<Instance>> byHost = new LinkedHashMap<>();
        for (HostDraft host : hosts.values()) {
            byHost.put(host.name(), new ArrayList<>());
        }
        for (Instance guest : instances) {
            byHost.get(guestHosts.hostOf(guest)).add(guest);
        }

        List<HostSettings> hostSettings = new ArrayList<>();
        Map<String, Integer> indexOnHost = new HashMap<>();
        Map<String, Long> swapPages = new HashMap<>();
        java.util.Set<String> autoSwap = new java.util.TreeSet<>();
        for (HostDraft host : hosts.values()) {
            List<GuestSpec> specs = new ArrayList<>();
            long auto = 0;
            for (Instance guest : byHost.get(host.name())) {
                GuestValues v = guest.draft().values();
                indexOnHost.put(guest.name(), specs.size());
                CpuSpec cpu = new CpuSpec(v.binaryTranslation(), v.nestedPaging(), v.translationCacheBlocks(),
                        v.osProfile().totalBlocks(), v.vcpus(), v.cpuShares(), v.cyclesPerAccess());
                boolean largePages = v.largePages() != null ? v.largePages() : host.largePages().on();
                if (v.hotplug() != null && v.hotplug().blockPages() < ballast.host.memory.Pmap.LARGE_PAGES) {
                    largePages = false; // a large page would straddle plugged and unplugged blocks
                }
                specs.add(new GuestSpec(specs.size(), guest.name(), v.mode(), v.configuredPages(), v.processes(), cpu,
                        v.allocation().allocation(), largePages).withHotplug(v.hotplug() == null ? null
                        : new ballast.host.hotplug.HotplugSpec(v.hotplug().blockPages(), v.hotplug().pluggedPages())));
                auto += v.configuredPages() - v.allocation().minPages();
            }
            swapPages.put(host.name(), ReclaimReader.swapPages(host.reclaim(), auto));
            if (host.reclaim().enabled() && host.reclaim().swapBytes() < 0) {
                autoSwap.add(host.name());
            }
            hostSettings.add(new HostSettings(host.name(), Tokens.derive(run.seed(), "host:" + host.name()),
                    host.totalFrames(), host.reservedFrames(), host.tlbEntries(), host.maxBatchOps(),
                    host.maxMmuUpdateEntries(), costs, List.copyOf(specs), host.sharing().settings(tickSeconds),
                    host.reclaim().settings(swapPages.get(host.name()), tickSeconds),
                    host.time().settings(tickSeconds, config), host.offload().settings(tickSeconds),
                    compressionOf(host, instances),
                    host.largePages().settings(largeWalkReferences[0], largeWalkReferences[1])));
        }

        List<GuestSettings> guestSettings = new ArrayList<>();
        for (Instance guest : instances) {
            GuestValues v = guest.draft().values();
            long seed = v.seedKey() != null ? Tokens.derive(run.seed(), "guest-seed:" + v.seedKey())
                    : Tokens.derive(run.seed(), "guest:" + guest.name());
            ReclaimReader.Allocation a = v.allocation();
            HostDraft host = hosts.get(guestHosts.hostOf(guest));
            GuestMemorySettings memory = new GuestMemorySettings(a.balloonEnabled(), a.balloonPagesPerTick(),
                    (int) Math.min(Integer.MAX_VALUE, ceilDiv(a.balloonBackoff().toNanos(), run.tick().toNanos())),
                    a.balloonCapPages(), seconds(host.reclaim().samplePeriod()));
            GuestReader.Reporting fpr = v.reporting();
            memory = memory.withReporting(fpr.enabled(), fpr.order(),
                    (int) Math.min(Integer.MAX_VALUE, ceilDiv(fpr.delay().toNanos(), run.tick().toNanos())),
                    fpr.capacity(), fpr.freeOnShrink());
            if (v.hotplug() != null) {
                memory = memory.withHotplug(v.hotplug().blockPages(), v.hotplug().pluggedPages(),
                        v.hotplug().blocksPerTick());
            }
            guestSettings.add(new GuestSettings(guest.name(), guestHosts.hostOf(guest), indexOnHost.get(guest.name()),
                    v.os(), v.mode(), v.configuredPages(), v.processes(), seed, tickSeconds, v.content(), v.workload(),
                    v.osProfile(), memory));
        }

        List<TimedEvent> events = new ArrayList<>();
        for (EventReader.Draft d : eventDrafts) {
            events.add(d.build(swapPages, tickSeconds, name -> {
                for (Instance g : instances) {
                    if (g.name().equals(name)) {
                        return guestHosts.hostOf(g);
                    }
                }
                return null;
            }));
        }
        return new Scenario(run.name(), source, run.seed(), seconds(run.duration()), tickSeconds, ticks, run.mode(),
                sampleEveryTicks, List.copyOf(hostSettings), List.copyOf(guestSettings), rendered, null,
                List.copyOf(events), cluster.withAutoSwap(autoSwap));
    }

    /**
     * A host's compression tier with the contents of every guest of the scenario (any may arrive by
     * live migration): the image files of the file-backed ones, the synthetic images of the others.
     */
    private static ballast.host.compression.CompressionSettings compressionOf(HostDraft host, List<Instance> instances) {
        ballast.host.compression.CompressionSettings c = host.compression();
        if (!c.enabled()) {
            return c;
        }
        java.util.LinkedHashSet<String> files = new java.util.LinkedHashSet<>();
        java.util.LinkedHashSet<ballast.host.compression.CompressionSettings.SyntheticImage> images = new java.util.LinkedHashSet<>();
        for (Instance guest : instances) {
            GuestValues v = guest.draft().values();
            if (v.content().fileBacked()) {
                files.addAll(v.content().imageFiles());
            } else if (v.content().imageFraction() > 0) {
                images.add(new ballast.host.compression.CompressionSettings.SyntheticImage(v.content().image(),
                        v.content().imageFraction(), Math.max(v.workload().maxWorkingSetPages(), 1)));
            }
        }
        return c.withContents(List.copyOf(files), List.copyOf(images));
    }
}
