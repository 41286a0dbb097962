package ballast.host;

import ballast.host.control.DeviceStats;
import ballast.host.control.GuestOffload;
import ballast.host.control.HostOffload;
import ballast.host.offload.ColdPageOffload;
import ballast.host.control.GuestTimeStats;
import ballast.host.control.HostTimeStats;
import ballast.host.device.DeviceQueue;
import ballast.host.time.HostTime;
import ballast.host.time.TickBudget;
import ballast.host.time.TimeSettings;
import java.util.ArrayList;
import java.util.List;
import ballast.host.reclaim.Reclamation;
import ballast.host.sharing.SharingMerges;
import ballast.host.translation.GuestMemory;
import ballast.host.sharing.SharedFrames;
import ballast.abi.GuestCounters;
import ballast.host.control.GuestReclaim;
import ballast.host.control.GuestStats;
import ballast.host.control.HostReclaim;
import ballast.host.control.HostStats;
import ballast.host.control.LargePageStats;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.reclaim.FreeMemoryStates;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingCounters;

/**
 * The host's and its guests' figures as the statistics messages carry them: read from the frame
 * pool, the shared frames, host swap, the reclaimer, the sharing merges and every guest's
 * counters, never written. Owns nothing but the references; owned by one {@link HypervisorCore},
 * called on its actor's thread.
 */
final class HostFigures {
    private final FramePool frames;
    private final SharedFrames shared;
    private final HostSwap swap;
    private final Reclamation reclamation;
    private final SharingMerges merges;
    private final HostTime time;
    private final ColdPageOffload offload;
    /** The compression tier, or null when the host has none. */
    private ballast.host.compression.CompressionCache compression;

    HostFigures(FramePool frames, SharedFrames shared, HostSwap swap, Reclamation reclamation, SharingMerges merges,
                HostTime time, ColdPageOffload offload) {
        this.time = time;
        this.offload = offload;
        this.frames = frames;
        this.shared = shared;
        this.swap = swap;
        this.reclamation = reclamation;
        this.merges = merges;
    }

    void useCompression(ballast.host.compression.CompressionCache cache) {
        this.compression = cache;
    }

    /** The compression tier's figures and the reclaim order's use of each step. */
    ballast.host.compression.HostCompression hostCompression(GuestMemory[] guests) {
        long ballooned = 0;
        long sharedBeforeSwap = 0;
        long swapOuts = 0;
        for (GuestMemory g : guests) {
            ballooned += g.pmap().balloonedPages();
            sharedBeforeSwap += g.paging().sharedBeforeSwap();
            swapOuts += g.paging().hostSwapOuts();
        }
        ballast.host.compression.CompressionCache c = compression;
        if (c == null) { // the steps of the reclaim order without the compress step
            return new ballast.host.compression.HostCompression("off", 0, 0, 0, 0, 0, 0, 0, 0, sharedBeforeSwap,
                    ballooned, 0, swapOuts);
        }
        return new ballast.host.compression.HostCompression(c.settings().flavour().label(), c.totalPages(),
                c.totalBytes(), c.cacheBytes(), ballast.host.compression.HostCompression.ratio(c.totalPages(), c.totalBytes()),
                c.totalCompressions(), c.totalDecompressions(), c.totalWriteBacks(), c.totalTooLarge(), sharedBeforeSwap,
                ballooned, c.totalCompressions(), swapOuts + c.totalWriteBacks());
    }

    /** The host's figures, with the page-sharing daemon's own counters. */
    HostStats hostStats(GuestMemory[] guests, SharingCounters daemon) {
        SharingCounters d = daemon == null ? SharingCounters.ZERO : daemon;
        long guestPages = 0;
        long backed = 0;
        long reported = 0;
        ballast.host.control.HotplugStats hostHotplug = ballast.host.control.HotplugStats.ZERO;
        for (GuestMemory g : guests) {
            reported += g.counters().pagesReported();
            if (g.resident()) {
                hostHotplug = hostHotplug.plus(hotplug(g, GuestCounters.ZERO)); // the device's counts: the guest's own are its
            }
            if (g.resident()) {
                guestPages += g.pmap().pages(); // a guest on its way in or gone is not the host's yet / any more
            }
            backed += g.pmap().backedPages();
        }
        long sharedFrames = frames.sharedFrames();
        return new HostStats(frames.totalFrames(), frames.freeFrames(), frames.mappedFrames(),
                frames.reservedFrames(), sharedFrames, guestPages, backed, sharedFrames,
                shared.mappings() - sharedFrames, d.pagesUnshared(), d.pagesVolatile(), d.fullScans(),
                d.pagesScanned(), shared.zeroPagesShared(), merges.staleHints(), merges.falseMatches(), merges.mergeCount(), hostReclaim(guests),
                hostTime(), hostOffload(), reported, hostCompression(guests),
                hostLargePages(guests), hostHotplug);
    }

    /** The host's proactive-offload figures (zero when it does not offload). */
    HostOffload hostOffload() {
        if (!offload.enabled()) {
            return HostOffload.NONE;
        }
        return new HostOffload(offload.savedPages(), offload.hostPressure(), offload.controller().backoffs());
    }

    /** Guest {@code g}'s proactive-offload figures. */
    GuestOffload guestOffload(GuestMemory g) {
        if (!offload.enabled()) {
            return new GuestOffload(0, g.offloaded().offloadedPages(), g.offloaded().refaults(), 0);
        }
        int i = g.index();
        return new GuestOffload(offload.coldPages(i), g.offloaded().offloadedPages(), g.offloaded().refaults(),
                offload.pressure(i));
    }

    /** The host's cores and devices in the time model. */
    HostTimeStats hostTime() {
        List<DeviceStats> devices = new ArrayList<>(2);
        List<DeviceQueue> queues = time.devices();
        for (int i = 0; i < queues.size(); i++) {
            DeviceQueue q = queues.get(i);
            String role = queues.size() == 1 ? "swap+disk" : i == 0 ? "swap" : "disk";
            devices.add(new DeviceStats(q.settings().name(), role, q.requests(), q.bytes(), q.busySeconds(),
                    q.meanWaitMs(), q.p99WaitMs()));
        }
        TimeSettings s = time.settings();
        return new HostTimeStats(s.cores(), s.ghz(), time.elapsedSeconds(), time.cpuBusySeconds(),
                time.hypervisorCpuSeconds(), devices);
    }

    /** Guest {@code index}'s time: its work done and where its vCPUs' time went. */
    GuestTimeStats guestTime(int index) {
        int vcpus = time.vcpus(index);
        double[] s = new double[TickBudget.CATEGORIES];
        double total = 0;
        for (int c = 0; c < s.length; c++) {
            s[c] = time.seconds(index, c);
            total += s[c];
        }
        return new GuestTimeStats(vcpus, time.workUnits(index), time.demand(index), time.backlog(index), total / vcpus,
                s[TickBudget.RUN], s[TickBudget.OVERHEAD], s[TickBudget.IO_WAIT], s[TickBudget.HOST_SWAP_WAIT],
                s[TickBudget.STALLED], s[TickBudget.READY], s[TickBudget.IDLE]);
    }

    /** The host's reclamation figures now. */
    HostReclaim hostReclaim(GuestMemory[] guests) {
        long ballooned = 0;
        long swapped = 0;
        long swapOuts = 0;
        long swapIns = 0;
        long doublePagings = 0;
        long sharedBeforeSwap = 0;
        for (GuestMemory g : guests) {
            ballooned += g.pmap().balloonedPages();
            swapped += g.pmap().swappedPages();
            swapOuts += g.paging().hostSwapOuts();
            swapIns += g.counters().hostSwapIns();
            doublePagings += g.paging().doublePagings();
            sharedBeforeSwap += g.paging().sharedBeforeSwap();
        }
        FreeMemoryStates st = reclamation.states();
        ReclaimSettings r = reclamation.settings();
        return new HostReclaim(st.stateName(), st.seconds(FreeMemoryStates.HIGH), st.seconds(FreeMemoryStates.SOFT),
                st.seconds(FreeMemoryStates.HARD), st.seconds(FreeMemoryStates.LOW), r.enabled() ? r.policy() : "off",
                r.tau(), reclamation.availablePages(), ballooned, swapped, swap.capacity(), swapOuts, swapIns,
                doublePagings, sharedBeforeSwap, reclamation.rebalances(), st.thresholdPages(FreeMemoryStates.HIGH),
                st.thresholdPages(FreeMemoryStates.SOFT), st.thresholdPages(FreeMemoryStates.HARD),
                st.thresholdPages(FreeMemoryStates.LOW));
    }

    /** Figures of one guest, merging the guest's own counters with the hypervisor's. */
    GuestStats guestStats(GuestMemory g, GuestCounters own) {
        GuestCounters c = own == null ? GuestCounters.ZERO : own;
        CpuAccount cpu = g.cpu();
        return new GuestStats(g.spec().name(), g.spec().configuredPages(), g.pmap().backedPages(),
                c.pagesTouched(), c.accesses(), c.reads(), c.writes(), c.readsVerified(), c.readMismatches(),
                g.counters().tlbHits(), g.counters().tlbMisses(), g.counters().tlbFlushes(), g.counters().hiddenFaults(), g.counters().guestFaults(), cpu.traps(), cpu.hypercalls(),
                cpu.mmuUpdateEntries(), cpu.vmExits(), g.counters().refusedHypercalls(), cpu.overheadCycles(),
                cpu.translations(), cpu.translationCacheHits(), cpu.translationCacheEvictions(), cpu.silentFailures(),
                cpu.nativeCycles(), cpu.eventCounts(), cpu.overheadCyclesByKind(), g.pmap().sharedPages(), g.counters().cowBreaks(),
                g.counters().refusedByReason(), guestReclaim(g, c), guestTime(g.index()), c.pageFills(), guestOffload(g),
                g.counters().pagesReported(), ballast.host.compression.GuestCompression.of(compression, g.index()),
                largePages(g), hotplug(g, c));
    }

    /** Guest {@code g}'s memory hotplug device: the hypervisor's side, and the guest's own unplug counts from {@code own}. */
    static ballast.host.control.HotplugStats hotplug(GuestMemory g, GuestCounters own) {
        ballast.host.hotplug.HotplugDevice d = g.hotplug();
        if (d == null) {
            return ballast.host.control.HotplugStats.ZERO;
        }
        return new ballast.host.control.HotplugStats(d.pluggedPages(), d.requestedPages(), d.blocksPlugged(),
                d.blocksUnplugged(), own.unplugBusy(), own.pagesMigrated());
    }

    /** Guest {@code g}'s large pages: standing, backed, broken, its TLB's reach and its shorter walks. */
    static LargePageStats largePages(GuestMemory g) {
        return new LargePageStats(g.pmap().largePages(), g.pmap().largePagesBacked(), g.pmap().largePagesBroken(),
                g.tlbReachPages(), g.hostLargeWalks() + g.largeWalks(), 0);
    }

    /** The host's large pages: its resident guests' summed, with the merges refused for standing large pages. */
    LargePageStats hostLargePages(GuestMemory[] guests) {
        LargePageStats sum = new LargePageStats(0, 0, 0, 0, 0, merges.largePageRefusals());
        for (GuestMemory g : guests) {
            if (g.resident()) {
                sum = sum.plus(largePages(g));
            }
        }
        return sum;
    }

    /** Guest {@code index}'s reclamation figures, with its own paging counters from {@code own}. */
    GuestReclaim guestReclaim(GuestMemory g, GuestCounters own) {
        int index = g.index();
        GuestAllocation a = g.spec().allocation();
        return new GuestReclaim(a.minPages(), g.spec().configuredPages(), a.shares(), reclamation.target(index),
                g.pmap().balloonedPages(), reclamation.balloonTarget(index), g.counters().balloonPops(), g.pmap().swappedPages(),
                g.paging().hostSwapOuts(), g.counters().hostSwapIns(), own.guestSwappedPages(), own.guestPageOuts(), own.guestPageIns(),
                g.paging().doublePagings(), reclamation.workingSetEstimate(index), own.workingSetTruePages(), own.stalledTicks());
    }
}
