package ballast.app.scenario;


import static ballast.app.scenario.Entry.PAGE_BYTES;
import static ballast.app.scenario.Entry.size;

import ballast.host.memory.FramePool;

import ballast.host.sharing.SharingSettings;
import com.typesafe.config.ConfigObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code hosts}: each host's memory, reserve, TLB and batch limits, its {@code sharing}
 * block, and its reclamation keys (with {@link ReclaimReader}), through the library's
 * {@code ballast.host} defaults, into a {@link HostDraft} per usable host.
 */
final class HostReader {
    static final List<String> SCAN_ORDERS = List.of("random", "sequential");

    private final Problems problems;
    private final LibraryDefaults defaults;
    private final ReclaimReader reclaimReader;

    HostReader(Problems problems, LibraryDefaults defaults, ReclaimReader reclaimReader) {
        this.problems = problems;
        this.defaults = defaults;
        this.reclaimReader = reclaimReader;
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

    /**
     * Reads every host, in canonical order; adds every name written (usable or not) to
     * {@code hostNames} and returns the usable hosts by name.
     */
    Map<String, HostDraft> readHosts(Entry top, Set<String> hostNames) {
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
        if (problems.reports() != before || sharing == null || reclaim == null) {
            return null;
        }
        return new HostDraft(name, totalFrames, reservedFrames, tlbEntries.intValue(), maxBatchOps.intValue(),
                maxMmuUpdateEntries.intValue(), sharing, reclaim);
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
}
