package ballast.app.report;

import static ballast.app.report.Figure.PAGES;
import static ballast.app.report.Figure.bool;
import static ballast.app.report.Figure.counter;
import static ballast.app.report.Figure.level;
import static ballast.app.report.Figure.rate;
import static ballast.app.report.Figure.ratio;
import static ballast.app.report.Figure.setting;

import ballast.abi.KernelEvent;
import ballast.host.control.GuestStats;
import ballast.host.cpu.CpuAccount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-guest figures, in the order and under the names used by both {@code summary.json}
 * ({@code guests[]}) and {@code timeseries.csv}: one list, so the two can never disagree. Each is
 * declared once, with its kind, unit, title and meaning ({@link Figure}): the report's charts and
 * the guest figures table of {@code docs/outputs.md} come from here. Adding a figure is one
 * {@code all.add(...)} line below (then {@code FigureDocsTest} rewrites the docs table with
 * {@code -Dballast.docs.update=true}). A name with a dot is a member of a group:
 * {@code eventCounts.syscall} is {@code syscall} inside the {@code eventCounts} object of
 * {@code summary.json}, and a column of that name in the csv.
 */
public final class GuestFigures {

    public static final List<Figure<GuestStats>> ALL;
    private static final Map<String, Figure<GuestStats>> BY_NAME = new LinkedHashMap<>();

    static {
        List<Figure<GuestStats>> all = new ArrayList<>();
        all.add(setting(level("configuredPages", PAGES, "configured memory", "Its configured memory (`memory`).", GuestStats::configuredPages)));
        all.add(level("allocatedPages", PAGES, "allocated memory", "Its PPNs backed by a machine frame.", GuestStats::allocatedPages));
        all.add(level("pagesTouched", PAGES, "pages touched", "Distinct pages its workload has touched.", GuestStats::pagesTouched));
        all.add(counter("accesses", "accesses", "memory accesses", "Every memory access of the workload (and the guest OS's re-issued page-table writes); the OS's own page fills are counted apart (pageFills).", GuestStats::accesses));
        all.add(counter("reads", "reads", "reads", "Reads among the accesses.", GuestStats::reads));
        all.add(counter("writes", "writes", "writes", "Writes among the accesses.", GuestStats::writes));
        all.add(counter("pageFills", "pages", "page fills", "Pages the guest OS filled itself (a first touch's zeroing or first content, a page-in's write-back, its image's load): writes that are not among the accesses.", GuestStats::pageFills));
        all.add(counter("readsVerified", "reads", "reads verified", "Reads whose content was checked against what the guest wrote.", GuestStats::readsVerified));
        all.add(counter("readMismatches", "reads", "read mismatches", "Reads in ticks whose digest disagreed with the guest's own record.", GuestStats::readMismatches));
        all.add(counter("tlbHits", "lookups", "TLB hits", "Translations found in the TLB.", GuestStats::tlbHits));
        all.add(counter("tlbMisses", "lookups", "TLB misses", "Translations that walked the page tables.", GuestStats::tlbMisses));
        all.add(counter("tlbFlushes", "flushes", "TLB flushes", "Whole-TLB flushes by process switches.", GuestStats::tlbFlushes));
        all.add(counter("hiddenFaults", "faults", "hidden faults", "Shadow misses filled by the hypervisor; EPT violations for nested guests.", GuestStats::hiddenFaults));
        all.add(counter("guestFaults", "faults", "guest page faults", "Accesses to unmapped pages.", GuestStats::guestFaults));
        all.add(counter("traps", "traps", "traps", "Trapped guest instructions: privileged instructions and page-table writes of `full` guests, page faults bounced through Xen for `para` guests (hidden faults are counted on their own).", GuestStats::traps));
        all.add(counter("hypercalls", "calls", "hypercalls", "Hypercalls made.", GuestStats::hypercalls));
        all.add(counter("mmuUpdateEntries", "entries", "mmu_update entries", "Page-table entries sent in `mmu_update` batches.", GuestStats::mmuUpdateEntries));
        all.add(counter("vmExits", "exits", "VM exits", "Every exit, including hidden faults and EPT violations.", GuestStats::vmExits));
        all.add(counter("refusedHypercalls", "calls", "refused hypercalls", "Calls the hypervisor refused whole, changing nothing; in `summary.json` an object of counts by reason (only the reasons that occurred, such as `{\"FRAME_NOT_OWNED\": 2}`), in `timeseries.csv` the total.", GuestStats::refusedHypercalls));
        all.add(level("sharedPages", PAGES, "shared memory", "Its PPNs mapped to a shared frame.", GuestStats::sharedPages));
        all.add(counter("cowBreaks", "breaks", "copy-on-write breaks", "Its writes that broke copy-on-write.", GuestStats::cowBreaks));
        all.add(setting(level("minPages", PAGES, "min", "Its `min` (0 on a host that does not reclaim).", s -> s.reclaim().minPages())));
        all.add(setting(level("maxPages", PAGES, "max", "Its `memory`: the most it may be given.", s -> s.reclaim().maxPages())));
        all.add(setting(level("shares", "shares", "shares", "Its shares (as configured, or the library default).", s -> s.reclaim().shares())));
        all.add(level("targetPages", PAGES, "allocation target", "Its allocation target at the last rebalance (its `memory` on a host that does not reclaim).", s -> s.reclaim().targetPages()));
        all.add(level("balloonPages", PAGES, "balloon", "PPNs in its balloon.", s -> s.reclaim().balloonPages()));
        all.add(level("balloonTargetPages", PAGES, "balloon target", "The balloon size the hypervisor last asked for.", s -> s.reclaim().balloonTargetPages()));
        all.add(counter("balloonPops", "pops", "balloon pops", "Times it touched a ballooned page: the balloon popped.", s -> s.reclaim().balloonPops()));
        all.add(level("hostSwappedPages", PAGES, "in host swap", "Its PPNs in host swap.", s -> s.reclaim().hostSwappedPages()));
        all.add(counter("hostSwapOuts", PAGES, "host swap-outs", "Its pages the host swapped out.", s -> s.reclaim().hostSwapOuts()));
        all.add(counter("hostSwapIns", PAGES, "host swap-ins", "Its pages the host swapped back in.", s -> s.reclaim().hostSwapIns()));
        all.add(level("guestSwappedPages", PAGES, "in guest swap", "Pages on its own virtual disk, paged out by its OS.", s -> s.reclaim().guestSwappedPages()));
        all.add(counter("guestPageOuts", PAGES, "guest page-outs", "Pages its OS paged out.", s -> s.reclaim().guestPageOuts()));
        all.add(counter("guestPageIns", PAGES, "guest page-ins", "Pages its OS paged back in.", s -> s.reclaim().guestPageIns()));
        all.add(counter("doublePagings", PAGES, "double pagings", "Pages its OS paged out that the host had already swapped.", s -> s.reclaim().doublePagings()));
        all.add(level("workingSetEstimatePages", PAGES, "working set estimate", "The hypervisor's sampled estimate of its working set.", s -> s.reclaim().workingSetEstimatePages()));
        all.add(level("workingSetTruePages", PAGES, "true working set", "The distinct pages it really touched in the last complete sampling period: the truth the estimate is compared with.", s -> s.reclaim().workingSetTruePages()));
        all.add(counter("stalledTicks", "ticks", "stalled ticks", "Ticks its accesses stalled in the low state.", s -> s.reclaim().stalledTicks()));
        all.add(level("coldPages", PAGES, "cold memory", "Its pages with a frame or in host swap lying in regions the offload monitor found cold for at least `cold-after` (0 on a host that does not offload).", s -> s.offload().coldPages()));
        all.add(counter("offloadedPages", PAGES, "offloaded", "Its pages the proactive offload sent out so far (to host swap, or merged into a shared frame instead).", s -> s.offload().offloadedPages()));
        all.add(counter("refaults", PAGES, "refaults", "Offloaded pages it touched again so far (each swapped back in).", s -> s.offload().refaults()));
        all.add(ratio("pressure", "fraction", "memory pressure", "Its memory pressure as the offload controller sees it: the share of its vCPU time waiting for memory (host swap-ins, its own page-ins, stalls), PSI avg10-like (0 on a host that does not offload).", s -> round(s.offload().pressure(), 6)));
        all.add(counter("pagesReported", PAGES, "pages reported free", "Pages in its free page reports the hypervisor took (`free-page-reporting = on`): their frames went back to the host, and a page touched again is backed afresh.", GuestStats::pagesReported));
        all.add(level("compressedPages", PAGES, "compressed", "Its PPNs in the host's compression cache (0 on a host without `compression`).", s -> s.compression().compressedPages()));
        all.add(level("compressedBytes", "bytes", "compressed bytes", "Their compressed bytes.", s -> s.compression().compressedBytes()));
        all.add(counter("compressions", PAGES, "compressions", "Its victim pages the host compressed instead of swapping (the reclaim order's compress step).", s -> s.compression().compressions()));
        all.add(counter("decompressions", PAGES, "decompressions", "Its compressed pages brought back because it touched them (no swap device wait).", s -> s.compression().decompressions()));
        all.add(counter("compressionWriteBacks", PAGES, "compressed pages written back", "Its compressed pages written back to host swap to make room in the cache, the oldest first.", s -> s.compression().writeBacks()));
        all.add(counter("translations", "blocks", "blocks translated", "Sensitive blocks translated: translation-cache misses.", GuestStats::translations));
        all.add(counter("translationCacheHits", "blocks", "translation cache hits", "Sensitive blocks found already translated.", GuestStats::translationCacheHits));
        all.add(counter("translationCacheEvictions", "blocks", "translation cache evictions", "Translations evicted from the translation cache.", GuestStats::translationCacheEvictions));
        all.add(counter("silentFailures", "runs", "silent failures", "Runs of sensitive blocks without binary translation.", GuestStats::silentFailures));
        all.add(bool("correct", "correct", "No silent failure and no read mismatch so far.", GuestStats::correct));
        all.add(counter("nativeCycles", "cycles", "native cycles", "The same activity on bare metal, including the profile's `work-cycles`.", GuestStats::nativeCycles));
        all.add(counter("overheadCycles", "cycles", "overhead cycles", "What virtualization adds.", GuestStats::overheadCycles));
        all.add(ratio("overheadPercent", "%", "overhead", "`100 x overheadCycles / nativeCycles` so far, to two decimals; 0 without native cycles.", s -> Math.round(s.overheadPercent() * 100.0) / 100.0));
        all.add(setting(level("vcpus", "vCPUs", "virtual CPUs", "Its virtual CPUs (the time model).", s -> (long) s.time().vcpus())));
        all.add(counter("workUnits", "accesses", "work done", "Workload accesses completed (the time model: what its workload got done).", s -> s.time().workUnits()));
        all.add(rate("throughput", "accesses/s", "throughput", "Work units per simulated second of its time on its hosts, since its start.", s -> round(s.time().throughput(), 1)));
        all.add(rate("demandThroughput", "accesses/s", "throughput asked for", "What its workload asked for, per simulated second (its native speed), since its start.", s -> round(s.time().demandThroughput(), 1)));
        all.add(ratio("slowdown", "x", "slowdown", "Demand over work done (at least one unit assumed done): 1 when it got all it asked for.", s -> round(s.time().slowdown(), 4)));
        all.add(level("backlog", "accesses", "backlog", "Accesses generated and not completed yet.", s -> s.time().backlog()));
        all.add(counter("runSeconds", "vCPU s", "run time", "vCPU seconds of its own work (accesses, walks, its kernel's native work).", s -> round(s.time().runSeconds(), 6)));
        all.add(counter("overheadSeconds", "vCPU s", "virtualization overhead time", "vCPU seconds virtualization added (traps, exits, hidden faults, hypercalls).", s -> round(s.time().overheadSeconds(), 6)));
        all.add(counter("ioWaitSeconds", "vCPU s", "I/O wait", "vCPU seconds blocked on its own virtual disk (its page-ins).", s -> round(s.time().ioWaitSeconds(), 6)));
        all.add(counter("hostSwapWaitSeconds", "vCPU s", "host swap wait", "vCPU seconds blocked on host swap-ins.", s -> round(s.time().hostSwapWaitSeconds(), 6)));
        all.add(counter("stalledSeconds", "vCPU s", "stalled time", "vCPU seconds stalled by the host (the low free-memory state).", s -> round(s.time().stalledSeconds(), 6)));
        all.add(counter("readySeconds", "vCPU s", "ready time", "vCPU seconds ready to run, waiting for a host core.", s -> round(s.time().readySeconds(), 6)));
        all.add(counter("idleSeconds", "vCPU s", "idle time", "vCPU seconds with nothing to do.", s -> round(s.time().idleSeconds(), 6)));
        all.add(level("largePages", "2 MiB pages", "large pages", "Its 2 MiB large pages standing now: aligned 2 MiB guest-physical runs backed by one aligned run of 512 machine frames (`large-pages = on`, nested guests with nested paging).", s -> s.largePages().largePages()));
        all.add(counter("largePagesBacked", "2 MiB pages", "large pages backed", "Large pages backed so far (a first touch of a wholly unbacked 2 MiB run when the host had a wholly free aligned run).", s -> s.largePages().largePagesBacked()));
        all.add(counter("largePagesBroken", "2 MiB pages", "large pages broken", "Large pages broken so far (one of their 4 KiB pieces merged, swapped out, ballooned or given back; the pieces stay mapped as 4 KiB pages).", s -> s.largePages().largePagesBroken()));
        all.add(level("tlbReachPages", PAGES, "TLB reach", "Memory its TLB's valid entries cover now: 4 KiB per 4 KiB entry, 2 MiB per large entry.", s -> s.largePages().tlbReachPages()));
        all.add(counter("largePageWalks", "walks", "walks on large pages", "TLB misses whose nested walk ended on a host large page: 19 memory references instead of 24, or 15 when a large TLB entry was filled.", s -> s.largePages().largeWalks()));
        for (KernelEvent kind : KernelEvent.ALL) {
            all.add(counter("eventCounts." + kind.figureName(), "events", words(kind.figureName()) + " events",
                    "Kernel events of kind `" + kind.figureName() + "` (identical in every mode for the same activity).",
                    s -> s.eventCounts()[kind.ordinal()]));
        }
        for (int i = 0; i < CpuAccount.OVERHEAD_KINDS.size(); i++) {
            int index = i;
            String kind = CpuAccount.OVERHEAD_KINDS.get(i);
            all.add(counter("overheadCyclesByEvent." + kind, "cycles", "overhead cycles: " + words(kind),
                    "Overhead cycles spent on `" + kind + "`; the kinds add up to `overheadCycles`.",
                    s -> s.overheadCyclesByEvent()[index]));
        }
        all.add(level("pluggedBytes", "bytes", "memory plugged", "Memory of its hotplug device plugged now (`hotplug.enabled = on`; the hypervisor's count: a block whose unplug is on its way still counts); 0 without a device.", s -> s.hotplug().pluggedPages() * ballast.abi.Ops.PAGE_BYTES));
        all.add(level("requestedBytes", "bytes", "memory requested", "The size the hypervisor requests of its hotplug device now (a `resize` event sets it); 0 without a device.", s -> s.hotplug().requestedPages() * ballast.abi.Ops.PAGE_BYTES));
        all.add(counter("blocksPlugged", "blocks", "blocks plugged", "Hotplug blocks plugged so far (requests the hypervisor took).", s -> s.hotplug().blocksPlugged()));
        all.add(counter("blocksUnplugged", "blocks", "blocks unplugged", "Hotplug blocks unplugged so far: their frames, swap slots and shares went back to the host.", s -> s.hotplug().blocksUnplugged()));
        all.add(counter("unplugBusy", "attempts", "unplugs busy", "Unplug attempts that failed: a block given up for lack of free pages to move its pages to, or held by the balloon (as Linux's offlining can fail).", s -> s.hotplug().unplugBusy()));
        all.add(counter("pagesMigrated", PAGES, "pages migrated", "Pages it moved out of the hotplug blocks it emptied to unplug them (each read, remapped and written: costed as a page fill).", s -> s.hotplug().pagesMigrated()));
        ALL = List.copyOf(all);
        ALL.forEach(f -> BY_NAME.put(f.name(), f));
    }

    private GuestFigures() {
    }

    /** An event kind's name in words: {@code ptWrite} is "page-table write". */
    static String words(String kind) {
        return switch (kind) {
            case "syscall" -> "system call";
            case "ptWrite" -> "page-table write";
            case "tlbFlush" -> "TLB flush";
            case "tlbMiss" -> "TLB miss";
            case "ioAccess" -> "I/O access";
            case "interruptMask" -> "interrupt masking";
            default -> kind.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The figure of that name (a column of timeseries.csv), or null when none is declared. */
    public static Figure<GuestStats> named(String name) {
        return BY_NAME.get(name);
    }

    /** {@code x} rounded to {@code digits} decimals (so that the outputs do not show floating-point noise). */
    static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
