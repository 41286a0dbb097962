package ballast.host.time;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.ints.IntComparator;

/**
 * A host's cores for one tick, divided between the hypervisor's own work and the guests' vCPUs.
 *
 * <p>Capacity: {@code cores x ghz x 1e9 x tickSeconds} cycles per tick (rounded), at most one
 * core's {@code ghz x 1e9 x tickSeconds} for any one vCPU (a vCPU runs on one core at a time).
 *
 * <p>Algorithm of {@link #grant}:
 * <ol>
 *   <li>The hypervisor's work (page scanning and hashing, merges, swap handling, migration copies)
 *       is served first, up to the whole capacity: it runs in the host kernel, at a higher priority
 *       than any vCPU, and is not weighed against the vCPUs' shares (an assumption of this model).
 *       What does not fit is reported as {@link #hypervisorBacklog()}.</li>
 *   <li>What is left goes to the vCPUs in proportion to their shares, each capped at its demand and
 *       at one core: a weighted max-min fair share computed by water-filling. vCPUs are visited in
 *       ascending order of cap / shares (ties by index); one whose cap is below its proportional
 *       part of what is left gets its cap, and what it leaves is shared among the rest; the first
 *       vCPU whose cap is above its part fixes the water level, and it and all after it get
 *       {@code floor(left x shares / remainingShares)}; the few cycles lost to rounding go one
 *       each to those vCPUs in the same order. The grant is work-conserving: the vCPUs together
 *       get {@code min(left, sum of caps)}.</li>
 *   <li>A vCPU's ready cycles (ESX's ready time) are {@code min(demand, one core) - granted}: time
 *       it wanted to run and could have run on a core of its own, but waited for one. Demand above
 *       one core's tick is not ready time (the vCPU could not have run it anyway).</li>
 * </ol>
 * With shares as in ESX's proportional-share CPU scheduler (Waldspurger, "Lottery and Stride
 * Scheduling", 1995, is the scheme's origin): a VM's shares are its entitlement relative to the
 * other VMs; the caller passes one value per vCPU (for example the guest's shares divided by its
 * vCPU count, so a VM's entitlement does not grow with its vCPUs).
 *
 * <p>Exact integer arithmetic (comparisons of products in 128 bits), so the result is the same on
 * every machine. Scratch arrays grow once to the largest vCPU count seen; no allocation per call
 * after that. Owned by one host's actor; not thread-safe.
 */
public final class HostCpu {
    /** Largest shares one vCPU may have. */
    public static final int MAX_SHARES = 1_000_000;
    /** Largest capacity per tick (2^42 cycles, e.g. 256 cores x 4 GHz x 4 s). */
    public static final long MAX_CYCLES_PER_TICK = 1L << 42;

    private final int cores;
    private final double ghz;
    private final double tickSeconds;
    private final long cyclesPerTick;
    private final long coreCyclesPerTick;

    private int[] order = new int[0];
    private long[] caps = new long[0];
    private long lastHypervisorGranted;
    private long lastHypervisorDemand;
    private final IntComparator byCapPerShare;
    private int[] sharesView;

    public HostCpu(int cores, double ghz, double tickSeconds) {
        if (cores < 1) {
            throw new IllegalArgumentException("a host needs at least one core, not " + cores);
        }
        if (!(ghz > 0) || Double.isInfinite(ghz)) {
            throw new IllegalArgumentException("core clock must be a finite number of GHz > 0, not " + ghz);
        }
        if (!(tickSeconds > 0) || Double.isInfinite(tickSeconds)) {
            throw new IllegalArgumentException("tick must be a finite number of seconds > 0, not " + tickSeconds);
        }
        this.cores = cores;
        this.ghz = ghz;
        this.tickSeconds = tickSeconds;
        this.coreCyclesPerTick = Math.round(ghz * 1e9 * tickSeconds);
        if (coreCyclesPerTick < 1 || coreCyclesPerTick > MAX_CYCLES_PER_TICK / cores) {
            throw new IllegalArgumentException(cores + " cores x " + ghz + " GHz x " + tickSeconds
                    + " s is outside 1 .. 2^42 cycles per tick");
        }
        this.cyclesPerTick = coreCyclesPerTick * cores;
        this.byCapPerShare = (a, b) -> {
            // caps[a] / shares[a] vs caps[b] / shares[b]; both products < 2^62
            int c = Long.compare(caps[a] * sharesView[b], caps[b] * sharesView[a]);
            return c != 0 ? c : Integer.compare(a, b);
        };
    }

    /** A host's cores from a {@code ballast.host-cpu} section ({@code cores}, {@code ghz}) and the run's tick. */
    public static HostCpu fromConfig(Config hostCpu, double tickSeconds) {
        try {
            return new HostCpu(hostCpu.getInt("cores"), hostCpu.getDouble("ghz"), tickSeconds);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("host-cpu: " + e.getMessage(), e);
        }
    }

    public int cores() {
        return cores;
    }

    public double ghz() {
        return ghz;
    }

    public double tickSeconds() {
        return tickSeconds;
    }

    /** All cores' cycles in one tick: cores x one core's. */
    public long cyclesPerTick() {
        return cyclesPerTick;
    }

    /** One core's cycles in one tick: the most one vCPU can be granted. */
    public long coreCyclesPerTick() {
        return coreCyclesPerTick;
    }

    /** The hypervisor's cycles granted by the last {@link #grant}. */
    public long hypervisorGranted() {
        return lastHypervisorGranted;
    }

    /** The hypervisor's work of the last {@link #grant} that did not fit in the tick (cycles). */
    public long hypervisorBacklog() {
        return lastHypervisorDemand - lastHypervisorGranted;
    }

    /**
     * Divides one tick's cycles.
     *
     * @param hypervisorDemand cycles of the hypervisor's own work this tick (>= 0)
     * @param vcpus            number of vCPUs (entries 0 .. vcpus-1 of the arrays)
     * @param demand           each vCPU's demand in cycles (>= 0)
     * @param shares           each vCPU's shares (1 .. {@link #MAX_SHARES})
     * @param grantedOut       receives each vCPU's granted cycles
     * @param readyOut         receives each vCPU's ready cycles: min(demand, one core) - granted
     * @return the hypervisor's granted cycles
     */
    public long grant(long hypervisorDemand, int vcpus, long[] demand, int[] shares, long[] grantedOut, long[] readyOut) {
        if (hypervisorDemand < 0) {
            throw new IllegalArgumentException("negative hypervisor demand " + hypervisorDemand);
        }
        if (vcpus < 0 || vcpus > demand.length || vcpus > shares.length || vcpus > grantedOut.length
                || vcpus > readyOut.length) {
            throw new IllegalArgumentException(vcpus + " vCPUs do not fit the arrays given");
        }
        ensureScratch(vcpus);
        for (int i = 0; i < vcpus; i++) {
            if (demand[i] < 0) {
                throw new IllegalArgumentException("vCPU " + i + ": negative demand " + demand[i]);
            }
            if (shares[i] < 1 || shares[i] > MAX_SHARES) {
                throw new IllegalArgumentException("vCPU " + i + ": shares must be between 1 and " + MAX_SHARES
                        + ", not " + shares[i]);
            }
            caps[i] = Math.min(demand[i], coreCyclesPerTick);
            order[i] = i;
        }
        long hypervisor = Math.min(hypervisorDemand, cyclesPerTick);
        lastHypervisorDemand = hypervisorDemand;
        lastHypervisorGranted = hypervisor;
        long left = cyclesPerTick - hypervisor;

        long capSum = 0;
        long shareSum = 0;
        for (int i = 0; i < vcpus; i++) {
            capSum += caps[i];
            shareSum += shares[i];
        }
        if (capSum <= left) {
            for (int i = 0; i < vcpus; i++) {
                grantedOut[i] = caps[i];
                readyOut[i] = 0;
            }
            return hypervisor;
        }

        sharesView = shares;
        IntArrays.quickSort(order, 0, vcpus, byCapPerShare);
        int k = 0;
        // vCPUs capped below their proportional part of what is left: give them their cap
        while (k < vcpus) {
            int v = order[k];
            // caps[v] <= left * shares[v] / shareSum ?
            if (compareProducts(caps[v], shareSum, left, shares[v]) > 0) {
                break;
            }
            grantedOut[v] = caps[v];
            left -= caps[v];
            shareSum -= shares[v];
            k++;
        }
        // the rest share what is left in proportion to their shares (left * shares < 2^62)
        long given = 0;
        for (int j = k; j < vcpus; j++) {
            int v = order[j];
            long g = left * shares[v] / shareSum;
            grantedOut[v] = g;
            given += g;
        }
        long spare = left - given;
        for (int j = k; j < vcpus && spare > 0; j++) {
            int v = order[j];
            if (grantedOut[v] < caps[v]) {
                grantedOut[v]++;
                spare--;
            }
        }
        for (int i = 0; i < vcpus; i++) {
            readyOut[i] = caps[i] - grantedOut[i];
        }
        sharesView = null;
        return hypervisor;
    }

    private void ensureScratch(int n) {
        if (order.length < n) {
            order = new int[n];
            caps = new long[n];
        }
    }

    /** Sign of a*b - c*d for non-negative longs, exactly (128-bit products). */
    static int compareProducts(long a, long b, long c, long d) {
        long hi1 = Math.multiplyHigh(a, b);
        long hi2 = Math.multiplyHigh(c, d);
        if (hi1 != hi2) {
            return Long.compare(hi1, hi2);
        }
        return Long.compareUnsigned(a * b, c * d);
    }
}
