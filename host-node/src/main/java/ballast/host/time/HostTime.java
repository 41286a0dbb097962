package ballast.host.time;

import ballast.abi.Ops;
import ballast.abi.Pace;
import ballast.host.device.DeviceQueue;
import it.unimi.dsi.fastutil.ints.IntHeapPriorityQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One host's simulated time: what each guest's work of a tick costs, how much of it the guest gets
 * done in the tick, where each vCPU's time went, and how the host's cores and devices were shared.
 *
 * <p>What a guest's tick holds. The hypervisor applies a guest's work whole (the memory effects of
 * every operation happen in the tick the guest generated them: the integrity record and the
 * invariants hold as before) and tells this class what the work was ({@link #guestWork}): its
 * workload accesses (work units), the cycles of its own work (each access's share of the workload's
 * work, the walks and the guest kernel's native work: run time) and what virtualization added to
 * them (traps, exits, hidden faults, hypercalls, copy-on-write breaks: overhead, from the cost
 * table), the host swap-ins it waited for and its own page-ins from its virtual disk, its page-outs,
 * and whether it was stalled. The hypervisor's own work is added with {@link #hypervisorWork}, the
 * host's swap-outs with {@link #hostSwapOuts}.
 *
 * <p>The tick ({@link #endTick}), once every guest's work is in:
 * <ol>
 *   <li>Each guest's work to do is what it left undone before (its backlog) plus the new work. It
 *       is split evenly over its vCPUs; on each vCPU it runs as {@code R + 1} equal chunks of
 *       compute with a blocking read between two chunks ({@code R} reads: its host swap-ins and its
 *       page-ins, the larger kind first), as a program that faults now and then.</li>
 *   <li>The host's cores ({@link HostCpu}): the hypervisor's work is served first; the vCPUs share
 *       the rest by their CPU shares, and a vCPU that asked for more than it got waits the rest as
 *       ready time, charged at the start of its tick. A vCPU computes no more than the cycles it
 *       was granted: when they run out with work left, the rest of its tick is ready time too, and
 *       the work stays in its backlog (so the cores never do more than they have).</li>
 *   <li>Every vCPU's blocked time carried from earlier ticks comes first ({@link TickBudget}). Then
 *       all vCPUs of all guests run side by side in simulated time: always the one whose clock is
 *       furthest behind (ties by guest, then vCPU) computes its next chunk and sends its next read
 *       to the device ({@link DeviceQueue}, first in first out by arrival time, so guests paging at
 *       once queue behind each other), and waits for its completion. A wait beyond the tick's end
 *       blocks the vCPU into the next tick. Writes (guest page-outs to the virtual disk, host
 *       swap-outs to swap) do not block anyone but take the device's time: they go in clusters of up to
 *       {@link #WRITE_CLUSTER_PAGES} pages, spread evenly over the tick.</li>
 *   <li>What a vCPU computed when its tick ends is its progress: the work units done are the
 *       guest's in proportion to the chunks done (a partial chunk counts its part); what is not
 *       done stays in the guest's backlog for the next tick. A stalled guest does nothing and its
 *       whole tick is stalled time.</li>
 * </ol>
 * So a guest that faults, swaps or stalls completes fewer accesses in that tick; a guest blocked for
 * a whole tick completes none; many guests paging on one device each wait longer.
 *
 * <p>The guest learns its {@link Pace} (what it could complete in a tick at the speed it went, and
 * its backlog) with its next {@code TickStart} and generates at most about two ticks of work ahead
 * of what it completes: the work's memory effects run ahead of its time by that much at most.
 *
 * <p>Invariant: each vCPU's seven categories add up to the tick ({@link TickBudget#checkInvariant});
 * {@link #check} reports a guest whose breakdown does not. Deterministic: the same works in give the
 * same figures, whatever the order they arrived in. Owned by one {@code HypervisorCore}; not
 * thread-safe; per tick it allocates nothing per request.
 */
public final class HostTime {
    /** Bytes of one paging request. */
    private static final long PAGE = Ops.PAGE_BYTES;
    /**
     * Most pages of one write request: page-outs go to the device in clusters, as Linux writes swap
     * (its swap allocator hands out clusters of SWAPFILE_CLUSTER = 256 pages, mm/swapfile.c).
     */
    public static final int WRITE_CLUSTER_PAGES = 256;

    private final TimeSettings settings;
    private final HostCpu cpu;
    private final DeviceQueue swapDevice;
    private final DeviceQueue diskDevice;
    private final double hz;
    private final long tickCycles;
    private long ticks;

    // per guest
    private int guests;
    private int[] vcpus = new int[0];
    private int[] shares = new int[0];
    private long[] workPerAccess = new long[0];
    private TickBudget[] budgets = new TickBudget[0];
    private boolean[] present = new boolean[0];
    private boolean[] stalled = new boolean[0];
    private long[] newWork = new long[0];
    private long[] newCycles = new long[0];
    private long[] newOverhead = new long[0];
    private long[] newSwapIns = new long[0];
    private long[] newPageIns = new long[0];
    private long[] newDemand = new long[0];
    private long[] pendWork = new long[0];
    private long[] pendCycles = new long[0];
    private long[] pendOverhead = new long[0];
    private long[] pendSwapIns = new long[0];
    private long[] pendPageIns = new long[0];
    /** Post-copy network faults (pages touched before they arrived from a migration's source) and their wait. */
    private long[] newNetIns = new long[0];
    private long[] pendNetIns = new long[0];
    private double[] netWait = new double[0];
    private long[] workUnits = new long[0];
    private long[] demand = new long[0];
    private double[] seconds = new double[0];       // [guest * CATEGORIES + category]
    private long[] capacity = new long[0];
    private boolean[] checked = new boolean[0];
    private String lastProblem;

    // the host
    private long hypervisorDemand;
    private long diskWrites;
    private long swapWrites;
    private double cpuBusySeconds;
    private double hypervisorCpuSeconds;

    // per-tick scratch, by client (one per vCPU of a running guest)
    private int clients;
    private int[] cGuest = new int[0];
    private int[] cVcpu = new int[0];
    private long[] cWork = new long[0];
    private long[] cCycles = new long[0];
    private long[] cOverhead = new long[0];
    private long[] cSwap = new long[0];
    private long[] cPage = new long[0];
    private long[] cIssuedSwap = new long[0];
    private long[] cIssuedPage = new long[0];
    private long[] cNet = new long[0];
    private long[] cIssuedNet = new long[0];
    private long[] cChunk = new long[0];
    private long[] cComputed = new long[0];
    private long[] cDemand = new long[0];
    private int[] cShares = new int[0];
    private long[] cGranted = new long[0];
    private long[] cReady = new long[0];
    private long[] cGrantLeft = new long[0];
    private long[] cKey = new long[0];
    private final long[] writeNext = new long[2];
    private final long[] writeCount = new long[2];
    private final long[] writeDone = new long[2];
    private final long[] writePages = new long[2];
    /** Work units each guest completed in the tick being accounted. */
    private long[] done = new long[0];
    /** The vCPUs (and the two write streams) by the time of their next request, ties by guest then index. */
    private final IntHeapPriorityQueue queue = new IntHeapPriorityQueue((a, b) -> {
        int k = Long.compare(cKey[a], cKey[b]);
        if (k != 0) {
            return k;
        }
        k = Integer.compare(guestOf(a), guestOf(b));
        return k != 0 ? k : Integer.compare(a, b);
    });

    public HostTime(TimeSettings settings) {
        this.settings = settings;
        this.cpu = new HostCpu(settings.cores(), settings.ghz(), settings.tickSeconds());
        this.swapDevice = new DeviceQueue(settings.swap(), DeviceQueue.Order.BY_ARRIVAL);
        this.diskDevice = settings.sharedDevice() ? swapDevice : new DeviceQueue(settings.disk(), DeviceQueue.Order.BY_ARRIVAL);
        this.hz = settings.ghz() * 1e9;
        this.tickCycles = cpu.coreCyclesPerTick();
    }

    public TimeSettings settings() {
        return settings;
    }

    /** Adds a guest (its index is the next one): {@code vcpus} vCPUs, {@code cpuShares} shares, {@code cyclesPerAccess} (0: the host's default). */
    public int addGuest(int vcpuCount, int cpuShares, long cyclesPerAccess) {
        int g = guests++;
        if (guests > vcpus.length) {
            grow(Math.max(16, vcpus.length * 2));
        }
        vcpus[g] = vcpuCount;
        shares[g] = cpuShares;
        workPerAccess[g] = cyclesPerAccess > 0 ? cyclesPerAccess : settings.workPerAccess();
        capacity[g] = Long.MAX_VALUE;
        budgets[g] = new TickBudget(vcpuCount, settings.ghz(), settings.tickSeconds(), new AccessPrices(1, 1, 1));
        return g;
    }

    /**
     * Makes room for {@code n} guests in every per-guest array (doubling, so adding N guests copies
     * O(N) entries, not O(N^2): 5,000 guests on one host once took 2.5 GB of copies at startup).
     * Entries past {@link #guests} are never read.
     */
    private void grow(int n) {
        vcpus = Arrays.copyOf(vcpus, n);
        shares = Arrays.copyOf(shares, n);
        workPerAccess = Arrays.copyOf(workPerAccess, n);
        budgets = Arrays.copyOf(budgets, n);
        present = Arrays.copyOf(present, n);
        stalled = Arrays.copyOf(stalled, n);
        checked = Arrays.copyOf(checked, n);
        newWork = Arrays.copyOf(newWork, n);
        newCycles = Arrays.copyOf(newCycles, n);
        newOverhead = Arrays.copyOf(newOverhead, n);
        newSwapIns = Arrays.copyOf(newSwapIns, n);
        newPageIns = Arrays.copyOf(newPageIns, n);
        newDemand = Arrays.copyOf(newDemand, n);
        pendWork = Arrays.copyOf(pendWork, n);
        pendCycles = Arrays.copyOf(pendCycles, n);
        pendOverhead = Arrays.copyOf(pendOverhead, n);
        pendSwapIns = Arrays.copyOf(pendSwapIns, n);
        pendPageIns = Arrays.copyOf(pendPageIns, n);
        newNetIns = Arrays.copyOf(newNetIns, n);
        pendNetIns = Arrays.copyOf(pendNetIns, n);
        netWait = Arrays.copyOf(netWait, n);
        workUnits = Arrays.copyOf(workUnits, n);
        demand = Arrays.copyOf(demand, n);
        seconds = Arrays.copyOf(seconds, n * TickBudget.CATEGORIES);
        capacity = Arrays.copyOf(capacity, n);
    }

    public int guests() {
        return guests;
    }

    public int vcpus(int g) {
        return vcpus[g];
    }

    /**
     * Guest {@code g}'s work of a tick was applied.
     *
     * @param workAccesses  workload accesses in it (work units)
     * @param demand        accesses its workload asked for
     * @param opAccesses    reads and writes of its operation stream (the guest OS's own included)
     * @param nativeCycles  cycles its events cost natively beyond the accesses (walks, the kernel's work)
     * @param overhead      cycles virtualization added (host swap-in waits excluded: the device prices them)
     * @param hostSwapIns   pages it touched that the host had swapped out
     * @param pageIns       pages its OS read from its virtual disk
     * @param pageOuts      pages its OS wrote to its virtual disk
     * @param stall         the tick was stalled
     */
    public void guestWork(int g, long workAccesses, long demand, long opAccesses, long nativeCycles, long overhead,
                          long hostSwapIns, long pageIns, long pageOuts, boolean stall) {
        present[g] = true;
        stalled[g] |= stall;
        newWork[g] += workAccesses;
        newDemand[g] += demand;
        long own = opAccesses * workPerAccess[g] + Math.max(0, nativeCycles);
        newCycles[g] += own + Math.max(0, overhead);
        newOverhead[g] += Math.max(0, overhead);
        newSwapIns[g] += hostSwapIns;
        newPageIns[g] += pageIns;
        diskWrites += pageOuts;
    }

    /**
     * Guest {@code g}'s work of this tick touched {@code faults} pages that had not arrived from its
     * post-copy migration's source: each is a blocking read that waits {@code secondsEach} (the
     * link's latency and the page's transfer), charged as host swap wait (the hypervisor fetches a
     * page the guest touched that is not in its memory). Served by the link, not by the host's
     * devices: faults do not queue behind each other.
     */
    public void networkFaults(int g, long faults, double secondsEach) {
        if (faults > 0) {
            newNetIns[g] += faults;
            netWait[g] = secondsEach;
        }
    }

    /** The hypervisor's own work this tick, in cycles (page hashing, merges, swap handling, migration copies). */
    public void hypervisorWork(long cycles) {
        if (cycles < 0) {
            throw new IllegalArgumentException("negative hypervisor work " + cycles);
        }
        hypervisorDemand += cycles;
    }

    /** Pages the host wrote to swap this tick. */
    public void hostSwapOuts(long pages) {
        swapWrites += pages;
    }

    /** Guest {@code g} left the host or restarts: its backlog and blocked time go. */
    public void guestGone(int g) {
        pendWork[g] = 0;
        pendCycles[g] = 0;
        pendOverhead[g] = 0;
        pendSwapIns[g] = 0;
        pendPageIns[g] = 0;
        pendNetIns[g] = 0;
        capacity[g] = Long.MAX_VALUE;
        budgets[g].clearCarry();
    }

    /** What guest {@code g} learns with its next TickStart. */
    public Pace pace(int g) {
        return new Pace(capacity[g], pendWork[g]);
    }

    /** The end of a tick: divides the cores, runs every guest's work against the devices, accounts it (see the class comment). */
    public void endTick() {
        double tickStart = ticks * settings.tickSeconds();
        ticks++;
        swapDevice.beginTick(tickStart);
        if (diskDevice != swapDevice) {
            diskDevice.beginTick(tickStart);
        }
        clients = 0;
        for (int g = 0; g < guests; g++) {
            checked[g] = false;
            if (!present[g]) {
                continue;
            }
            TickBudget b = budgets[g];
            b.beginTick();
            checked[g] = true;
            long work = pendWork[g] + newWork[g];
            long cycles = pendCycles[g] + newCycles[g];
            long overhead = pendOverhead[g] + newOverhead[g];
            long swapIns = pendSwapIns[g] + newSwapIns[g];
            long pageIns = pendPageIns[g] + newPageIns[g];
            long netIns = pendNetIns[g] + newNetIns[g];
            demand[g] += newDemand[g];
            if (stalled[g]) {
                for (int v = 0; v < vcpus[g]; v++) {
                    b.stallRest(v);
                }
                pendWork[g] = work;
                pendCycles[g] = cycles;
                pendOverhead[g] = overhead;
                pendSwapIns[g] = swapIns;
                pendPageIns[g] = pageIns;
                pendNetIns[g] = netIns;
                continue;
            }
            int n = vcpus[g];
            for (int v = 0; v < n; v++) {
                int c = newClient(g, v);
                cWork[c] = part(work, n, v);
                cCycles[c] = part(cycles, n, v);
                cOverhead[c] = part(overhead, n, v);
                cSwap[c] = part(swapIns, n, v);
                cPage[c] = part(pageIns, n, v);
                cNet[c] = part(netIns, n, v);
                cChunk[c] = cCycles[c] / (cSwap[c] + cPage[c] + cNet[c] + 1);
                cDemand[c] = Math.min(cCycles[c], b.remainingCycles(v));
                cShares[c] = Math.max(1, shares[g] / n);
            }
        }
        long hyper = cpu.grant(hypervisorDemand, clients, cDemand, cShares, cGranted, cReady);
        hypervisorDemand -= hyper;
        hypervisorCpuSeconds += hyper / hz;
        double busyCycles = hyper;

        IntHeapPriorityQueue queue = this.queue;
        queue.clear();
        ensureKeys(clients + 2);
        for (int c = 0; c < clients; c++) {
            TickBudget b = budgets[cGuest[c]];
            b.chargeReady(cVcpu[c], cReady[c]);
            cGrantLeft[c] = cGranted[c];
            if (computeChunk(c) && requestsLeft(c) > 0) {
                cKey[c] = b.nowCycles(cVcpu[c]);
                queue.enqueue(c);
            }
        }
        startWrites(queue, 0, diskWrites);
        startWrites(queue, 1, swapWrites);
        while (!queue.isEmpty()) {
            int c = queue.dequeueInt();
            if (c >= clients) {
                int w = c - clients;
                DeviceQueue device = w == 0 ? diskDevice : swapDevice;
                int kind = w == 0 ? DeviceQueue.DISK_WRITE : DeviceQueue.SWAP_WRITE;
                long pages = Math.min(WRITE_CLUSTER_PAGES, writePages[w] - writeDone[w] * WRITE_CLUSTER_PAGES);
                device.submit(guests, kind, pages * PAGE, tickStart + cKey[c] / hz);
                writeDone[w]++;
                if (writeDone[w] < writeCount[w]) {
                    cKey[c] = writeArrival(w, writeDone[w]);
                    queue.enqueue(c);
                }
                continue;
            }
            int g = cGuest[c];
            int v = cVcpu[c];
            TickBudget b = budgets[g];
            boolean swap = cSwap[c] - cIssuedSwap[c] >= cPage[c] - cIssuedPage[c];
            double arrival = tickStart + b.nowSeconds(v);
            double done;
            if (cNet[c] > cIssuedNet[c]) {
                cIssuedNet[c]++;
                b.chargeHostSwapWait(v, netWait[g]);
            } else if (swap) {
                cIssuedSwap[c]++;
                done = swapDevice.submit(g, DeviceQueue.SWAP_READ, PAGE, arrival);
                b.chargeHostSwapWait(v, done - arrival);
            } else {
                cIssuedPage[c]++;
                done = diskDevice.submit(g, DeviceQueue.DISK_READ, PAGE, arrival);
                b.chargeIoWait(v, done - arrival);
            }
            if (b.remainingCycles(v) > 0 && computeChunk(c) && requestsLeft(c) > 0) {
                cKey[c] = b.nowCycles(v);
                queue.enqueue(c);
            }
        }
        diskWrites = 0;
        swapWrites = 0;

        // progress, backlog, pace, figures
        for (int g = 0; g < guests; g++) {
            if (!present[g] || stalled[g]) {
                continue;
            }
            pendWork[g] = 0;
            pendCycles[g] = 0;
            pendOverhead[g] = 0;
            pendSwapIns[g] = 0;
            pendPageIns[g] = 0;
            pendNetIns[g] = 0;
        }
        if (done.length < guests) {
            done = new long[guests];
        }
        java.util.Arrays.fill(done, 0, guests, 0);
        for (int c = 0; c < clients; c++) {
            int g = cGuest[c];
            long requests = cSwap[c] + cPage[c] + cNet[c];
            long issued = cIssuedSwap[c] + cIssuedPage[c] + cIssuedNet[c];
            long workDone;
            if (issued == requests && cComputed[c] == cCycles[c]) {
                workDone = cWork[c];
            } else {
                // chunks done: one per request issued, and the part of the current one computed
                long chunkCycles = Math.max(1, cChunk[c]);
                double chunks = Math.min(requests + 1.0, issued + Math.min(1.0,
                        (cComputed[c] - issued * (double) cChunk[c]) / chunkCycles));
                workDone = Math.min(cWork[c], (long) Math.floor(cWork[c] * chunks / (requests + 1)));
            }
            done[g] += workDone;
            pendWork[g] += cWork[c] - workDone;
            long left = cCycles[c] - cComputed[c];
            pendCycles[g] += left;
            pendOverhead[g] += cCycles[c] == 0 ? 0 : Math.round(cOverhead[c] * (left / (double) cCycles[c]));
            pendSwapIns[g] += cSwap[c] - cIssuedSwap[c];
            pendPageIns[g] += cPage[c] - cIssuedPage[c];
            pendNetIns[g] += cNet[c] - cIssuedNet[c];
        }
        for (int g = 0; g < guests; g++) {
            if (!present[g]) {
                continue;
            }
            TickBudget b = budgets[g];
            workUnits[g] += done[g];
            for (int k = 0; k < TickBudget.CATEGORIES; k++) {
                seconds[g * TickBudget.CATEGORIES + k] += b.cycles(k) / hz;
            }
            busyCycles += b.cycles(TickBudget.RUN) + b.cycles(TickBudget.OVERHEAD);
            if (!stalled[g]) {
                long whole = (long) vcpus[g] * tickCycles;
                long idle = b.cycles(TickBudget.IDLE);
                if (done[g] > 0) {
                    capacity[g] = idle == 0 ? done[g] : (long) Math.min(Long.MAX_VALUE / 4.0,
                            Math.floor(done[g] * (double) whole / (whole - idle)));
                } else if (newWork[g] + pendWork[g] > 0) {
                    capacity[g] = 0;
                }
            }
            if (!b.addsUp()) {
                lastProblem = "guest " + g + ": its tick's time does not add up to " + vcpus[g] + " x the tick";
            }
            present[g] = false;
            stalled[g] = false;
            newWork[g] = 0;
            newCycles[g] = 0;
            newOverhead[g] = 0;
            newSwapIns[g] = 0;
            newPageIns[g] = 0;
            newNetIns[g] = 0;
            newDemand[g] = 0;
        }
        cpuBusySeconds += busyCycles / hz;
    }

    private static long part(long total, int n, int v) {
        return total / n + (v < total % n ? 1 : 0);
    }

    private int guestOf(int client) {
        return client < clients ? cGuest[client] : guests;
    }

    private long requestsLeft(int c) {
        return cSwap[c] + cPage[c] + cNet[c] - cIssuedSwap[c] - cIssuedPage[c] - cIssuedNet[c];
    }

    /**
     * Computes client {@code c}'s next chunk (the last one takes what is left of its cycles) as far
     * as its vCPU's tick and the cycles the host's cores granted it allow, run and overhead in
     * proportion (also for a part of a chunk); true if the chunk was done whole. A vCPU whose grant
     * runs out with work left was ready to run and did not get a core: the rest of its tick is ready time.
     */
    private boolean computeChunk(int c) {
        long issued = cIssuedSwap[c] + cIssuedPage[c] + cIssuedNet[c];
        long target = requestsLeft(c) == 0 ? cCycles[c] : Math.min(cCycles[c], (issued + 1) * cChunk[c]);
        long need = target - cComputed[c];
        if (need <= 0) {
            return true;
        }
        TickBudget b = budgets[cGuest[c]];
        int v = cVcpu[c];
        long can = Math.min(need, Math.min(cGrantLeft[c], b.remainingCycles(v)));
        long over = cCycles[c] == 0 ? 0 : Math.round(can * (cOverhead[c] / (double) cCycles[c]));
        b.chargeUpTo(v, TickBudget.RUN, can - over);
        b.chargeUpTo(v, TickBudget.OVERHEAD, over);
        cComputed[c] += can;
        cGrantLeft[c] -= can;
        if (can < need && cGrantLeft[c] == 0) {
            b.chargeReady(v, b.remainingCycles(v));
        }
        return can == need;
    }

    private void startWrites(IntHeapPriorityQueue queue, int w, long pages) {
        long count = (pages + WRITE_CLUSTER_PAGES - 1) / WRITE_CLUSTER_PAGES;
        writePages[w] = pages;
        writeCount[w] = count;
        writeDone[w] = 0;
        if (count > 0) {
            int c = clients + w;
            cKey[c] = writeArrival(w, 0);
            queue.enqueue(c);
        }
    }

    /** Write requests (clusters) arrive spread evenly over the tick: the i-th of n at (i + 1/2) / n of it. */
    private long writeArrival(int w, long i) {
        return (long) ((i + 0.5) * tickCycles / writeCount[w]);
    }

    private int newClient(int g, int v) {
        int c = clients++;
        if (c >= cGuest.length) {
            int size = Math.max(16, cGuest.length * 2);
            cGuest = Arrays.copyOf(cGuest, size);
            cVcpu = Arrays.copyOf(cVcpu, size);
            cWork = Arrays.copyOf(cWork, size);
            cCycles = Arrays.copyOf(cCycles, size);
            cOverhead = Arrays.copyOf(cOverhead, size);
            cSwap = Arrays.copyOf(cSwap, size);
            cPage = Arrays.copyOf(cPage, size);
            cIssuedSwap = Arrays.copyOf(cIssuedSwap, size);
            cIssuedPage = Arrays.copyOf(cIssuedPage, size);
            cNet = Arrays.copyOf(cNet, size);
            cIssuedNet = Arrays.copyOf(cIssuedNet, size);
            cChunk = Arrays.copyOf(cChunk, size);
            cComputed = Arrays.copyOf(cComputed, size);
            cDemand = Arrays.copyOf(cDemand, size);
            cShares = Arrays.copyOf(cShares, size);
            cGranted = Arrays.copyOf(cGranted, size);
            cReady = Arrays.copyOf(cReady, size);
            cGrantLeft = Arrays.copyOf(cGrantLeft, size);
        }
        cGuest[c] = g;
        cVcpu[c] = v;
        cIssuedSwap[c] = 0;
        cIssuedPage[c] = 0;
        cIssuedNet[c] = 0;
        cComputed[c] = 0;
        return c;
    }

    private void ensureKeys(int n) {
        if (cKey.length < n) {
            cKey = new long[Math.max(n, cKey.length * 2)];
        }
    }

    // ---------------------------------------------------------------- figures

    /** Work units guest {@code g} completed so far. */
    public long workUnits(int g) {
        return workUnits[g];
    }

    /** Accesses guest {@code g}'s workload asked for so far. */
    public long demand(int g) {
        return demand[g];
    }

    /** Seconds of guest {@code g}'s vCPUs in {@code category} ({@link TickBudget#RUN} .. {@link TickBudget#IDLE}) so far. */
    public double seconds(int g, int category) {
        return seconds[g * TickBudget.CATEGORIES + category];
    }

    /** Work units guest {@code g} generated and has not completed yet. */
    public long backlog(int g) {
        return pendWork[g];
    }

    /** Seconds the host's cores ran the vCPUs' and the hypervisor's work so far. */
    public double cpuBusySeconds() {
        return cpuBusySeconds;
    }

    /** Seconds the host's cores ran the hypervisor's own work so far. */
    public double hypervisorCpuSeconds() {
        return hypervisorCpuSeconds;
    }

    /** The host's devices: the swap device, then the disk when it is another device. */
    public List<DeviceQueue> devices() {
        List<DeviceQueue> list = new ArrayList<>(2);
        list.add(swapDevice);
        if (diskDevice != swapDevice) {
            list.add(diskDevice);
        }
        return list;
    }

    /** Simulated seconds accounted so far. */
    public double elapsedSeconds() {
        return ticks * settings.tickSeconds();
    }

    /**
     * The time invariant: every guest accounted in the last tick has a breakdown adding up to its
     * vCPUs times the tick. Returns the problems found (none when it holds).
     */
    public List<String> check() {
        List<String> found = new ArrayList<>(0);
        for (int g = 0; g < guests; g++) {
            if (checked[g] && !budgets[g].addsUp()) {
                found.add("guest " + g + ": its tick's time does not add up to " + vcpus[g] + " vCPUs x the tick");
            }
        }
        if (lastProblem != null) {
            found.add(lastProblem);
            lastProblem = null;
        }
        return found;
    }
}
