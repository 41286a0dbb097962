package ballast.app.scenario;


import static ballast.app.scenario.Entry.PAGE_BYTES;
import static ballast.app.scenario.Entry.size;

import ballast.host.compression.CompressionFlavour;
import ballast.host.compression.CompressionSettings;
import ballast.host.device.DeviceSettings;
import ballast.host.memory.FramePool;
import ballast.host.memory.LargePageSettings;
import ballast.host.reclaim.FreeMemoryStates;
import ballast.host.sharing.SharingSettings;
import ballast.host.time.TimeSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import com.typesafe.config.ConfigObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code hosts}: each host's memory, reserve, TLB and batch limits, its {@code sharing}
 * block, its {@code cpu} and {@code devices} (the time model), and its reclamation keys (with {@link ReclaimReader}), through the library's
 * {@code ballast.host} defaults, into a {@link HostDraft} per usable host.
 */
final class HostReader {
    static final List<String> SCAN_ORDERS = List.of("random", "sequential");

    private final Problems problems;
    private final LibraryDefaults defaults;
    private final ReclaimReader reclaimReader;
    /** The run's tick while reading hosts (0: unknown), to check the cores' cycles per tick. */
    private double tickSeconds;

    HostReader(Problems problems, LibraryDefaults defaults, ReclaimReader reclaimReader) {
        this.problems = problems;
        this.defaults = defaults;
        this.reclaimReader = reclaimReader;
    }

    /** A host that read without problems. */
    record HostDraft(String name, int totalFrames, int reservedFrames, int tlbEntries,
                     int maxBatchOps, int maxMmuUpdateEntries, Sharing sharing, ReclaimReader.Reclaim reclaim,
                     Time time, OffloadReader.Offload offload, CompressionSettings compression,
                     LargePages largePages) {
    }

    /** A host's large-page keys, typed (the walk references come from {@code costs}). */
    record LargePages(boolean on, int breakAt, LargePageSettings.Flavour flavour, int tlbEntries) {
        LargePageSettings settings(int hostLargeWalkReferences, int largeWalkReferences) {
            return new LargePageSettings(breakAt, flavour, tlbEntries, hostLargeWalkReferences, largeWalkReferences);
        }
    }

    static final List<String> LARGE_PAGE_BREAK_STATES = List.of("soft", "hard");
    static final List<String> LARGE_PAGE_SHARING = List.of("esx", "ksm");
    /** Most 2 MiB TLB entries. */
    static final long MAX_LARGE_TLB_ENTRIES = 1 << 16;

    /** {@code large-pages}, {@code large-page-break-at}, {@code large-page-sharing}, {@code large-page-tlb-entries}. */
    private LargePages readLargePages(Entry host) {
        int before = problems.reports();
        Boolean on = host.bool("large-pages");
        String breakAt = host.oneOf("large-page-break-at", "free-memory state", LARGE_PAGE_BREAK_STATES);
        String sharing = host.oneOf("large-page-sharing", "large-page sharing flavour", LARGE_PAGE_SHARING);
        Long entries = host.integer("large-page-tlb-entries", 0, MAX_LARGE_TLB_ENTRIES);
        if (entries != null && entries > 0 && Long.bitCount(entries) != 1) {
            host.problemAtValue("large-page-tlb-entries", "must be 0 or a power of two (such as 32), got " + entries);
        }
        if (problems.reports() != before || on == null || breakAt == null || sharing == null || entries == null) {
            return null;
        }
        return new LargePages(on, "soft".equals(breakAt) ? FreeMemoryStates.SOFT : FreeMemoryStates.HARD,
                LargePageSettings.Flavour.fromConfigName(sharing), entries.intValue());
    }

    /** A host's cores and devices, typed (the tick and the library's prices are added when the settings are built). */
    record Time(int cores, double ghz, DeviceSettings swap, DeviceSettings disk, boolean sharedDevice) {
        TimeSettings settings(double tickSeconds, Config library) {
            TimeSettings d = TimeSettings.fromConfig(library.getConfig("host.cpu"), library.getConfig("host.devices"),
                    library.getConfig("devices.presets"), library.getConfig("time"), tickSeconds);
            return new TimeSettings(tickSeconds, cores, ghz, swap, disk, sharedDevice, d.workPerAccess(), d.hypervisor());
        }
    }

    /** Most cores a host may have. */
    static final int MAX_CORES = 16384;
    /** Fastest core clock accepted, GHz. */
    static final double MAX_GHZ = 100;

    /** A host's sharing block, typed (the tick is added when the settings are built). */
    record Sharing(boolean enabled, double scanPagesPerSecond, double perGuestPagesPerSecond,
                   SharingSettings.Order order, int hashBits) {
        SharingSettings settings(double tickSeconds) {
            return new SharingSettings(enabled, scanPagesPerSecond, perGuestPagesPerSecond, order, hashBits, tickSeconds);
        }
    }

    /**
     * Reads every host, in canonical order; adds every name written (usable or not) to
     * {@code hostNames} and returns the usable hosts by name. Their cores are checked against a
     * tick of {@code tickSeconds} (0: the tick is unknown, not checked).
     */
    Map<String, HostDraft> readHosts(Entry top, Set<String> hostNames, double tickSeconds) {
        this.tickSeconds = tickSeconds;
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
        for (String name : Names.sorted(all.keySet())) {
            hostNames.add(name);
            Names.checkName(hosts, name, "host");
            Entry host = hosts.child(name);
            if (host.own() != null) {
                HostDraft draft = readHost(name, host.withFallback(defaults.layer("host")));
                if (draft != null) {
                    drafts.put(name, draft);
                }
            }
        }
        return drafts;
    }

    /**
     * Most entries of a guest's TLB: 2^20 (16 MiB of heap per guest; real TLBs hold a few thousand).
     * Beyond 2^29 its table could not even be allocated.
     */
    public static final long MAX_TLB_ENTRIES = 1 << 20;

    private HostDraft readHost(String name, Entry host) {
        int before = problems.reports();
        host.checkKeys(defaults.object("host").keySet());
        Integer totalFrames = host.wholePages("memory");
        Long reservedBytes = host.bytes("reserved", false);
        if (totalFrames != null && totalFrames > FramePool.MAX_FRAMES) {
            host.problemAtValue("memory", "is too large for one host: at most " + FramePool.MAX_FRAMES
                    + " pages of 4KiB (just under 4TiB), got " + size(totalFrames * PAGE_BYTES));
        }
        Long tlbEntries = host.integer("tlb-entries", 1, MAX_TLB_ENTRIES);
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
        Time time = readTime(host);
        OffloadReader.Offload offload = new OffloadReader(problems, defaults).read(host);
        if (offload != null && reclaim != null && offload.enabled() && !reclaim.enabled()) {
            host.child("offload").problemAtValue("enabled", "needs reclaim = on: offloaded pages go to the host's swap,"
                    + " which a host that does not reclaim does not have");
        }
        CompressionSettings compression = readCompression(host.child("compression"));
        LargePages largePages = readLargePages(host);
        if (problems.reports() != before || sharing == null || reclaim == null || time == null || offload == null
                || compression == null || largePages == null) {
            return null;
        }
        return new HostDraft(name, totalFrames, reservedFrames, tlbEntries.intValue(), maxBatchOps.intValue(),
                maxMmuUpdateEntries.intValue(), sharing, reclaim, time, offload, compression, largePages);
    }

    /** The host's {@code cpu { cores, ghz }} and {@code devices { swap, disk, swap-on-disk-device }}. */
    private Time readTime(Entry host) {
        int before = problems.reports();
        Entry cpu = host.child("cpu");
        cpu.checkKeys(defaults.object("host.cpu").keySet());
        Long cores = cpu.integer("cores", 1, MAX_CORES);
        Double ghz = cpu.number("ghz", 0, MAX_GHZ);
        if (ghz != null && ghz <= 0) {
            cpu.problemAtValue("ghz", "must be greater than 0, got " + ghz);
            ghz = null;
        }
        Entry devices = host.child("devices");
        devices.checkKeys(defaults.object("host.devices").keySet());
        DeviceSettings swap = readDevice(devices, "swap");
        DeviceSettings disk = readDevice(devices, "disk");
        Boolean shared = devices.bool("swap-on-disk-device");
        if (problems.reports() != before || cores == null || ghz == null || swap == null || disk == null
                || shared == null) {
            return null;
        }
        if (ghz * 1e9 * 0.001 < 1) {
            cpu.problemAtValue("ghz", "is too slow to simulate, got " + ghz);
            return null;
        }
        if (tickSeconds > 0 && cores * (double) Math.round(ghz * 1e9 * tickSeconds) > ballast.host.time.HostCpu.MAX_CYCLES_PER_TICK) {
            cpu.problemAbout("cores", cores + " cores at " + ghz + " GHz give more than 2^42 cycles in a tick of "
                    + tickSeconds + " s: fewer cores, a slower clock or a shorter tick");
            return null;
        }
        return new Time(cores.intValue(), ghz, swap, disk, shared);
    }

    /** A device: a preset's name (disk-2002, sata-ssd, nvme) or its own { latency, bandwidth }. */
    private DeviceSettings readDevice(Entry devices, String key) {
        Entry.Found f = devices.find(key);
        if (f == null) {
            return null;
        }
        if (f.value().valueType() == ConfigValueType.OBJECT) {
            // the device's own settings, without the default preset's name behind them
            Entry own = Entry.of(problems, devices.path(key), (com.typesafe.config.ConfigObject) f.value());
            own.checkKeys(List.of("latency", "bandwidth"));
            Duration latency = own.duration("latency");
            Long bandwidth = own.bytes("bandwidth", true);
            if (latency != null && latency.isNegative()) {
                own.problemAtValue("latency", "must not be negative, got " + Entry.show(latency));
                return null;
            }
            if (latency == null || bandwidth == null) {
                if (latency == null && !own.has("latency")) {
                    own.problem("latency", "missing: a device needs { latency = 8ms, bandwidth = 40MB }");
                }
                if (bandwidth == null && !own.has("bandwidth")) {
                    own.problem("bandwidth", "missing: a device needs { latency = 8ms, bandwidth = 40MB }");
                }
                return null;
            }
            return new DeviceSettings(key, latency.toNanos() / 1e9, bandwidth);
        }
        Set<String> presets = defaults.object("devices.presets").keySet();
        String name = devices.oneOf(key, "device preset", new java.util.TreeSet<>(presets));
        if (name == null) {
            return null;
        }
        Config preset = defaults.object("devices.presets").toConfig().getConfig(ConfigUtil.quoteString(name));
        return DeviceSettings.fromConfig(name, preset);
    }

    private Sharing readSharing(Entry sharing) {
        int before = problems.reports();
        sharing.checkKeys(defaults.object("host.sharing").keySet());
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

    static final List<String> COMPRESSION_FLAVOURS = List.of("esx", "zswap");

    /**
     * The host's {@code compression { enabled, threshold, cache, flavour, sizes { ... } }}; prices
     * come from the library's {@code ballast.time.hypervisor}.
     */
    private CompressionSettings readCompression(Entry c) {
        int before = problems.reports();
        c.checkKeys(defaults.object("host.compression").keySet());
        Boolean enabled = c.bool("enabled");
        Long threshold = c.bytes("threshold", true);
        if (threshold != null && threshold > PAGE_BYTES) {
            c.problemAtValue("threshold", "must be at most a page (4KiB), got " + size(threshold));
        }
        Double cache = c.share("cache", 0, 1, false);
        String flavour = c.oneOf("flavour", "compression flavour", COMPRESSION_FLAVOURS);
        Entry sizes = c.child("sizes");
        sizes.checkKeys(defaults.object("host.compression.sizes").keySet());
        String[] keys = {"image-min", "image-max", "private-min", "private-max"};
        long[] b = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            Long v = sizes.bytes(keys[i], true);
            if (v != null && v > PAGE_BYTES) {
                sizes.problemAtValue(keys[i], "must be at most a page (4KiB), got " + size(v));
            }
            b[i] = v == null ? -1 : v;
        }
        if (b[0] > 0 && b[1] > 0 && b[1] < b[0]) {
            sizes.problemAtValue("image-max", "must be at least image-min (" + b[0] + " bytes), got " + b[1] + " bytes");
        }
        if (b[2] > 0 && b[3] > 0 && b[3] < b[2]) {
            sizes.problemAtValue("private-max", "must be at least private-min (" + b[2] + " bytes), got " + b[3] + " bytes");
        }
        if (problems.reports() != before || enabled == null || threshold == null || cache == null || flavour == null) {
            return null;
        }
        Config prices = defaults.object("time.hypervisor").toConfig();
        return new CompressionSettings(enabled, threshold.intValue(), cache, CompressionFlavour.byName(flavour),
                (int) b[0], (int) b[1], (int) b[2], (int) b[3], prices.getLong("compress-page"),
                prices.getLong("decompress-page"), List.of(), List.of());
    }
}
