package ballast.host.reclaim;

import ballast.host.GuestAllocation;
import ballast.host.HostSettings;
import ballast.host.HypervisorCore;
import ballast.host.translation.GuestPaging;
import ballast.host.translation.GuestMemory;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import ballast.abi.Tokens;
import java.util.SplittableRandom;

/**
 * The hypervisor's side of memory reclamation and allocation (ESX, Waldspurger OSDI 2002), run
 * once after each tick's work is applied ({@link #endTick}):
 *
 * <ol>
 *   <li>time advances by one tick;</li>
 *   <li>working-set sampling: each booted guest's period ends every {@code samplePeriodSeconds}
 *       (its sampled-and-touched count goes into its {@link ballast.host.reclaim.WorkingSetEstimator})
 *       and a new one starts with {@code samplesPerPeriod} random PPNs whose mappings are
 *       invalidated, so that the next touch of each misses and is recorded;</li>
 *   <li>the free-memory state follows the host's free frames ({@link FreeMemoryStates});</li>
 *   <li>a rebalance, every {@code balancePeriodSeconds}, on every change of state, and when a guest
 *       boots or goes: the allocation policy turns each guest's min, max (its configured pages),
 *       shares, estimated active fraction and current allocation (its backed pages) into a target;
 *       the pages it shares out are the host's frames less the hypervisor's reserved frames,
 *       {@code overheadPages} per running guest, and the free pages the high state needs (its
 *       threshold plus the hysteresis), so that guests at their targets leave the host in the
 *       high state. Each guest's balloon target is then {@code configured - target}, capped at its
 *       balloon cap; in the high state a balloon is never asked to grow (its target is at most
 *       what it holds);</li>
 *   <li>hypervisor paging, at most {@code swapOutPagesPerSecond} pages per simulated second (unused
 *       budget is not saved): in the soft state only from guests above target whose balloon cannot
 *       make progress (at its cap, or not grown for {@link #BALLOON_PATIENCE_SECONDS} while below
 *       its target); in the hard and low states from every guest above target, the largest
 *       overage first; never from para-virtual guests (their page tables hold machine frames; Xen
 *       does not page PV guests either). Victims are random PPNs on private frames (a random PPN,
 *       or the next private one after it), shared before swapped when the host shares pages;</li>
 *   <li>in the low state every guest above its target stalls in the next tick.</li>
 * </ol>
 *
 * <p>The decisions travel to the guests with the next {@code TickStart}
 * ({@link #balloonTarget}, {@link #stall}). With reclamation disabled only time and the
 * free-memory state are kept (for the figures): no sampling, no targets, no paging, no stalls.
 *
 * <p>Cost per tick: O(guests), plus the sampled PPNs of the guests whose period ends, plus the
 * paging; a rebalance adds the policy's O(guests log guests). Owned by one {@link HypervisorCore},
 * not thread-safe; every random choice is seeded from the host's seed.
 */
public final class Reclamation {
    /** How long a balloon below its target may go without growing before the soft state pages its guest. */
    public static final double BALLOON_PATIENCE_SECONDS = 2.0;

    private final HostSettings host;
    private GuestMemory[] guests;
    private final FramePool frames;
    private final HostSwap swap;
    private final boolean sharing;
    private ReclaimSettings settings;
    private AllocationPolicy policy;
    private final FreeMemoryStates states;
    private final GuestDemands demands;
    private long[] targets;
    private int[] balloonTargets;
    private boolean[] stall;
    private int[] lastBallooned;
    private int[] stuckTicks;
    private long[] nextSampleTick;
    private boolean[] sampling;
    private boolean[] wasBooted;
    /** Scratch: guests already paged this tick. */
    private boolean[] served;
    private final SplittableRandom victims;
    private long ticks;
    private long nextRebalanceTick;
    private boolean membershipChanged = true;
    private double swapCredit;
    private long rebalances;
    private long availablePages;

    public Reclamation(HostSettings host, GuestMemory[] guests, FramePool frames, HostSwap swap) {
        this.host = host;
        this.guests = guests;
        this.frames = frames;
        this.swap = swap;
        this.sharing = host.sharing().enabled();
        this.settings = host.reclaim();
        this.policy = policyOf(settings);
        this.states = FreeMemoryStates.of(frames.totalFrames(), settings);
        int n = guests.length;
        this.demands = new GuestDemands(n);
        for (int i = 0; i < n; i++) {
            demands.add(0, 0, 0, 0, 0);
        }
        this.targets = new long[n];
        this.balloonTargets = new int[n];
        this.stall = new boolean[n];
        this.lastBallooned = new int[n];
        this.stuckTicks = new int[n];
        this.nextSampleTick = new long[n];
        this.sampling = new boolean[n];
        this.wasBooted = new boolean[n];
        this.served = new boolean[n];
        this.victims = new SplittableRandom(Tokens.derive(host.seed(), host.name() + "/host-paging"));
        for (int i = 0; i < n; i++) {
            targets[i] = guests[i].spec().configuredPages();
        }
    }

    /**
     * Live migration: a guest arrived under the next index; {@code all} is the host's guests with it
     * (its target starts at its configured size, as a guest's at boot does).
     */
    public void admitted(GuestMemory[] all) {
        int n = all.length;
        guests = all;
        while (demands.count() < n) {
            demands.add(0, 0, 0, 0, 0);
        }
        targets = java.util.Arrays.copyOf(targets, n);
        balloonTargets = java.util.Arrays.copyOf(balloonTargets, n);
        stall = java.util.Arrays.copyOf(stall, n);
        lastBallooned = java.util.Arrays.copyOf(lastBallooned, n);
        stuckTicks = java.util.Arrays.copyOf(stuckTicks, n);
        nextSampleTick = java.util.Arrays.copyOf(nextSampleTick, n);
        sampling = java.util.Arrays.copyOf(sampling, n);
        wasBooted = java.util.Arrays.copyOf(wasBooted, n);
        served = java.util.Arrays.copyOf(served, n);
        targets[n - 1] = all[n - 1].spec().configuredPages();
        membershipChanged = true;
    }

    /**
     * Live migration: guest {@code i} was installed with the balloon it had at its previous host;
     * until the next rebalance (at the end of its first tick here) it is asked to keep it, neither
     * grown nor emptied.
     */
    public void installed(int i) {
        balloonTargets[i] = guests[i].pmap().balloonedPages();
        lastBallooned[i] = balloonTargets[i];
        membershipChanged = true;
    }

    /** The policy {@code s} names (a built-in or a plug-in's), made with its tax rate or headroom. */
    static AllocationPolicy policyOf(ReclaimSettings s) {
        return AllocationPolicies.create(s);
    }

    public ReclaimSettings settings() {
        return settings;
    }

    /**
     * Why {@code next} cannot replace the settings in force, or null: the tick length and the
     * samples per period are fixed for a run, and the swap cannot shrink below the pages in it.
     */
    public String check(ReclaimSettings next) {
        if (next == null) {
            return "no reclamation settings";
        }
        if (next.tickSeconds() != settings.tickSeconds()) {
            return "the tick cannot change during a run (" + settings.tickSeconds() + " s, asked " + next.tickSeconds() + " s)";
        }
        if (next.samplesPerPeriod() != settings.samplesPerPeriod()) {
            return "the working-set samples per period cannot change during a run (" + settings.samplesPerPeriod()
                    + ", asked " + next.samplesPerPeriod() + ")";
        }
        if (next.swapPages() < swap.used()) {
            return "swap of " + next.swapPages() + " pages cannot hold the " + swap.used() + " pages in it";
        }
        return null;
    }

    /** Takes {@code next} (checked by {@link #check}) from now on, and rebalances at once. */
    public void reconfigure(ReclaimSettings next) {
        boolean swapChanged = next.swapPages() != settings.swapPages(); // else keep what arriving guests added
        settings = next;
        policy = policyOf(next);
        states.setThresholds(next.highFraction(), next.softFraction(), next.hardFraction(), next.lowFraction(),
                next.hysteresisFraction());
        if (swapChanged) {
            swap.setCapacity(next.swapPages());
        }
        for (GuestMemory g : guests) {
            g.setSwapInCycles(next.swapInCycles());
        }
        if (next.enabled()) {
            rebalance();
        } else {
            stopReclaiming();
        }
    }

    /** Reclamation off: empty balloon targets, no stalls, no sampling. */
    private void stopReclaiming() {
        for (int i = 0; i < guests.length; i++) {
            balloonTargets[i] = 0;
            stall[i] = false;
            targets[i] = guests[i].spec().configuredPages();
            if (sampling[i]) {
                guests[i].paging().endSamplePeriod(false);
                sampling[i] = false;
                nextSampleTick[i] = 0;
            }
        }
    }

    /** Guest {@code i} is gone (its memory was released): its sampling restarts when it boots again. */
    public void guestGone(int i) {
        sampling[i] = false;
        nextSampleTick[i] = 0;
        balloonTargets[i] = 0;
        stall[i] = false;
        stuckTicks[i] = 0;
        lastBallooned[i] = 0;
        membershipChanged = true;
    }

    // ---------------------------------------------------------------- the tick

    /** Runs the reclaimer after a tick's work was applied (see the class comment). */
    public void endTick() {
        ticks++;
        boolean changed = states.update(frames.freeFrames(), settings.tickSeconds());
        if (!settings.enabled()) {
            return;
        }
        int booted = 0;
        for (int i = 0; i < guests.length; i++) {
            boolean b = guests[i].booted();
            if (b != wasBooted[i]) {
                wasBooted[i] = b;
                membershipChanged = true;
            }
            if (b) {
                booted++;
                sample(i);
                trackBalloon(i);
            }
        }
        if (changed || membershipChanged || ticks >= nextRebalanceTick) {
            rebalance();
        }
        page();
        boolean low = states.state() == FreeMemoryStates.LOW;
        for (int i = 0; i < guests.length; i++) {
            stall[i] = low && guests[i].booted() && guests[i].pmap().backedPages() > targets[i];
        }
    }

    private long periodTicks(double seconds) {
        return Math.max(1, Math.round(seconds / settings.tickSeconds()));
    }

    /** Ends guest {@code i}'s working-set period and starts the next, when it is time. */
    private void sample(int i) {
        if (ticks < nextSampleTick[i]) {
            return;
        }
        GuestMemory g = guests[i];
        if (sampling[i]) {
            g.paging().endSamplePeriod(true);
        }
        g.paging().startSamplePeriod(g.estimator().samplePages(g.pmap().pages()));
        sampling[i] = true;
        nextSampleTick[i] = ticks + periodTicks(settings.samplePeriodSeconds());
    }

    /** Counts the ticks guest {@code i}'s balloon, below its target, has not grown. */
    private void trackBalloon(int i) {
        int ballooned = guests[i].pmap().balloonedPages();
        if (ballooned < balloonTargets[i] && ballooned <= lastBallooned[i]) {
            stuckTicks[i]++;
        } else {
            stuckTicks[i] = 0;
        }
        lastBallooned[i] = ballooned;
    }

    /** Whether guest {@code i}'s balloon cannot take more from it: at its cap, or stuck below its target. */
    private boolean balloonCannotProgress(int i) {
        GuestMemory g = guests[i];
        return g.pmap().balloonedPages() >= g.spec().allocation().balloonCapPages()
                || stuckTicks[i] >= periodTicks(BALLOON_PATIENCE_SECONDS);
    }

    // ---------------------------------------------------------------- rebalance

    /** The estimated working set of guest {@code i}, in pages. */
    public long workingSetEstimate(int i) {
        GuestMemory g = guests[i];
        return g.estimator().estimatePages(g.pmap().pages());
    }

    /** Recomputes every guest's target and balloon target. */
    void rebalance() {
        int running = 0;
        for (int i = 0; i < guests.length; i++) {
            GuestMemory g = guests[i];
            if (!g.booted()) {
                demands.set(i, 0, 0, 0, 0, 0);
                continue;
            }
            running++;
            long current = g.pmap().backedPages();
            long estimate = workingSetEstimate(i);
            double f = current > 0 ? Math.min(1.0, (double) estimate / current) : estimate > 0 ? 1.0 : 0.0;
            GuestAllocation a = g.spec().allocation();
            demands.set(i, a.minPages(), g.spec().configuredPages(), a.shares(), f, current);
        }
        long highReserve = states.thresholdPages(FreeMemoryStates.HIGH) + states.hysteresisPages();
        availablePages = Math.max(0, (long) frames.totalFrames() - frames.reservedFrames()
                - (long) settings.overheadPages() * running - highReserve);
        policy.targets(demands, availablePages, targets);
        boolean high = states.state() == FreeMemoryStates.HIGH;
        for (int i = 0; i < guests.length; i++) {
            GuestMemory g = guests[i];
            if (!g.booted()) { // a guest installed by a migration keeps its balloon until it has booted here
                balloonTargets[i] = g.resident() ? g.pmap().balloonedPages() : 0;
                continue;
            }
            long want = Math.max(0, g.spec().configuredPages() - targets[i]);
            int t = (int) Math.min(want, g.spec().allocation().balloonCapPages());
            if (high) {
                t = Math.min(t, g.pmap().balloonedPages());
            }
            balloonTargets[i] = t;
        }
        rebalances++;
        membershipChanged = false;
        nextRebalanceTick = ticks + periodTicks(settings.balancePeriodSeconds());
    }

    // ---------------------------------------------------------------- hypervisor paging

    /** Swaps out this tick's budget of victim pages from the guests the state allows. */
    private void page() {
        int state = states.state();
        if (state == FreeMemoryStates.HIGH) {
            swapCredit = 0;
            return;
        }
        swapCredit += settings.swapOutPagesPerSecond() * settings.tickSeconds();
        long budget = (long) Math.floor(swapCredit);
        swapCredit -= budget; // unused budget is not saved
        if (budget == 0) {
            return;
        }
        if (state == FreeMemoryStates.SOFT) {
            for (int i = 0; i < guests.length && budget > 0; i++) {
                if (pageable(i) && balloonCannotProgress(i)) {
                    long done = pageGuest(i, Math.min(budget, overage(i)));
                    if (done < 0) {
                        return; // swap full
                    }
                    budget -= done;
                }
            }
            return;
        }
        // hard and low: the largest overage first (a scan per guest served; usually one or two)
        java.util.Arrays.fill(served, false);
        while (budget > 0) {
            int pick = -1;
            long worst = 0;
            for (int i = 0; i < guests.length; i++) {
                if (!served[i] && pageable(i) && overage(i) > worst) {
                    worst = overage(i);
                    pick = i;
                }
            }
            if (pick < 0) {
                return;
            }
            served[pick] = true;
            long done = pageGuest(pick, Math.min(budget, worst));
            if (done < 0) {
                return;
            }
            budget -= done;
        }
    }

    private boolean pageable(int i) {
        GuestMemory g = guests[i];
        return g.booted() && g.mode() != TranslationMode.PARA && g.pmap().privatePages() > 0 && overage(i) > 0;
    }

    private long overage(int i) {
        long cached = compression == null ? 0 : compression.chargedPages(i);
        return guests[i].pmap().backedPages() + cached - targets[i];
    }

    /** The host's compression tier, or null: the frames a guest's compressed pages take count toward its allocation. */
    private ballast.host.compression.CompressionCache compression;

    public void useCompression(ballast.host.compression.CompressionCache cache) {
        this.compression = cache;
    }

    /**
     * Takes up to {@code pages} random private pages of guest {@code i} (swapped out, or shared
     * before swap); returns how many, or -1 when the swap filled up first.
     */
    private long pageGuest(int i, long pages) {
        GuestMemory g = guests[i];
        int n = g.pmap().pages();
        long done = 0;
        while (done < pages && g.pmap().privatePages() > 0) {
            int ppn = victims.nextInt(n);
            int scanned = 0;
            while (g.pmap().state(ppn) != Pmap.BACKED && scanned < n) {
                ppn = ppn + 1 == n ? 0 : ppn + 1;
                scanned++;
            }
            int outcome = pageOut(i, ppn);
            if (outcome == GuestPaging.KEPT) {
                return done > 0 ? done : -1; // the swap is full
            }
            done++;
        }
        return done;
    }

    /**
     * The hypervisor's page-out of one victim: guest {@code i}'s {@code ppn} (on a private frame)
     * leaves memory, shared before swap when the host shares pages, else to host swap
     * ({@link GuestPaging#swapOutPage}). Host paging sends every victim through here, and so does
     * the proactive offload ({@link ballast.host.offload.ColdPageOffload}). Returns
     * {@link GuestPaging#KEPT} (not on a private frame, para-virtual, or the swap is full),
     * {@link GuestPaging#SWAPPED_OUT} or {@link GuestPaging#SHARED_INSTEAD}.
     */
    public int pageOut(int i, int ppn) {
        return guests[i].paging().swapOutPage(ppn, sharing);
    }

    /**
     * The host has no free frame for a fault of guest {@code forGuest}: pages one victim out now
     * (the guest furthest above its target, else the one with the most private pages; never a
     * para-virtual guest), as ESX does when free memory runs out before ballooning and paging at
     * their rates catch up. Returns false when no page can go (no pageable guest, or the swap is full).
     */
    public boolean freeOne(int forGuest) {
        if (!settings.enabled()) {
            return false;
        }
        int pick = -1;
        long most = 0;
        for (int i = 0; i < guests.length; i++) {
            if (victimCandidate(i) && overage(i) > most) {
                most = overage(i);
                pick = i;
            }
        }
        if (pick < 0) { // nobody above target: the guest with the most private pages
            for (int i = 0; i < guests.length; i++) {
                if (victimCandidate(i) && guests[i].pmap().privatePages() > most) {
                    most = guests[i].pmap().privatePages();
                    pick = i;
                }
            }
        }
        if (pick < 0) {
            return false;
        }
        if (pageGuest(pick, 1) != 1) {
            return false;
        }
        emergencySwapOuts++;
        return true;
    }

    /** Whether guest {@code i} can give a page to a fault at once (booted, not para-virtual, with private pages). */
    private boolean victimCandidate(int i) {
        GuestMemory g = guests[i];
        return g.booted() && g.mode() != TranslationMode.PARA && g.pmap().privatePages() > 0;
    }

    /** Victims paged out at once because a fault found no free frame. */
    long emergencySwapOuts;

    // ---------------------------------------------------------------- decisions and figures

    /** The balloon size guest {@code i} is asked for in the next tick. */
    public int balloonTarget(int i) {
        return balloonTargets[i];
    }

    /** Whether guest {@code i} stalls in the next tick. */
    public boolean stall(int i) {
        return stall[i];
    }

    /** Guest {@code i}'s target allocation from the last rebalance (its configured pages before any). */
    public long target(int i) {
        return targets[i];
    }

    public FreeMemoryStates states() {
        return states;
    }

    public long rebalances() {
        return rebalances;
    }

    public long availablePages() {
        return availablePages;
    }

    /** Simulated seconds so far. */
    double seconds() {
        return ticks * settings.tickSeconds();
    }

    long ticks() {
        return ticks;
    }
}
