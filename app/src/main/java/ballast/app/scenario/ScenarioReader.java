package ballast.app.scenario;

import ballast.scheduler.placement.GuestPlacement;
import ballast.scheduler.scenario.ClusterPlan;
import ballast.scheduler.scenario.TimedEvent;
import ballast.scheduler.scenario.Scenario;
import static ballast.app.scenario.Entry.PAGE_BYTES;
import static ballast.app.scenario.Entry.join;
import static ballast.app.scenario.Entry.keysOf;
import static ballast.app.scenario.Entry.show;
import static ballast.app.scenario.Entry.size;

import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.workload.Phase;
import ballast.guest.workload.TraceFormat;
import ballast.guest.workload.TraceScan;
import ballast.guest.workload.TraceSpec;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.abi.TranslationMode;
import ballast.abi.KernelEvent;
import ballast.host.cpu.CostTable;
import ballast.host.cpu.CpuSpec;
import ballast.guest.OsProfile;
import ballast.abi.SensitiveInstruction;
import ballast.abi.Tokens;
import ballast.host.sharing.SharingSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a merged scenario (file, includes, --set, --seed; substitutions resolved) against the
 * library defaults, reports every problem to {@link Problems}, and builds the typed settings.
 *
 * <p>The steps: check the top-level keys; read the scenario block and the cost table; read each
 * host (its reclamation keys with {@link ReclaimReader}); read the OS profiles (the library's,
 * changed or added to by the scenario's); check each template on its own (so a bad template value
 * is reported once, at its line); read each guest through its template and the defaults; expand
 * {@code count = N} into NAME-1 .. NAME-N and reject names used twice; admit the guests of each host
 * in canonical order ({@link #admit}); read the timed events ({@link EventReader}); and only when
 * nothing was wrong, build {@link HostSettings}, {@link GuestSettings} and the {@link TimedEvent}s in
 * canonical (natural) order.
 *
 * <p>Checks that relate two values (a working set against the memory, image + zero fractions)
 * are made for a template with its own values, and for a guest only when the guest itself writes
 * one of the values: otherwise the template's check already covers them.
 */
final class ScenarioReader {
    static final List<String> SCENARIO_MODES = List.of(Scenario.DETERMINISTIC, Scenario.FREE_RUNNING);
    static final List<String> WORKLOAD_TYPES = List.of("uniform", "hot-cold", "phases", "idle", "trace");
    static final List<String> TRACE_FORMATS = List.of("lackey", "csv");
    static final int MAX_PROCESSES = 1024;
    static final int MAX_COUNT = 100_000;
    /** A guest's access rate cap: about what one core can issue (10^9 memory accesses per second). */
    static final double MAX_ACCESSES_PER_SECOND = 1e9;
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("scenario", "hosts", "costs", "os-profiles",
            "guest-templates", "guests", "sweep", "cluster", "placement", "migration", "hotspot", "events");
    /** Guest keys without a library default. */
    private static final String[] GUEST_EXTRA_KEYS = {"host", "workload", "os-profile", "seed"};
    static final long MAX_WORK_CYCLES = 1_000_000_000_000L;
    static final double MAX_RATE = 1_000_000;
    static final int MAX_BLOCKS_PER_INSTRUCTION = 100_000;
    static final int MAX_TRANSLATION_CACHE_BLOCKS = 1 << 20;
    static final double MAX_BLOCK_SKEW = 16;
    static final int MAX_SWEEP_VALUES = 1000;
    static final List<String> SCAN_ORDERS = List.of("random", "sequential");
    /** Host and guest names end up in actor names and file names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final double FOREVER = Double.POSITIVE_INFINITY;

    private final Problems problems;
    /** The {@code ballast} section of the library defaults (every module's reference.conf). */
    private final Config defaults;
    private final List<String> guestModes = new ArrayList<>();
    /** Each OS profile's chain: the scenario's object (if any), the library's (if any), the neutral defaults. */
    private final Map<String, List<Entry.Layer>> profileLayers = new TreeMap<>(Names.NATURAL);
    /** Each OS profile as read on its own, or null when it has problems. */
    private final Map<String, OsProfile> profiles = new TreeMap<>(Names.NATURAL);
    /** The scenario's sweep, once read: its path and its values (as written, with their origins); null if none. */
    private String sweepPath;
    private List<ConfigValue> sweepValues;
    /** Trace files already scanned (a template's trace is read for the template and each guest). */
    private final Map<String, TraceScan> scans = new HashMap<>();
    /** Hosts of guests the scenario gives none: chosen by the placement policy (see {@link GuestPlacement}). */
    private final Map<String, String> placed = new HashMap<>();
    private final ReclaimReader reclaimReader;

    ScenarioReader(Problems problems, Config defaults) {
        this.problems = problems;
        this.defaults = defaults;
        this.reclaimReader = new ReclaimReader(problems, defaults);
        for (TranslationMode mode : TranslationMode.values()) {
            guestModes.add(mode.configName());
        }
    }

    /** The run-wide values of the {@code scenario} block. */
    record Run(String name, long seed, Duration duration, Duration tick, Duration sampleEvery, String mode) {
        /** Ticks to play: floor(duration / tick). */
        long ticks() {
            return duration.toNanos() / tick.toNanos();
        }
    }

    /** A host that read without problems. */
    record HostDraft(String name, int totalFrames, int reservedFrames, int tlbEntries,
                     int maxBatchOps, int maxMmuUpdateEntries, Sharing sharing, ReclaimReader.Reclaim reclaim) {
    }

    /** A host's sharing block, typed (the tick is added when the settings are built). */
    record Sharing(boolean enabled, double scanPagesPerSecond, double perGuestPagesPerSecond,
                   SharingSettings.Order order, int hashBits) {
        SharingSettings settings(double tickSeconds) {
            return new SharingSettings(enabled, scanPagesPerSecond, perGuestPagesPerSecond, order, hashBits, tickSeconds);
        }
    }

    /** What a guest entry (or a template) says, once typed; {@code seedKey} is null unless it gives a seed. */
    record GuestValues(String os, TranslationMode mode, int configuredPages, int processes,
                       ContentSettings content, WorkloadSettings workload, OsProfile osProfile,
                       boolean binaryTranslation, boolean nestedPaging, int translationCacheBlocks,
                       Long seedKey, ReclaimReader.Allocation allocation) {
    }

    /**
     * One entry of {@code guests}.
     *
     * @param key    the name written in the scenario
     * @param entry  the entry through its template and the defaults
     * @param names  the names it expands to (empty when its count is unusable)
     * @param host   the host it names, or null
     * @param values its typed values, or null when any problem was found in it
     */
    record GuestDraft(String key, Entry entry, List<String> names, String host, GuestValues values) {
    }

    /** One guest after expansion. */
    record Instance(String name, GuestDraft draft) {
    }

    /** Reads the scenario; returns null when any problem was found. */
    Scenario read(Config scenario, String defaultName, String source, String rendered) {
        Entry top = Entry.of(problems, "", scenario.root());
        top.checkKeys(TOP_LEVEL_KEYS);

        Run run = readRun(top.child("scenario").withFallback(defaultsLayer("scenario")), defaultName);
        CostTable costs = readCosts(top.child("costs").withFallback(defaultsLayer("costs")));
        Set<String> hostNames = new TreeSet<>(Names.NATURAL);
        Map<String, HostDraft> hosts = readHosts(top, hostNames);
        readOsProfiles(top);
        Map<String, ConfigObject> templates = readTemplates(top);
        List<GuestDraft> guests = readGuests(top, hostNames, templates);
        List<Instance> instances = expand(guests);
        List<String> instanceNames = new ArrayList<>();
        instances.forEach(i -> instanceNames.add(i.name()));
        ClusterPlan cluster = new ClusterScenarioReader(problems, defaults).read(top, hostNames, instanceNames,
                run == null ? null : run.tick());
        if (cluster != null && run != null) {
            placeGuests(hosts, instances, cluster.placement(), run.seed());
        }
        admit(hosts, instances);
        if (run != null) {
            checkBatchSizes(hosts, guests, seconds(run.tick()));
        }
        List<EventReader.Draft> events = run == null ? null
                : new EventReader(problems, this, reclaimReader).read(top, run, hosts, instances);
        readSweep(top);

        if (!problems.isEmpty() || run == null || costs == null || cluster == null || events == null) {
            return null;
        }
        return build(run, costs, hosts, instances, events, source, rendered, cluster);
    }

    /** The host of a guest: its own, or the one the placement policy chose. */
    String hostOf(Instance guest) {
        return guest.draft().host() != null ? guest.draft().host() : placed.get(guest.name());
    }

    /** Places the guests that name no host, in canonical order, with the scenario's placement policy. */
    private void placeGuests(Map<String, HostDraft> hosts, List<Instance> instances, String policy, long seed) {
        List<GuestPlacement.Host> hostList = new ArrayList<>();
        for (HostDraft h : hosts.values()) {
            hostList.add(new GuestPlacement.Host(h.name(), (long) h.totalFrames() - h.reservedFrames()));
        }
        List<GuestPlacement.Guest> guests = new ArrayList<>();
        for (Instance i : instances) {
            GuestValues v = i.draft().values();
            if (v == null) {
                continue;
            }
            long guestSeed = v.seedKey() != null ? Tokens.derive(seed, "guest-seed:" + v.seedKey())
                    : Tokens.derive(seed, "guest:" + i.name());
            guests.add(new GuestPlacement.Guest(i.name(), i.draft().host(), v.configuredPages(), v.content(), guestSeed,
                    v.workload().maxWorkingSetPages()));
        }
        Map<String, String> chosen = GuestPlacement.place(hostList, guests, policy);
        for (Instance i : instances) {
            if (i.draft().host() == null && i.draft().values() != null) {
                String host = chosen.get(i.name());
                if (host == null) {
                    i.draft().entry().problem("host", "guest " + i.name() + " (" + size(i.draft().values().configuredPages()
                            * PAGE_BYTES) + ") fits on no host (placement " + policy + "); give it a host or more memory");
                } else {
                    placed.put(i.name(), host);
                }
            }
        }
    }

    // ---------------------------------------------------------------- scenario block and costs

    private Run readRun(Entry block, String defaultName) {
        int before = problems.reports();
        block.checkKeys(keysOf(defaultsObject("scenario"), "name"));
        String name = block.has("name") ? block.string("name") : defaultName;
        if (name != null && name.isBlank()) {
            block.problemAtValue("name", "must not be empty");
        }
        Long seed = block.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Duration tick = block.positiveDuration("tick");
        Duration duration = block.duration("duration");
        Duration sampleEvery = block.duration("sample-every");
        String mode = block.oneOf("mode", "mode", SCENARIO_MODES);
        if (tick != null && duration != null && duration.compareTo(tick) < 0) {
            block.problemAbout("duration", "must be at least one tick (" + show(tick) + "), got " + show(duration));
        }
        if (tick != null && sampleEvery != null && sampleEvery.compareTo(tick) < 0) {
            block.problemAbout("sample-every", "must be at least one tick (" + show(tick) + "), got " + show(sampleEvery));
        }
        if (problems.reports() != before) {
            return null;
        }
        return new Run(name, seed, duration, tick, sampleEvery, mode);
    }

    private CostTable readCosts(Entry costs) {
        int before = problems.reports();
        ConfigObject defaultCosts = defaultsObject("costs");
        costs.checkKeys(defaultCosts.keySet());
        for (String key : new TreeSet<>(defaultCosts.keySet())) {
            costs.integer(key, 0, Integer.MAX_VALUE);
        }
        if (problems.reports() != before) {
            return null;
        }
        ConfigObject own = costs.own();
        return CostTable.fromConfig(own == null ? defaultCosts.toConfig() : own.withFallback(defaultCosts).toConfig());
    }

    // ---------------------------------------------------------------- OS profiles

    /**
     * Reads the library's OS profiles and the scenario's {@code os-profiles}: a scenario profile
     * changes the library's profile of that name, or adds one falling back to the neutral
     * {@code ballast.os-profile}.
     */
    private void readOsProfiles(Entry top) {
        Entry.Layer neutral = defaultsLayer("os-profile");
        ConfigObject library = defaultsObject("os-profiles");
        for (String name : library.keySet()) {
            List<Entry.Layer> layers = new ArrayList<>();
            layers.add(new Entry.Layer("ballast.os-profiles." + name, (ConfigObject) library.get(name), false));
            layers.add(neutral);
            profileLayers.put(name, layers);
        }
        Entry all = top.child("os-profiles");
        ConfigObject own = all.own();
        if (own != null) {
            for (String name : sorted(own.keySet())) {
                checkName(all, name, "OS profile");
                Entry profile = all.child(name);
                if (profile.own() == null) {
                    continue;
                }
                List<Entry.Layer> layers = new ArrayList<>();
                layers.add(new Entry.Layer(profile.path(), profile.own(), true));
                layers.addAll(profileLayers.getOrDefault(name, List.of(neutral)));
                profileLayers.put(name, layers);
            }
        }
        for (Map.Entry<String, List<Entry.Layer>> e : profileLayers.entrySet()) {
            Entry profile = all.child(e.getKey());
            for (Entry.Layer layer : e.getValue()) {
                if (!layer.user()) {
                    profile = profile.withFallback(layer);
                }
            }
            profiles.put(e.getKey(), readProfile(profile));
        }
    }

    /** Reads one profile through its fallbacks; null when any value is unusable. */
    private OsProfile readProfile(Entry profile) {
        int before = problems.reports();
        ConfigObject neutral = defaultsObject("os-profile");
        profile.checkKeys(neutral.keySet());
        Long workCycles = profile.integer("work-cycles", 0, MAX_WORK_CYCLES);
        double[] rates = new double[KernelEvent.COUNT];
        for (KernelEvent kind : KernelEvent.ALL) {
            Double rate = profile.number(kind.configName(), 0, MAX_RATE);
            rates[kind.ordinal()] = rate == null ? 0 : rate;
        }
        Entry blocks = profile.child("sensitive-blocks");
        List<String> instructions = new ArrayList<>();
        SensitiveInstruction.ALL.forEach(i -> instructions.add(i.configName()));
        blocks.checkKeys(instructions);
        int[] blockCounts = new int[SensitiveInstruction.COUNT];
        int totalBlocks = 0;
        for (SensitiveInstruction i : SensitiveInstruction.ALL) {
            Long n = blocks.integer(i.configName(), 0, MAX_BLOCKS_PER_INSTRUCTION);
            blockCounts[i.ordinal()] = n == null ? 0 : n.intValue();
            totalBlocks += blockCounts[i.ordinal()];
        }
        Double skew = profile.number("block-skew", 1, MAX_BLOCK_SKEW);
        Long portLines = profile.integer("paravirt-port-lines", 0, Integer.MAX_VALUE);
        if (problems.reports() == before && totalBlocks == 0 && rates[KernelEvent.SENSITIVE_BLOCK.ordinal()] > 0) {
            profile.problemAbout(KernelEvent.SENSITIVE_BLOCK.configName(), "sensitive-executions "
                    + show(rates[KernelEvent.SENSITIVE_BLOCK.ordinal()]) + " needs at least one block in"
                    + " sensitive-blocks, such as sensitive-blocks { popf = 10 }");
        }
        if (problems.reports() != before) {
            return null;
        }
        return new OsProfile(workCycles, rates, blockCounts, skew, portLines.intValue());
    }

    /**
     * The OS profile of a guest or template: the profile its {@code os} names, with its own
     * {@code os-profile} overrides (and its template's) on top. Null when unusable.
     */
    private OsProfile readGuestProfile(Entry guest, String os) {
        if (os == null) {
            return null;
        }
        List<Entry.Layer> layers = profileLayers.get(os);
        if (layers == null) {
            guest.problemAtValue("os", "no OS profile named " + os + Names.didYouMean(os, profileLayers.keySet())
                    + known("OS profiles", profileLayers.keySet()));
            return null;
        }
        Entry overrides = guest.child("os-profile");
        if (!overrides.exists()) {
            return profiles.get(os);
        }
        Entry profile = overrides;
        for (Entry.Layer layer : layers) {
            profile = profile.withFallback(layer);
        }
        return readProfile(profile);
    }

    // ---------------------------------------------------------------- hosts

    private Map<String, HostDraft> readHosts(Entry top, Set<String> hostNames) {
        Map<String, HostDraft> drafts = new TreeMap<>(Names.NATURAL);
        if (!top.has("hosts")) {
            top.problem("hosts", "missing: a scenario needs at least one host, e.g. hosts { host-a { memory = 1GiB } }");
            return drafts;
        }
        Entry hosts = top.child("hosts");
        ConfigObject all = hosts.own();
        if (all == null) {
            return drafts;
        }
        if (all.isEmpty()) {
            hosts.problem("", "no hosts: a scenario needs at least one host, e.g. host-a { memory = 1GiB }");
        }
        for (String name : sorted(all.keySet())) {
            hostNames.add(name);
            checkName(hosts, name, "host");
            Entry host = hosts.child(name);
            if (host.own() != null) {
                HostDraft draft = readHost(name, host.withFallback(defaultsLayer("host")));
                if (draft != null) {
                    drafts.put(name, draft);
                }
            }
        }
        return drafts;
    }

    private HostDraft readHost(String name, Entry host) {
        int before = problems.reports();
        host.checkKeys(defaultsObject("host").keySet());
        Integer totalFrames = host.pages("memory");
        Long reservedBytes = host.bytes("reserved", false);
        Long tlbEntries = host.integer("tlb-entries", 1, 1 << 30);
        Long maxBatchOps = host.integer("max-batch-ops", 1, Integer.MAX_VALUE);
        Long maxMmuUpdateEntries = host.integer("max-mmu-update-entries", 1, Integer.MAX_VALUE);
        if (tlbEntries != null && Long.bitCount(tlbEntries) != 1) {
            host.problemAtValue("tlb-entries", "must be a power of two (such as 512, 1024 or 2048), got " + tlbEntries);
        }
        int reservedFrames = reservedBytes == null ? 0 : (int) Math.min(Integer.MAX_VALUE, reservedBytes / PAGE_BYTES);
        if (totalFrames != null && reservedBytes != null && reservedFrames >= totalFrames) {
            host.problemAbout("reserved", "must be less than the host's memory (" + size(totalFrames * PAGE_BYTES)
                    + "), got " + size(reservedBytes));
        }
        Sharing sharing = readSharing(host.child("sharing"));
        ReclaimReader.Reclaim reclaim = reclaimReader.readHost(host);
        if (problems.reports() != before || sharing == null || reclaim == null) {
            return null;
        }
        return new HostDraft(name, totalFrames, reservedFrames, tlbEntries.intValue(), maxBatchOps.intValue(),
                maxMmuUpdateEntries.intValue(), sharing, reclaim);
    }

    private Sharing readSharing(Entry sharing) {
        int before = problems.reports();
        sharing.checkKeys(defaultsObject("host.sharing").keySet());
        Boolean enabled = sharing.bool("enabled");
        Double rate = sharing.number("scan-pages-per-second", 0);
        Double perGuest = sharing.number("per-guest-pages-per-second", 0);
        String order = sharing.oneOf("order", "scan order", SCAN_ORDERS);
        Long hashBits = sharing.integer("hash-bits", 1, 64);
        if (problems.reports() != before || enabled == null || rate == null || perGuest == null || order == null
                || hashBits == null) {
            return null;
        }
        return new Sharing(enabled, rate, perGuest, SharingSettings.Order.fromConfigName(order), hashBits.intValue());
    }

    // ---------------------------------------------------------------- templates and guests

    /** Checks every template on its own; returns the usable ones by name. */
    private Map<String, ConfigObject> readTemplates(Entry top) {
        Map<String, ConfigObject> templates = new TreeMap<>(Names.NATURAL);
        Entry all = top.child("guest-templates");
        ConfigObject own = all.own();
        if (own == null) {
            return templates;
        }
        for (String name : sorted(own.keySet())) {
            Entry template = all.child(name);
            if (template.own() != null) {
                templates.put(name, template.own());
                template.checkKeys(keysOf(defaultsObject("guest"), GUEST_EXTRA_KEYS));
                readGuestValues(template.withFallback(defaultsLayer("guest")), "template " + name, true);
            }
        }
        return templates;
    }

    private List<GuestDraft> readGuests(Entry top, Set<String> hostNames, Map<String, ConfigObject> templates) {
        List<GuestDraft> drafts = new ArrayList<>();
        if (!top.has("guests")) {
            top.problem("guests", "missing: a scenario needs at least one guest, e.g. guests { web { host = host-a } }");
            return drafts;
        }
        Entry guests = top.child("guests");
        ConfigObject all = guests.own();
        if (all == null) {
            return drafts;
        }
        if (all.isEmpty()) {
            guests.problem("", "no guests: a scenario needs at least one guest, e.g. web { host = host-a }");
        }
        for (String key : sorted(all.keySet())) {
            checkName(guests, key, "guest");
            Entry own = guests.child(key);
            if (own.own() != null) {
                drafts.add(readGuest(key, own, hostNames, templates));
            }
        }
        return drafts;
    }

    private GuestDraft readGuest(String key, Entry own, Set<String> hostNames, Map<String, ConfigObject> templates) {
        int before = problems.reports();
        Set<String> known = keysOf(defaultsObject("guest"), GUEST_EXTRA_KEYS);
        known.addAll(List.of("template", "count"));
        own.checkKeys(known);
        Entry guest = own;
        boolean templateFound = true;
        String templateName = own.string("template");
        if (templateName != null) {
            ConfigObject template = templates.get(templateName);
            if (template == null) {
                templateFound = false;
                own.problemAtValue("template", "no template named " + templateName
                        + Names.didYouMean(templateName, templates.keySet()) + known("templates", templates.keySet()));
            } else {
                guest = guest.withFallback(new Entry.Layer(join("guest-templates", templateName), template, true));
            }
        }
        guest = guest.withFallback(defaultsLayer("guest"));

        List<String> names = new ArrayList<>();
        if (!own.has("count")) {
            names.add(key);
        } else {
            Long count = own.integer("count", 1, MAX_COUNT);
            for (int i = 1; count != null && i <= count; i++) {
                names.add(key + "-" + i);
            }
        }

        String host = guest.string("host");
        if (!guest.has("host")) {
            host = null; // placed by the scenario's placement policy
        } else if (host != null && !hostNames.contains(host)) {
            guest.problemAtValue("host", "no host named " + host + Names.didYouMean(host, hostNames) + known("hosts", hostNames));
            host = null;
        }

        GuestValues values = readGuestValues(guest, "guest " + key, false);
        return new GuestDraft(key, guest, names, host, problems.reports() == before ? values : null);
    }

    /**
     * Reads the guest values of a guest or a template ({@code owner} names it in messages);
     * returns null when any is unusable.
     */
    private GuestValues readGuestValues(Entry guest, String owner, boolean template) {
        int before = problems.reports();
        String os = guest.string("os");
        if (os != null && os.isBlank()) {
            guest.problemAtValue("os", "must not be empty");
        }
        Integer pages = guest.pages("memory");
        String modeName = guest.oneOf("mode", "mode", guestModes);
        Long processes = guest.integer("processes", 1, MAX_PROCESSES);
        boolean ownMemory = guest.find("memory") != null && guest.find("memory").own();

        Entry content = guest.child("content");
        Entry image = guest.child("image");
        boolean checkImageFit = pages != null && (template || ownMemory || image.own() != null);
        List<String> files = readImage(image, checkImageFit ? pages : null, owner, guest);
        ContentSettings contentSettings = readContent(content, os, template || content.own() != null, files);

        Entry workload = guest.child("workload");
        boolean checkFit = pages != null && (template || ownMemory || workload.own() != null);
        String memory = pages == null ? null : "the memory of " + owner + " (" + show(guest.find("memory").value()) + ")";
        WorkloadSettings workloadSettings = readWorkload(workload, checkFit ? pages : null, memory, template);
        if (workloadSettings != null && workloadSettings.isTrace() && processes != null) {
            // One process per trace: a processes value the user wrote must agree.
            int traces = workloadSettings.traces().size();
            Entry.Found written = guest.find("processes");
            if (written != null && written.user() && processes != traces) {
                guest.problemAtValue("processes", "is " + processes + " but the workload replays " + traces
                        + " trace(s), one process each: leave processes out or make it " + traces);
            }
            processes = (long) traces;
        }

        OsProfile osProfile = readGuestProfile(guest, os);
        Boolean binaryTranslation = guest.bool("binary-translation");
        Boolean nestedPaging = guest.bool("nested-paging");
        Long cacheBlocks = guest.integer("translation-cache-blocks", 1, MAX_TRANSLATION_CACHE_BLOCKS);
        Long seedKey = guest.has("seed") ? guest.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE) : null;
        checkModeSwitch(guest, owner, modeName, "binary-translation", binaryTranslation, TranslationMode.FULL);
        checkModeSwitch(guest, owner, modeName, "nested-paging", nestedPaging, TranslationMode.NESTED);
        boolean checkAllocation = pages != null && (template || ownMemory || owns(guest, "min")
                || guest.child("balloon").own() != null);
        ReclaimReader.Allocation allocation = reclaimReader.readGuest(guest, pages, checkAllocation, owner);

        if (problems.reports() != before || contentSettings == null || workloadSettings == null || osProfile == null
                || allocation == null) {
            return null;
        }
        return new GuestValues(os, TranslationMode.fromConfigName(modeName), pages, processes.intValue(),
                contentSettings, workloadSettings, osProfile, binaryTranslation, nestedPaging,
                cacheBlocks.intValue(), seedKey, allocation);
    }

    /** Whether the guest's (or template's) own object holds {@code key}. */
    private static boolean owns(Entry guest, String key) {
        Entry.Found f = guest.find(key);
        return f != null && f.own();
    }

    /**
     * A switch turned off that only means something in one mode ({@code binary-translation} for
     * {@code full}, {@code nested-paging} for {@code nested}) is a problem in any other mode: the
     * user expects an effect that would not happen.
     */
    private void checkModeSwitch(Entry guest, String owner, String modeName, String key, Boolean value,
                                 TranslationMode applies) {
        Entry.Found found = guest.find(key);
        if (value == null || value || modeName == null || found == null || !found.user()
                || applies.configName().equals(modeName)) {
            return;
        }
        guest.problemAtValue(key, key + " = off applies to " + applies.configName() + " guests only; "
                + owner + " is " + modeName);
    }

    private ContentSettings readContent(Entry content, String os, boolean checkSum, List<String> imageFiles) {
        int before = problems.reports();
        content.checkKeys(defaultsObject("guest.content").keySet());
        String image = content.string("image");
        Double imageFraction = content.fraction("image-fraction");
        Double zeroFraction = content.fraction("zero-fraction");
        Double duplicateFraction = content.fraction("duplicate-fraction");
        if (checkSum && imageFraction != null && zeroFraction != null && duplicateFraction != null
                && imageFraction + zeroFraction + duplicateFraction > 1 + 1e-12) {
            content.problem("", "image-fraction " + show(imageFraction) + " + zero-fraction " + show(zeroFraction)
                    + (duplicateFraction > 0 ? " + duplicate-fraction " + show(duplicateFraction) : "")
                    + " is more than 1: at most every page can be an image"
                    + (duplicateFraction > 0 ? ", a duplicate" : "") + " or a zero page");
        }
        if (problems.reports() != before || image == null || os == null || imageFiles == null) {
            return null;
        }
        return new ContentSettings(image.isEmpty() ? os : image, imageFraction, zeroFraction, duplicateFraction,
                imageFiles);
    }

    /**
     * Reads {@code image { files }}: every file must exist and be readable (a relative path is read
     * from the directory of the file naming it), and together they must fit the guest's memory
     * ({@code guestPages}, null when not to be checked). Returns the absolute paths, or null.
     */
    private List<String> readImage(Entry image, Integer guestPages, String owner, Entry guest) {
        int before = problems.reports();
        image.checkKeys(defaultsObject("guest.image").keySet());
        Entry.Found found = image.find("files");
        if (found == null) {
            return List.of();
        }
        if (!(found.value() instanceof ConfigList list)) {
            image.problemAtValue("files", "expected a list of files such as [\"/boot/vmlinuz\"], got " + show(found.value()));
            return null;
        }
        List<String> files = new ArrayList<>();
        long chunks = 0;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue item = list.get(i);
            String path = found.path() + "[" + i + "]";
            if (item.valueType() != ConfigValueType.STRING || ((String) item.unwrapped()).isBlank()) {
                problems.at(item.origin(), path, "expected a file name, got " + show(item));
                continue;
            }
            String name = (String) item.unwrapped();
            Path file;
            try {
                file = Path.of(name);
                String from = item.origin().filename();
                if (!file.isAbsolute() && from != null && Path.of(from).toAbsolutePath().getParent() != null) {
                    file = Path.of(from).toAbsolutePath().getParent().resolve(file);
                }
                file = file.toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                problems.at(item.origin(), path, "not a file name: " + name);
                continue;
            }
            if (!Files.exists(file)) {
                problems.at(item.origin(), path, "no such file: " + file);
            } else if (!Files.isRegularFile(file)) {
                problems.at(item.origin(), path, "not a regular file: " + file);
            } else if (!Files.isReadable(file)) {
                problems.at(item.origin(), path, "cannot be read (permission denied): " + file);
            } else {
                try {
                    chunks += (Files.size(file) + PAGE_BYTES - 1) / PAGE_BYTES;
                    files.add(file.toString());
                } catch (java.io.IOException e) {
                    problems.at(item.origin(), path, "cannot be read: " + e.getMessage());
                }
            }
        }
        if (guestPages != null && problems.reports() == before && chunks > guestPages) {
            image.problemAbout("files", "the image files fill " + chunks + " pages of 4KiB ("
                    + size(chunks * PAGE_BYTES) + "), more than the memory of " + owner + " ("
                    + show(guest.find("memory").value()) + ")");
        }
        return problems.reports() == before ? List.copyOf(files) : null;
    }

    /**
     * Reads a workload; a guest without one is idle. {@code guestPages} is null when the working
     * sets need not be checked against the memory (described by {@code memory}).
     */
    WorkloadSettings readWorkload(Entry workload, Integer guestPages, String memory, boolean template) {
        if (!workload.exists()) {
            return new WorkloadSettings("idle", List.of(Phase.idle(FOREVER)));
        }
        if (!workload.has("type")) {
            if (template) {
                // The guests using this template may give the type; check what any type allows.
                Set<String> anyType = new TreeSet<>(List.of("type"));
                for (String type : WORKLOAD_TYPES) {
                    anyType.addAll(defaultsObject("workload-defaults." + type).keySet());
                }
                workload.checkKeys(anyType);
            } else {
                workload.problem("type", "missing: a workload needs a type; allowed: " + String.join(", ", WORKLOAD_TYPES));
            }
            return null;
        }
        String type = workload.oneOf("type", "workload type", WORKLOAD_TYPES);
        if (type == null) {
            return null;
        }
        ConfigObject typeDefaults = defaultsObject("workload-defaults." + type);
        Entry typed = workload.withFallback(new Entry.Layer("ballast.workload-defaults." + type, typeDefaults, false));
        typed.checkKeys(keysOf(typeDefaults, "type"));
        List<Phase> phases = new ArrayList<>();
        switch (type) {
            case "uniform":
            case "hot-cold":
                phases.add(readPhase(typed, FOREVER, type.equals("hot-cold"), guestPages, memory));
                break;
            case "phases":
                phases.addAll(readPhases(typed, guestPages, memory));
                break;
            case "trace":
                return readTraces(typed, guestPages, memory);
            default:
                phases.add(Phase.idle(FOREVER));
                break;
        }
        if (phases.isEmpty() || phases.contains(null)) {
            return null;
        }
        return new WorkloadSettings(type, phases);
    }

    /**
     * A trace workload: its format, rate, loop flag and one or more files, each scanned once (a
     * streaming pass) for its records and distinct pages, which must fit in the guest's memory.
     */
    private WorkloadSettings readTraces(Entry workload, Integer guestPages, String memory) {
        int before = problems.reports();
        String formatName = workload.oneOf("format", "trace format", TRACE_FORMATS);
        Double rate = workload.number("accesses-per-second", 0);
        Boolean loop = workload.bool("loop");
        Entry.Found found = workload.find("path");
        List<ConfigValue> files = new ArrayList<>();
        List<String> filePaths = new ArrayList<>();
        if (found == null || !found.user()) {
            workload.problem("path", "missing: a trace workload needs path = FILE (or a list of files, one process each)");
        } else if (found.value().valueType() == ConfigValueType.LIST) {
            ConfigList list = (ConfigList) found.value();
            if (list.isEmpty()) {
                problems.at(found.value().origin(), found.path(), "a trace workload needs at least one file");
            }
            for (int i = 0; i < list.size(); i++) {
                files.add(list.get(i));
                filePaths.add(found.path() + "[" + i + "]");
            }
        } else {
            files.add(found.value());
            filePaths.add(found.path());
        }
        if (files.size() > MAX_PROCESSES) {
            problems.at(found.value().origin(), found.path(), "at most " + MAX_PROCESSES + " traces (one process each), got "
                    + files.size());
            return null;
        }
        if (problems.reports() != before || formatName == null) {
            return null;
        }
        TraceFormat format = TraceFormat.fromConfigName(formatName);
        List<TraceSpec> traces = new ArrayList<>();
        long distinct = 0;
        for (int i = 0; i < files.size(); i++) {
            TraceSpec spec = readTraceFile(files.get(i), filePaths.get(i), format, rate, loop);
            if (spec != null) {
                traces.add(spec);
                distinct += spec.distinctPages();
            }
        }
        if (problems.reports() != before || rate == null || loop == null) {
            return null;
        }
        if (guestPages != null && distinct > guestPages) {
            workload.problemAbout("path", (files.size() == 1 ? "the trace touches " : "the traces touch ") + distinct
                    + " distinct pages (" + size(distinct * PAGE_BYTES) + "), more than " + memory);
            return null;
        }
        return WorkloadSettings.trace(traces);
    }

    private TraceSpec readTraceFile(ConfigValue value, String path, TraceFormat format, Double rate, Boolean loop) {
        ConfigOrigin origin = value.origin();
        if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
            problems.at(origin, path, "expected a trace file name, got " + show(value));
            return null;
        }
        String written = (String) value.unwrapped();
        Path file;
        try {
            file = Path.of(written);
            if (!file.isAbsolute() && origin.filename() != null) {
                Path dir = Path.of(origin.filename()).toAbsolutePath().getParent();
                file = dir == null ? file : dir.resolve(file);
            }
            file = file.toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problems.at(origin, path, "not a usable file name: " + written);
            return null;
        }
        String where = file.toString().equals(written) ? "" : " (" + file + ")";
        if (!Files.exists(file)) {
            problems.at(origin, path, "trace file " + written + " not found" + where);
            return null;
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.at(origin, path, "trace file " + written + " is not a readable file" + where);
            return null;
        }
        TraceScan scan;
        try {
            String key = format + ":" + file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
            scan = scans.get(key);
            if (scan == null) {
                scan = TraceScan.of(format, file);
                scans.put(key, scan);
            }
        } catch (IOException e) {
            problems.at(origin, path, "cannot read trace file " + written + where + ": " + e.getMessage());
            return null;
        }
        if (scan.malformed() > 0) {
            problems.at(origin, path, scan.malformed() + " malformed line(s) in " + format.configName() + " trace "
                    + written + ", the first: " + scan.firstMalformed() + " (expected vpn,r or vpn,w)");
            return null;
        }
        if (scan.records() == 0) {
            problems.at(origin, path, "no access records in " + written + where + ": is it a " + format.configName()
                    + " trace?" + (format == TraceFormat.LACKEY ? " (valgrind --tool=lackey --trace-mem=yes)" : " (vpn,r|w lines)"));
            return null;
        }
        return new TraceSpec(format, file, rate == null ? 0 : rate, loop != null && loop, scan.records(),
                scan.distinctPages());
    }

    private List<Phase> readPhases(Entry workload, Integer guestPages, String memory) {
        List<Phase> phases = new ArrayList<>();
        Entry.Found found = workload.find("phases");
        if (found == null) {
            workload.problem("phases", "missing: a phases workload needs a list of phases");
            return phases;
        }
        if (!(found.value() instanceof ConfigList list)) {
            workload.problemAtValue("phases", "expected a list of phases such as [ { duration = 10s, working-set = 64MiB } ], got "
                    + show(found.value()));
            return phases;
        }
        if (list.isEmpty()) {
            workload.problemAbout("phases", "a phases workload needs at least one phase, such as"
                    + " phases = [ { duration = 10s, working-set = 64MiB } ]");
            return phases;
        }
        ConfigObject phaseDefaults = defaultsObject("workload-defaults.phase");
        for (int i = 0; i < list.size(); i++) {
            ConfigValue item = list.get(i);
            String path = found.path() + "[" + i + "]";
            if (!(item instanceof ConfigObject object)) {
                problems.at(item.origin(), path, "expected a phase { duration = 10s, working-set = 64MiB, ... }, got " + show(item));
                phases.add(null);
                continue;
            }
            Entry phase = Entry.of(problems, path, object)
                    .withFallback(new Entry.Layer("ballast.workload-defaults.phase", phaseDefaults, false));
            phase.checkKeys(phaseDefaults.keySet());
            Duration duration = phase.positiveDuration("duration");
            boolean last = i == list.size() - 1;
            double seconds = last || duration == null ? FOREVER : seconds(duration);
            Phase read = readPhase(phase, seconds, true, guestPages, memory);
            phases.add(duration == null ? null : read);
        }
        return phases;
    }

    /** One phase; {@code hotCold} reads hot-fraction and hot-access-fraction, else the phase is uniform. */
    private Phase readPhase(Entry phase, double durationSeconds, boolean hotCold, Integer guestPages, String memory) {
        Integer workingSet = phase.pages("working-set");
        Double accessesPerSecond = phase.number("accesses-per-second", 0, MAX_ACCESSES_PER_SECOND);
        Double writeFraction = phase.fraction("write-fraction");
        Double hotFraction = hotCold ? phase.fraction("hot-fraction") : Double.valueOf(1.0);
        Double hotAccessFraction = hotCold ? phase.fraction("hot-access-fraction") : Double.valueOf(1.0);
        if (workingSet != null && guestPages != null && workingSet > guestPages) {
            phase.problemAbout("working-set", "working set " + show(phase.find("working-set").value())
                    + " is larger than " + memory);
            return null;
        }
        if (workingSet == null || accessesPerSecond == null || writeFraction == null || hotFraction == null
                || hotAccessFraction == null) {
            return null;
        }
        return new Phase(durationSeconds, workingSet, accessesPerSecond, writeFraction, hotFraction, hotAccessFraction);
    }

    // ---------------------------------------------------------------- expansion and admission

    /** Expands counts, reports names used twice, and returns the guests in canonical order. */
    private List<Instance> expand(List<GuestDraft> guests) {
        Map<String, GuestDraft> byName = new HashMap<>();
        List<Instance> instances = new ArrayList<>();
        for (GuestDraft draft : guests) {
            for (String name : draft.names()) {
                GuestDraft first = byName.putIfAbsent(name, draft);
                if (first != null) {
                    draft.entry().problem("", "guest name " + name + " is used twice: by " + describe(first)
                            + " and by " + describe(draft));
                } else {
                    instances.add(new Instance(name, draft));
                }
            }
        }
        instances.sort((a, b) -> Names.compareNatural(a.name(), b.name()));
        return instances;
    }

    private static String describe(GuestDraft draft) {
        return draft.entry().path() + (draft.names().size() == 1 && draft.names().get(0).equals(draft.key())
                ? "" : " (count = " + draft.names().size() + ")");
    }

    /**
     * Admission control, on each host in canonical order (ESX's, Waldspurger 2002): a host that
     * reclaims must hold every guest's min plus its overhead in memory - reserved, and every guest's
     * max - min in its swap; a host that does not reclaim cannot take memory back, so every guest's
     * whole memory must fit in memory - reserved. Reports the first guest that does not fit, at its
     * entry. Every guest counts, also those that start later (they may all run at once).
     */
    private void admit(Map<String, HostDraft> hosts, List<Instance> instances) {
        for (HostDraft host : hosts.values()) {
            long available = (long) host.totalFrames() - host.reservedFrames();
            String left = size(available * PAGE_BYTES) + " is left for guests (memory "
                    + size(host.totalFrames() * PAGE_BYTES) + " - reserved " + size(host.reservedFrames() * PAGE_BYTES) + ")";
            boolean reclaims = host.reclaim().enabled();
            long overhead = host.reclaim().overheadPages();
            long swap = host.reclaim().swapBytes() < 0 ? Long.MAX_VALUE : host.reclaim().swapBytes() / PAGE_BYTES;
            long taken = 0;
            long swapTaken = 0;
            for (Instance guest : instances) {
                GuestValues values = guest.draft().values();
                if (values == null || !host.name().equals(hostOf(guest))) {
                    continue;
                }
                long max = values.configuredPages();
                long min = values.allocation().minPages();
                long needs = reclaims ? min + overhead : max;
                if (taken + needs > available) {
                    String what = reclaims ? "min " + pagesAsSize(min) + " + overhead " + pagesAsSize(overhead)
                            : pagesAsSize(max);
                    guest.draft().entry().problemAbout("host", "guest " + guest.name() + " (" + what + ") does not fit on host "
                            + host.name() + ": " + left + " and the guests before it take " + pagesAsSize(taken)
                            + (reclaims ? "" : " (the host does not reclaim: every guest's whole memory counts;"
                            + " reclaim = on counts only min + overhead)"));
                    break;
                }
                if (reclaims && swapTaken + (max - min) > swap) {
                    guest.draft().entry().problemAbout("host", "guest " + guest.name() + " (max " + pagesAsSize(max)
                            + " - min " + pagesAsSize(min) + ") does not fit in the swap of host " + host.name() + ": swap "
                            + pagesAsSize(swap) + ", of which the guests before it take " + pagesAsSize(swapTaken)
                            + "; raise hosts." + host.name() + ".swap (or set it to auto) or the guests' min");
                    break;
                }
                taken += needs;
                swapTaken += max - min;
            }
        }
    }

    private static String pagesAsSize(long pages) {
        return pages == 0 ? "0" : size(pages * PAGE_BYTES);
    }

    /**
     * A guest's busiest tick (its fastest phase's accesses in one tick, plus one page-table write
     * and one fill per page it may touch) must fit in one batch of its host's max-batch-ops, or the
     * hypervisor would refuse every tick of it.
     */
    private void checkBatchSizes(Map<String, HostDraft> hosts, List<GuestDraft> guests, double tickSeconds) {
        for (GuestDraft guest : guests) {
            HostDraft host = guest.host() == null ? null : hosts.get(guest.host());
            if (host == null || guest.values() == null) {
                continue;
            }
            checkBatchSize(guest.entry(), "workload", host, guest.values().workload(), guest.values().processes(),
                    tickSeconds);
        }
    }

    /** Reports at {@code key} of {@code at} a workload whose busiest tick would not fit one batch of {@code host}. */
    void checkBatchSize(Entry at, String key, HostDraft host, WorkloadSettings workload, int processes,
                        double tickSeconds) {
        double fastest = 0;
        for (Phase p : workload.phases()) {
            fastest = Math.max(fastest, p.accessesPerSecond());
        }
        double perTick = Math.ceil(fastest * tickSeconds) + 2.0 * workload.maxWorkingSetPages() + processes;
        if (perTick > host.maxBatchOps()) {
            at.problemAbout(key, "up to " + (long) perTick + " operations per tick (accesses at "
                    + show(fastest) + " per second, plus first touches) exceed host " + host.name()
                    + "'s max-batch-ops of " + host.maxBatchOps() + ": lower the rate or the tick, or raise max-batch-ops");
        }
    }

    // ---------------------------------------------------------------- sweep

    /** Reads {@code sweep { path, values }}: its shape only; each value is tried by the loader. */
    private void readSweep(Entry top) {
        if (!top.has("sweep")) {
            return;
        }
        Entry sweep = top.child("sweep");
        if (sweep.own() == null) {
            return;
        }
        int before = problems.reports();
        sweep.checkKeys(List.of("path", "values"));
        String path = sweep.string("path");
        if (!sweep.has("path")) {
            sweep.problem("path", "missing: the value to sweep, e.g. path = \"guests.linux.count\"");
        } else if (path != null) {
            try {
                List<String> parts = ConfigUtil.splitPath(path);
                if (parts.isEmpty() || parts.get(0).equals("sweep")) {
                    sweep.problemAtValue("path", "cannot sweep " + path);
                }
            } catch (ConfigException e) {
                sweep.problemAtValue("path", "not a HOCON path: " + path);
            }
        }
        Entry.Found values = sweep.find("values");
        if (values == null) {
            sweep.problem("values", "missing: the values to play, e.g. values = [1, 2, 4]");
        } else if (!(values.value() instanceof ConfigList list)) {
            sweep.problemAtValue("values", "expected a list of values such as [1, 2, 4], got " + show(values.value()));
        } else if (list.isEmpty() || list.size() > MAX_SWEEP_VALUES) {
            sweep.problemAtValue("values", "a sweep needs between 1 and " + MAX_SWEEP_VALUES + " values, got " + list.size());
        } else if (problems.reports() == before) {
            sweepPath = path;
            sweepValues = List.copyOf(list);
        }
    }

    /** The sweep's path, or null when the scenario has no (usable) sweep. */
    String sweepPath() {
        return sweepPath;
    }

    /** The sweep's values as written (each keeps its origin), or null. */
    List<ConfigValue> sweepValues() {
        return sweepValues;
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
            byHost.get(hostOf(guest)).add(guest);
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
                        v.osProfile().totalBlocks());
                specs.add(new GuestSpec(specs.size(), guest.name(), v.mode(), v.configuredPages(), v.processes(), cpu,
                        v.allocation().allocation()));
                auto += v.configuredPages() - v.allocation().minPages();
            }
            swapPages.put(host.name(), ReclaimReader.swapPages(host.reclaim(), auto));
            if (host.reclaim().enabled() && host.reclaim().swapBytes() < 0) {
                autoSwap.add(host.name());
            }
            hostSettings.add(new HostSettings(host.name(), Tokens.derive(run.seed(), "host:" + host.name()),
                    host.totalFrames(), host.reservedFrames(), host.tlbEntries(), host.maxBatchOps(),
                    host.maxMmuUpdateEntries(), costs, List.copyOf(specs), host.sharing().settings(tickSeconds),
                    host.reclaim().settings(swapPages.get(host.name()), tickSeconds)));
        }

        List<GuestSettings> guestSettings = new ArrayList<>();
        for (Instance guest : instances) {
            GuestValues v = guest.draft().values();
            long seed = v.seedKey() != null ? Tokens.derive(run.seed(), "guest-seed:" + v.seedKey())
                    : Tokens.derive(run.seed(), "guest:" + guest.name());
            ReclaimReader.Allocation a = v.allocation();
            HostDraft host = hosts.get(hostOf(guest));
            GuestMemorySettings memory = new GuestMemorySettings(a.balloonEnabled(), a.balloonPagesPerTick(),
                    (int) Math.min(Integer.MAX_VALUE, ceilDiv(a.balloonBackoff().toNanos(), run.tick().toNanos())),
                    a.balloonCapPages(), seconds(host.reclaim().samplePeriod()));
            guestSettings.add(new GuestSettings(guest.name(), hostOf(guest), indexOnHost.get(guest.name()),
                    v.os(), v.mode(), v.configuredPages(), v.processes(), seed, tickSeconds, v.content(), v.workload(),
                    v.osProfile(), memory));
        }

        List<TimedEvent> events = new ArrayList<>();
        for (EventReader.Draft d : eventDrafts) {
            events.add(d.build(swapPages, tickSeconds));
        }
        return new Scenario(run.name(), source, run.seed(), seconds(run.duration()), tickSeconds, ticks, run.mode(),
                sampleEveryTicks, List.copyOf(hostSettings), List.copyOf(guestSettings), rendered, null,
                List.copyOf(events), cluster.withAutoSwap(autoSwap));
    }

    /** {@code a / b} rounded up, for {@code a >= 0}, {@code b > 0}. */
    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    // ---------------------------------------------------------------- helpers

    private void checkName(Entry parent, String name, String what) {
        if (!NAME.matcher(name).matches()) {
            String article = "AEIOUaeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ";
            parent.problemAtValue(name, article + what + " name may hold only letters, digits, '-', '_' and '.',"
                    + " and starts with a letter or a digit");
        }
    }

    private ConfigObject defaultsObject(String section) {
        return defaults.getObject(section);
    }

    private Entry.Layer defaultsLayer(String section) {
        return new Entry.Layer("ballast." + section, defaultsObject(section), false);
    }

    private static List<String> sorted(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(Names.NATURAL);
        return list;
    }

    private static String known(String what, Set<String> names) {
        return names.isEmpty() ? "; there are no " + what : "; " + what + ": " + String.join(", ", sorted(names));
    }

    /** A number of pages as a size a user would write: 256MiB. */
    static String sizeOf(long pages) {
        return size(pages * PAGE_BYTES);
    }

    static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
