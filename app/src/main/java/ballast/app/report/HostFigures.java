package ballast.app.report;

import static ballast.app.report.Figure.PAGES;
import static ballast.app.report.Figure.counter;
import static ballast.app.report.Figure.level;
import static ballast.app.report.Figure.ratio;
import static ballast.app.report.Figure.setting;
import static ballast.app.report.Figure.text;
import ballast.host.control.DeviceStats;

import ballast.host.control.HostReclaim;
import ballast.host.control.HostStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-host figures, in the order and under the names used by {@code summary.json}
 * ({@code hosts[]}), {@code hosts.csv} and {@code sweep.csv}: one list, so they can never disagree.
 * The sharing figures have Linux KSM's meanings (see {@link HostStats}), the reclamation figures
 * those of {@link HostReclaim}. A name with a dot is a member of a group: {@code thresholds.high}
 * is {@code high} inside the {@code thresholds} object of {@code summary.json}, and a column of that
 * name in the csv files. Each is declared once, with its kind, unit, title and meaning
 * ({@link Figure}): a figure added here (one {@code all.add(...)} line) reaches the HTML report,
 * drawn as its kind says, and the host figures table of {@code docs/outputs.md} (see
 * {@link ChartPlan}, {@link FigureDocs}).
 */
public final class HostFigures {


    public static final List<Figure<HostStats>> ALL;
    private static final Map<String, Figure<HostStats>> BY_NAME = new LinkedHashMap<>();

    static {
        List<Figure<HostStats>> all = new ArrayList<>();
        all.add(level("framesTotal", PAGES, "machine memory", "Machine frames of the host.", HostStats::framesTotal));
        all.add(level("framesFree", PAGES, "free", "Frames on the free list.", HostStats::framesFree));
        all.add(level("framesMapped", PAGES, "mapped", "Frames holding guest pages, private plus shared: `guestPagesBacked - pagesSharing`.", HostStats::framesMapped));
        all.add(level("framesReserved", PAGES, "reserved", "The hypervisor's own frames.", HostStats::framesReserved));
        all.add(level("framesShared", PAGES, "shared frames", "Shared (copy-on-write) frames; the same as `pagesShared`.", HostStats::framesShared));
        all.add(level("guestPages", PAGES, "guest memory configured", "Guest-physical pages the host's guests are configured with.", HostStats::guestPages));
        all.add(level("guestPagesBacked", PAGES, "guest memory backed", "Guest pages backed by a frame, private or shared.", HostStats::guestPagesBacked));
        all.add(level("pagesShared", PAGES, "shared frames in use", "Shared frames in use (KSM `pages_shared`).", HostStats::pagesShared));
        all.add(level("pagesSharing", PAGES, "saved by sharing", "Guest pages mapped to a shared frame beyond the first: frames saved (`pages_sharing`).", HostStats::pagesSharing));
        all.add(level("pagesUnshared", PAGES, "hints", "Pages the daemon holds as hints, unique so far (`pages_unshared`).", HostStats::pagesUnshared));
        all.add(level("pagesVolatile", PAGES, "volatile", "Pages whose content changed between two scans, skipped until stable (`pages_volatile`).", HostStats::pagesVolatile));
        all.add(counter("fullScans", "scans", "full scans", "Passes of the daemon over every guest's memory: the slowest guest's passes (`full_scans`).", HostStats::fullScans));
        all.add(counter("pagesScanned", PAGES, "pages scanned", "Pages the daemon has scanned.", HostStats::pagesScanned));
        all.add(level("zeroPagesShared", PAGES, "on the zero frame", "Guest pages mapped to the one shared zero frame.", HostStats::zeroPagesShared));
        all.add(counter("staleHints", PAGES, "stale hints", "Proposed pages whose mapping or content had changed by merge time (dropped).", HostStats::staleHints));
        all.add(counter("falseMatches", PAGES, "false matches", "Proposed pages whose hash matched but whose content did not (rejected).", HostStats::falseMatches));
        all.add(counter("mergeCount", PAGES, "merges", "Guest pages merged into a shared frame (each freed a frame).", HostStats::mergeCount));
        all.add(text("state", "free-memory state", "The free-memory state: `high`, `soft`, `hard` or `low` (`high` on a host that does not reclaim).", s -> s.reclaim().state()));
        all.add(text("policy", "allocation policy", "The allocation policy in force (`off` on a host that does not reclaim).", s -> s.reclaim().policy()));
        all.add(setting(ratio("tau", "fraction", "idle memory tax", "The idle memory tax rate in force (the configured or default rate even on a host that does not reclaim).", s -> s.reclaim().tau())));
        all.add(level("availablePages", PAGES, "available to guests", "Machine pages the policy shares out among the guests (0 on a host that does not reclaim).", s -> s.reclaim().availablePages()));
        all.add(level("balloonedPages", PAGES, "in balloons", "Guest pages in balloons.", s -> s.reclaim().balloonedPages()));
        all.add(level("hostSwappedPages", PAGES, "in host swap", "Guest pages in the host's swap.", s -> s.reclaim().hostSwappedPages()));
        all.add(level("swapPages", PAGES, "swap capacity", "The host swap's capacity.", s -> s.reclaim().swapPages()));
        all.add(counter("swapOuts", PAGES, "swap-outs", "Pages swapped out so far.", s -> s.reclaim().swapOuts()));
        all.add(counter("swapIns", PAGES, "swap-ins", "Pages swapped back in so far.", s -> s.reclaim().swapIns()));
        all.add(counter("doublePagings", PAGES, "double pagings", "Pages a guest paged out to its own disk that the host had already swapped (each forced a swap-in first), all guests.", s -> s.reclaim().doublePagings()));
        all.add(counter("sharedBeforeSwap", PAGES, "shared instead of swapped", "Victim pages merged into an existing shared frame instead of being swapped (ESX shares before it swaps).", s -> s.reclaim().sharedBeforeSwap()));
        all.add(counter("pagesReported", PAGES, "pages reported free", "Pages in its guests' free page reports (guests on it now): frames given back without a balloon target.", HostStats::pagesReported));
        all.add(counter("rebalances", "rebalances", "rebalances", "Rebalances so far.", s -> s.reclaim().rebalances()));
        all.add(setting(text("compressionFlavour", "compression flavour", "The compression tier: `esx` (a cache per guest), `zswap` (one pool per host) or `off`.", s -> s.compression().flavour())));
        all.add(level("compressedPages", PAGES, "compressed", "Guest pages in the compression cache.", s -> s.compression().compressedPages()));
        all.add(level("compressedBytes", "bytes", "compressed bytes", "Their compressed bytes.", s -> s.compression().compressedBytes()));
        all.add(level("compressionCacheBytes", "bytes", "compression cache", "Bytes of the machine frames the compression cache holds (its compressed bytes in whole pages, per guest for `esx`).", s -> s.compression().compressionCacheBytes()));
        all.add(ratio("compressionRatio", "ratio", "compression ratio", "Uncompressed over compressed bytes of the pages in the cache now (0 when it is empty).", s -> s.compression().compressionRatio()));
        all.add(counter("compressions", PAGES, "compressions", "Victim pages compressed instead of swapped.", s -> s.compression().compressions()));
        all.add(counter("decompressions", PAGES, "decompressions", "Compressed pages brought back on a touch.", s -> s.compression().decompressions()));
        all.add(counter("compressionWriteBacks", PAGES, "compressed pages written back", "Compressed pages written back to swap to make room, the oldest first.", s -> s.compression().writeBacks()));
        all.add(counter("compressionsTooLarge", PAGES, "victims too large to compress", "Victim pages whose compressed size was over the threshold: they went to swap.", s -> s.compression().tooLarge()));
        all.add(counter("reclaimSteps.shared", PAGES, "reclaimed by sharing", "The reclaim order's share step: victims that joined a shared frame.", s -> s.compression().sharedBeforeSwap()));
        all.add(level("reclaimSteps.ballooned", PAGES, "reclaimed by ballooning", "The balloon step: guest pages in balloons now.", s -> s.compression().balloonedPages()));
        all.add(counter("reclaimSteps.compressed", PAGES, "reclaimed by compression", "The compress step: victims compressed.", s -> s.compression().compressedVictims()));
        all.add(counter("reclaimSteps.swapped", PAGES, "reclaimed by swapping", "The swap step: victims swapped out plus compressed pages written back.", s -> s.compression().swappedVictims()));
        all.add(counter("secondsInState.high", "s", "high", "Simulated seconds spent in the high free-memory state so far.", s -> millis(s.reclaim().secondsHigh())));
        all.add(counter("secondsInState.soft", "s", "soft", "Simulated seconds spent in the soft free-memory state so far.", s -> millis(s.reclaim().secondsSoft())));
        all.add(counter("secondsInState.hard", "s", "hard", "Simulated seconds spent in the hard free-memory state so far.", s -> millis(s.reclaim().secondsHard())));
        all.add(counter("secondsInState.low", "s", "low", "Simulated seconds spent in the low free-memory state so far.", s -> millis(s.reclaim().secondsLow())));
        all.add(setting(level("thresholds.high", PAGES, "high threshold", "The high free-memory threshold, in frames (computed from the configured or default shares even on a host that does not reclaim, where it plays no role).", s -> s.reclaim().highThresholdPages())));
        all.add(setting(level("thresholds.soft", PAGES, "soft threshold", "The soft free-memory threshold, in frames.", s -> s.reclaim().softThresholdPages())));
        all.add(setting(level("thresholds.hard", PAGES, "hard threshold", "The hard free-memory threshold, in frames.", s -> s.reclaim().hardThresholdPages())));
        all.add(setting(level("thresholds.low", PAGES, "low threshold", "The low free-memory threshold, in frames.", s -> s.reclaim().lowThresholdPages())));
        all.add(level("offloadSavedPages", PAGES, "saved by offload", "Pages the proactive offload sent out that are still out: frames it holds free (0 on a host that does not offload).", s -> s.offload().savedPages()));
        all.add(ratio("offloadPressure", "fraction", "memory pressure", "The host's memory pressure, the offload controller's input: its guests' time waiting for memory, PSI some avg10-like (0 on a host that does not offload).", s -> GuestFigures.round(s.offload().pressure(), 6)));
        all.add(counter("offloadBackoffs", "periods", "offload back-offs", "Control periods in which the offload controller offloaded nothing because the pressure was at or above its target.", s -> s.offload().backoffs()));
        all.add(setting(level("cores", "cores", "cores", "The host's cores (the time model).", s -> (long) s.time().cores())));
        all.add(counter("cpuBusySeconds", "core s", "CPU busy", "Core seconds its cores spent on the vCPUs' and the hypervisor's work so far.", s -> GuestFigures.round(s.time().cpuBusySeconds(), 6)));
        all.add(counter("hypervisorCpuSeconds", "core s", "hypervisor CPU", "Core seconds spent on the hypervisor's own work (page hashing, merges, swap handling, migration copies).", s -> GuestFigures.round(s.time().hypervisorCpuSeconds(), 6)));
        all.add(level("largePages", "2 MiB pages", "large pages", "Large pages standing now, all guests.", s -> s.largePages().largePages()));
        all.add(counter("largePagesBacked", "2 MiB pages", "large pages backed", "Large pages backed so far, all guests.", s -> s.largePages().largePagesBacked()));
        all.add(counter("largePagesBroken", "2 MiB pages", "large pages broken", "Large pages broken so far, all guests.", s -> s.largePages().largePagesBroken()));
        all.add(level("tlbReachPages", PAGES, "TLB reach", "Memory the guests' TLBs cover now, summed.", s -> s.largePages().tlbReachPages()));
        all.add(counter("largePageShareRefusals", PAGES, "merges refused for large pages", "Merges refused because the page was a piece of a standing large page (ESX flavour, above the break-at state).", s -> s.largePages().shareRefusals()));
        for (String role : List.of("swap", "disk")) {
            String p = role + "Device.";
            all.add(counter(p + "requests", "requests", role + " device requests", "Requests the " + role + " device served (a write request is a cluster of up to 256 pages; the same device's figures twice when swap and disk share it).", s -> device(s, role).requests()));
            all.add(counter(p + "busySeconds", "s", role + " device busy", "Simulated seconds the " + role + " device was serving.", s -> GuestFigures.round(device(s, role).busySeconds(), 6)));
            all.add(level(p + "meanWaitMs", "ms", role + " device mean wait", "Mean wait of a request at the " + role + " device so far, writes included (from its arrival to its completion).", s -> GuestFigures.round(device(s, role).meanWaitMs(), 3)));
            all.add(level(p + "p99WaitMs", "ms", role + " device p99 wait", "99th percentile of those waits so far.", s -> GuestFigures.round(device(s, role).p99WaitMs(), 3)));
        }
        all.add(level("pluggedBytes", "bytes", "memory plugged", "Memory of its guests' hotplug devices plugged now, summed (guests on it now).", s -> s.hotplug().pluggedPages() * ballast.abi.Ops.PAGE_BYTES));
        all.add(level("requestedBytes", "bytes", "memory requested", "The sizes it requests of its guests' hotplug devices now, summed.", s -> s.hotplug().requestedPages() * ballast.abi.Ops.PAGE_BYTES));
        all.add(counter("blocksPlugged", "blocks", "blocks plugged", "Hotplug blocks its guests plugged so far, all guests on it now.", s -> s.hotplug().blocksPlugged()));
        all.add(counter("blocksUnplugged", "blocks", "blocks unplugged", "Hotplug blocks its guests unplugged so far, all guests on it now.", s -> s.hotplug().blocksUnplugged()));
        ALL = List.copyOf(all);
        ALL.forEach(f -> BY_NAME.put(f.name(), f));
    }

    /** Figures that are words, not numbers (text columns of hosts.csv). */
    public static final Set<String> TEXT = textNames();

    private static final DeviceStats NO_DEVICE = new DeviceStats("none", "none", 0, 0, 0, 0, 0);

    /** The host's device in {@code role} (swap or disk): the one device when they share it. */
    static DeviceStats device(HostStats s, String role) {
        for (DeviceStats d : s.time().devices()) {
            if (d.role().equals(role) || d.role().equals("swap+disk")) {
                return d;
            }
        }
        return NO_DEVICE;
    }

    private HostFigures() {
    }

    private static Set<String> textNames() {
        Set<String> names = new java.util.LinkedHashSet<>();
        ALL.stream().filter(f -> f.kind() == Figure.Kind.TEXT).forEach(f -> names.add(f.name()));
        return Set.copyOf(names);
    }

    /** The figure of that name (a column of hosts.csv), or null when none is declared. */
    public static Figure<HostStats> named(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Whether a host's {@code policy} figure says it reclaims: any policy but {@code off} (the
     * policy {@code none} keeps the current allocation on a host that does reclaim).
     */
    public static boolean reclaims(String policy) {
        return policy != null && !policy.equals("off");
    }

    /** Seconds to the millisecond, so that sums of tick lengths print as 12.3, not 12.299999999999999. */
    private static double millis(double seconds) {
        return Math.round(seconds * 1000.0) / 1000.0;
    }

    /** Guest memory mapped to shared frames, in percent of the guests' configured memory (ESX's "shared"). */
    public static double sharedPercent(HostStats s) {
        return s.guestPages() == 0 ? 0 : 100.0 * (s.pagesShared() + s.pagesSharing()) / s.guestPages();
    }

    /** Frames saved by sharing, in percent of the guests' configured memory (ESX's "reclaimed"). */
    public static double reclaimedPercent(HostStats s) {
        return s.guestPages() == 0 ? 0 : 100.0 * s.pagesSharing() / s.guestPages();
    }
}
