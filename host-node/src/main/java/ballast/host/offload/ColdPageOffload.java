package ballast.host.offload;

import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.memory.Pmap;
import ballast.host.time.HostTime;
import ballast.host.time.TickBudget;
import ballast.host.translation.GuestMemory;
import ballast.host.translation.GuestPaging;
import java.util.ArrayList;
import java.util.List;

/**
 * Proactive cold-page offload, a host policy beside ESX's free-memory states (both may be on): the
 * host finds its guests' cold pages by sampling access bits ({@link DamonRegions}, one per guest)
 * and, while the memory pressure of its guests stays below a target ({@link PressureGauge},
 * {@link StepController}), sends them out through the hypervisor's own page-out path, the one host
 * paging uses for a victim ({@link PageOut}: {@code Reclamation.pageOut}, then
 * {@link GuestPaging#swapOutPage}), so that whatever stands in front of host swap there takes them
 * too. Run once per tick after the tick's time is accounted ({@link #endTick}):
 *
 * <ol>
 *   <li>the pressure: every guest's and the host's sample of the tick into their avg10 gauges;</li>
 *   <li>a sample of every booted, resident guest that is not para-virtual (host paging never takes a
 *       para-virtual guest's pages: its tables hold machine frames): last tick's probes counted,
 *       new ones armed and their mappings dropped ({@link GuestPaging#invalidateForProbes});</li>
 *   <li>every {@code interval}: the controller's step at the host's pressure; each guest whose own
 *       pressure is below the target gives up to {@code step x its configured pages} pages on a
 *       private frame from its cold regions, the oldest first. Nothing when the host's pressure is
 *       at or above the target (a back-off).</li>
 * </ol>
 *
 * <p>A page sent out and touched again is a refault: swapped back in on the fault, as any host
 * swap-in ({@link OffloadedPages}). Cost per tick: O(regions) per guest (at most
 * {@code max-regions}), plus the pages offloaded and the cold regions scanned for them each period.
 * Owned by one hypervisor core, not thread-safe; every random choice is seeded from the host's seed.
 */
public final class ColdPageOffload {
    /** Sends one victim page of a guest out the way host paging does; returns a {@link GuestPaging} outcome. */
    @FunctionalInterface
    public interface PageOut {
        int pageOut(int guest, int ppn);
    }

    private final OffloadSettings settings;
    private final HostTime time;
    private final PageOut pageOut;
    private final long seed;
    private final String hostName;
    private final StepController controller;
    private final PressureGauge hostGauge;
    private GuestMemory[] guests;
    private DamonRegions[] regions;
    private PressureGauge[] gauges;
    private double[] stallSeen;
    private double[] idleSeen;
    private int[] armed = new int[0];
    private int[] order = new int[0];
    private long ticks;

    public ColdPageOffload(OffloadSettings settings, GuestMemory[] guests, HostTime time, PageOut pageOut, long seed,
                           String hostName) {
        this.settings = settings;
        this.time = time;
        this.pageOut = pageOut;
        this.seed = seed;
        this.hostName = hostName;
        this.controller = new StepController(settings.targetPressure(), settings.maxStep());
        this.hostGauge = new PressureGauge(settings.tickSeconds());
        this.guests = new GuestMemory[0];
        this.regions = new DamonRegions[0];
        this.gauges = new PressureGauge[0];
        this.stallSeen = new double[0];
        this.idleSeen = new double[0];
        admitted(guests);
    }

    public OffloadSettings settings() {
        return settings;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** The host's guests are now {@code all} (a guest arrived by live migration under the next index). */
    public void admitted(GuestMemory[] all) {
        int n = all.length;
        int before = guests.length;
        guests = all;
        regions = java.util.Arrays.copyOf(regions, n);
        gauges = java.util.Arrays.copyOf(gauges, n);
        stallSeen = java.util.Arrays.copyOf(stallSeen, n);
        idleSeen = java.util.Arrays.copyOf(idleSeen, n);
        for (int i = before; i < n; i++) {
            gauges[i] = new PressureGauge(settings.tickSeconds());
            if (i < time.guests()) {
                stallSeen[i] = stall(i);
                idleSeen[i] = time.seconds(i, TickBudget.IDLE);
            }
        }
    }

    /** Guest {@code i} is gone (released): its monitor starts afresh when it boots again. */
    public void guestGone(int i) {
        if (regions[i] != null) {
            regions[i].disarm(guests[i].probes());
            regions[i] = null;
        }
        gauges[i].reset();
    }

    // ---------------------------------------------------------------- the tick

    /** Runs the policy after a tick's time was accounted (see the class comment); nothing when it is off. */
    public void endTick() {
        if (!settings.enabled()) {
            return;
        }
        ticks++;
        measure();
        for (int i = 0; i < guests.length; i++) {
            GuestMemory g = guests[i];
            if (!monitored(g)) {
                continue;
            }
            DamonRegions r = regions[i];
            if (r == null) {
                r = new DamonRegions(g.pmap().pages(), settings.minRegions(), settings.maxRegions(),
                        settings.aggregationTicks(), Tokens.derive(seed, hostName + "/" + g.spec().name() + "/damon"));
                regions[i] = r;
            }
            if (armed.length < r.capacity()) {
                armed = new int[r.capacity()];
            }
            int n = r.sample(g.probes(), armed);
            g.paging().invalidateForProbes(armed, n);
        }
        if (ticks % settings.intervalTicks() == 0) {
            control();
        }
    }

    /** Whether guest {@code g}'s accesses are monitored: booted, running here, not para-virtual. */
    private static boolean monitored(GuestMemory g) {
        return g.booted() && g.resident() && g.mode() != TranslationMode.PARA;
    }

    /** Seconds guest {@code i}'s vCPUs waited for memory so far: host swap-ins, its own page-ins, stalls. */
    private double stall(int i) {
        return time.seconds(i, TickBudget.IO_WAIT) + time.seconds(i, TickBudget.HOST_SWAP_WAIT)
                + time.seconds(i, TickBudget.STALLED);
    }

    /** The tick's pressure samples into the gauges (see {@link PressureGauge}). */
    private void measure() {
        double t = settings.tickSeconds();
        double weighted = 0;
        double nonIdleAll = 0;
        for (int i = 0; i < guests.length && i < time.guests(); i++) {
            double s = stall(i);
            double idle = time.seconds(i, TickBudget.IDLE);
            double stalled = Math.max(0, s - stallSeen[i]);
            double idleTick = Math.max(0, idle - idleSeen[i]);
            stallSeen[i] = s;
            idleSeen[i] = idle;
            if (!guests[i].booted() || !guests[i].resident()) {
                continue;
            }
            int v = Math.max(1, time.vcpus(i));
            double perVcpu = stalled / v;
            double nonIdle = Math.max(0, v * t - idleTick);
            gauges[i].add(perVcpu / t);
            weighted += perVcpu * nonIdle;
            nonIdleAll += nonIdle;
        }
        hostGauge.add(nonIdleAll > 0 ? weighted / nonIdleAll / t : 0);
    }

    /** The controller's period: a step at the host's pressure, shared out over the guests' cold pages. */
    private void control() {
        double step = controller.step(hostGauge.average());
        if (step == 0) {
            return;
        }
        for (int i = 0; i < guests.length; i++) {
            GuestMemory g = guests[i];
            if (!monitored(g) || regions[i] == null || !controller.below(gauges[i].average())) {
                continue;
            }
            long budget = Math.max(1, Math.round(step * g.spec().configuredPages()));
            if (offload(i, budget) < 0) {
                return; // the page-out path is full
            }
        }
    }

    /**
     * Sends up to {@code budget} of guest {@code i}'s pages on private frames in its cold regions out,
     * the oldest region first; returns how many, or -1 when the page-out path took none because it is full.
     */
    long offload(int i, long budget) {
        GuestMemory g = guests[i];
        DamonRegions r = regions[i];
        if (order.length < r.count()) {
            order = new int[r.capacity()];
        }
        int cold = r.coldestFirst(settings.coldAfterAggregations(), order);
        Pmap pmap = g.pmap();
        long done = 0;
        for (int k = 0; k < cold && done < budget; k++) {
            int region = order[k];
            for (int ppn = r.start(region); ppn < r.end(region) && done < budget; ppn++) {
                if (pmap.state(ppn) != Pmap.BACKED) {
                    continue;
                }
                int outcome = pageOut.pageOut(i, ppn);
                if (outcome == GuestPaging.SWAPPED_OUT) {
                    g.offloaded().offloaded(ppn);
                    done++;
                } else if (outcome == GuestPaging.SHARED_INSTEAD) {
                    g.offloaded().offloadedShared();
                    done++;
                } else {
                    return done > 0 ? done : -1;
                }
            }
        }
        return done;
    }

    // ---------------------------------------------------------------- figures and checks

    /** Guest {@code i}'s pages with a frame or in host swap that lie in its cold regions now. */
    public long coldPages(int i) {
        DamonRegions r = i < regions.length ? regions[i] : null;
        if (r == null) {
            return 0;
        }
        Pmap pmap = guests[i].pmap();
        int after = settings.coldAfterAggregations();
        long n = 0;
        for (int k = 0; k < r.count(); k++) {
            if (!r.cold(k, after)) {
                continue;
            }
            for (int ppn = r.start(k); ppn < r.end(k); ppn++) {
                byte s = pmap.state(ppn);
                if (s == Pmap.BACKED || s == Pmap.SHARED || s == Pmap.SWAPPED) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Guest {@code i}'s memory pressure (avg10). */
    public double pressure(int i) {
        return i < gauges.length ? gauges[i].average() : 0;
    }

    /** The host's memory pressure (avg10), the controller's input. */
    public double hostPressure() {
        return hostGauge.average();
    }

    /** Offloaded pages still out, all guests: the frames the policy holds free. */
    public long savedPages() {
        long n = 0;
        for (GuestMemory g : guests) {
            n += g.offloaded().out();
        }
        return n;
    }

    public StepController controller() {
        return controller;
    }

    /** Guest {@code i}'s monitor, or null before its first sample. */
    public DamonRegions regions(int i) {
        return regions[i];
    }

    /** Every page counted out is in host swap (else a violation, named). */
    public List<String> check() {
        List<String> found = new ArrayList<>(0);
        for (GuestMemory g : guests) {
            OffloadedPages out = g.offloaded();
            if (out.out() == 0) {
                continue;
            }
            int counted = 0;
            for (int ppn = 0; ppn < g.pmap().pages(); ppn++) {
                if (out.isOut(ppn)) {
                    counted++;
                    if (g.pmap().state(ppn) != Pmap.SWAPPED) {
                        found.add(hostName + ": " + g.spec().name() + " PPN " + ppn
                                + " is counted as offloaded but is not in host swap");
                        break;
                    }
                }
            }
            if (counted != out.out()) {
                found.add(hostName + ": " + g.spec().name() + " counts " + out.out() + " offloaded pages, holds " + counted);
            }
        }
        return found;
    }
}
