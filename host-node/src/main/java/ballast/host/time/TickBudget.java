package ballast.host.time;

import java.util.Arrays;

/**
 * One guest's time in one tick: where each of its vCPUs' tick went, and how many of its accesses
 * fit.
 *
 * <p>Model. Each vCPU has a clock that runs from 0 to the tick's length in cycles
 * ({@code round(ghz x 1e9 x tickSeconds)}, the host's core clock). Everything the vCPU does moves its
 * clock forward, into one category:
 * <ul>
 *   <li>{@link #RUN}: cycles of the guest's own work, its accesses (priced by {@link AccessPrices})
 *       and its kernel's native work ({@link #chargeKernel});</li>
 *   <li>{@link #OVERHEAD}: cycles virtualization adds (traps, exits, hidden faults, hypercalls:
 *       {@link #chargeOverhead});</li>
 *   <li>{@link #IO_WAIT}, {@link #HOST_SWAP_WAIT}, {@link #STALLED}: blocked time, which takes time
 *       but no cycles (waiting for the guest's own virtual disk, for a host swap-in, or a stall);</li>
 *   <li>{@link #READY}: time the vCPU was ready to run but the host's cores were busy
 *       ({@link HostCpu}'s ready cycles);</li>
 *   <li>{@link #IDLE}: what is left of the tick when the guest has nothing more to do.</li>
 * </ul>
 * An access is all-or-nothing: if its price does not fit in what is left of the vCPU's tick it is
 * not done this tick ({@link #chargeAccess} returns false; the caller keeps it for the next tick),
 * and the remainder, shorter than one access, ends up idle. Every other charge is a consequence of
 * something that already happened, so it is always accepted: the part beyond the end of the tick
 * is carried over and charged, in the same category, at the start of the next tick
 * ({@link #beginTick}); a page-in that completes 250 ms after it was asked for blocks the vCPU for
 * the rest of this tick and into the next ones. Carries are applied in category order.
 *
 * <p>Invariant: for every vCPU the seven categories add up to the tick's length in cycles exactly,
 * so the guest's breakdown adds up to {@code vcpus x tick} ({@link #checkInvariant()}; in seconds,
 * up to floating-point rounding of the division by the clock rate).
 *
 * <p>Which vCPU runs a guest's next access is the caller's choice; {@link #earliestVcpu()} picks the
 * one whose clock is furthest behind (ties to the lowest index), as if the vCPUs ran side by side.
 *
 * <p>Hot path: the charge methods do arithmetic on primitive arrays; no allocation. Owned by the
 * actor that plays the guest's tick; not thread-safe. Reused tick after tick.
 */
public final class TickBudget {
    /** An access whose translation hit the TLB. */
    public static final int TLB_HIT = 0;
    /** An access after a one-dimensional page walk. */
    public static final int WALK_1D = 1;
    /** An access after a two-dimensional (nested) page walk. */
    public static final int WALK_2D = 2;

    /** Categories of a vCPU's tick. */
    public static final int RUN = 0;
    public static final int OVERHEAD = 1;
    public static final int IO_WAIT = 2;
    public static final int HOST_SWAP_WAIT = 3;
    public static final int STALLED = 4;
    public static final int READY = 5;
    public static final int IDLE = 6;
    public static final int CATEGORIES = 7;
    private static final int CHARGED = 6;   // categories that are charged; IDLE is what is left

    private final int vcpus;
    private final double hz;
    private final long tickCycles;
    private final long[] prices;
    private final long[] clock;
    private final long[] spent;     // [vcpu * CHARGED + category]
    private final long[] carry;     // [vcpu * CHARGED + category]
    private long accesses;

    /**
     * @param vcpus       the guest's vCPUs (>= 1)
     * @param ghz         the host's core clock
     * @param tickSeconds simulated seconds per tick
     * @param prices      what an access costs by outcome
     */
    public TickBudget(int vcpus, double ghz, double tickSeconds, AccessPrices prices) {
        if (vcpus < 1) {
            throw new IllegalArgumentException("a guest needs at least one vCPU, not " + vcpus);
        }
        if (!(ghz > 0) || Double.isInfinite(ghz)) {
            throw new IllegalArgumentException("core clock must be a finite number of GHz > 0, not " + ghz);
        }
        if (!(tickSeconds > 0) || Double.isInfinite(tickSeconds)) {
            throw new IllegalArgumentException("tick must be a finite number of seconds > 0, not " + tickSeconds);
        }
        if (prices == null) {
            throw new IllegalArgumentException("a tick budget needs access prices");
        }
        this.vcpus = vcpus;
        this.hz = ghz * 1e9;
        this.tickCycles = Math.round(hz * tickSeconds);
        if (tickCycles < 1 || tickCycles > HostCpu.MAX_CYCLES_PER_TICK) {
            throw new IllegalArgumentException(ghz + " GHz x " + tickSeconds + " s is outside 1 .. 2^42 cycles per tick");
        }
        this.prices = new long[] {prices.tlbHitCycles(), prices.oneDimensionalWalkCycles(), prices.twoDimensionalWalkCycles()};
        this.clock = new long[vcpus];
        this.spent = new long[vcpus * CHARGED];
        this.carry = new long[vcpus * CHARGED];
    }

    public int vcpus() {
        return vcpus;
    }

    /** One vCPU's tick in cycles. */
    public long tickCycles() {
        return tickCycles;
    }

    /** One vCPU's tick in seconds (tickCycles / clock rate). */
    public double tickSeconds() {
        return tickCycles / hz;
    }

    /**
     * Starts a new tick: clocks and counters to zero, then what the previous ticks carried over is
     * charged (in category order; what still does not fit carries on).
     */
    public void beginTick() {
        Arrays.fill(clock, 0);
        Arrays.fill(spent, 0);
        accesses = 0;
        for (int v = 0; v < vcpus; v++) {
            for (int c = 0; c < CHARGED; c++) {
                int i = v * CHARGED + c;
                long owed = carry[i];
                if (owed > 0) {
                    carry[i] = 0;
                    charge(v, c, owed);
                }
            }
        }
    }

    /** Drops everything carried over (the guest left the host or was reset). */
    public void clearCarry() {
        Arrays.fill(carry, 0);
    }

    /** Cycles vCPU {@code v} still owes to the following ticks. */
    public long carriedCycles(int v) {
        long n = 0;
        for (int c = 0; c < CHARGED; c++) {
            n += carry[v * CHARGED + c];
        }
        return n;
    }

    /** Cycles of vCPU {@code v}'s tick already used. */
    public long nowCycles(int v) {
        return clock[v];
    }

    /** Seconds since the tick's start on vCPU {@code v}'s clock (add the tick's start for a device arrival time). */
    public double nowSeconds(int v) {
        return clock[v] / hz;
    }

    public long remainingCycles(int v) {
        return tickCycles - clock[v];
    }

    /** The vCPU whose clock is furthest behind (lowest index on ties), or -1 when every vCPU's tick is used up. */
    public int earliestVcpu() {
        int best = -1;
        long bestClock = tickCycles;
        for (int v = 0; v < vcpus; v++) {
            if (clock[v] < bestClock) {
                best = v;
                bestClock = clock[v];
            }
        }
        return best;
    }

    /** Charges one access of {@code outcome} to vCPU {@code v} if its price fits in what is left; false if not. */
    public boolean chargeAccess(int v, int outcome) {
        long price = prices[outcome];
        long now = clock[v];
        if (tickCycles - now < price) {
            return false;
        }
        clock[v] = now + price;
        spent[v * CHARGED + RUN] += price;
        accesses++;
        return true;
    }

    /** Charges as many of {@code count} accesses of {@code outcome} as fit on vCPU {@code v}; returns how many. */
    public long chargeAccesses(int v, int outcome, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative access count " + count);
        }
        long price = prices[outcome];
        long fit = Math.min(count, (tickCycles - clock[v]) / price);
        long cycles = fit * price;
        clock[v] += cycles;
        spent[v * CHARGED + RUN] += cycles;
        accesses += fit;
        return fit;
    }

    /**
     * Spreads {@code demand} accesses of {@code outcome} over the vCPUs (an equal part each, then what
     * did not fit on one vCPU to the others in index order); returns how many fit.
     */
    public long fitAccesses(int outcome, long demand) {
        if (demand < 0) {
            throw new IllegalArgumentException("negative access demand " + demand);
        }
        long left = demand;
        for (int v = 0; v < vcpus && left > 0; v++) {
            int n = vcpus - v;
            long part = left / n + (left % n == 0 ? 0 : 1);       // ceil(left / n) without overflow
            left -= chargeAccesses(v, outcome, part);
        }
        for (int v = 0; v < vcpus && left > 0; v++) {
            left -= chargeAccesses(v, outcome, left);
        }
        return demand - left;
    }

    /**
     * Charges at most what is left of vCPU {@code v}'s tick of {@code cycles} to {@link #RUN} or
     * {@link #OVERHEAD} and returns how many were charged; nothing is carried (the caller keeps the
     * work not done for a later tick).
     */
    public long chargeUpTo(int v, int category, long cycles) {
        if (category != RUN && category != OVERHEAD) {
            throw new IllegalArgumentException("only run and overhead cycles are charged up to the tick's end");
        }
        if (cycles < 0) {
            throw new IllegalArgumentException("negative charge of " + cycles + " cycles");
        }
        long fit = Math.min(cycles, tickCycles - clock[v]);
        clock[v] += fit;
        spent[v * CHARGED + category] += fit;
        return fit;
    }

    /** The rest of vCPU {@code v}'s tick is stalled (the host blocked the guest). */
    public void stallRest(int v) {
        charge(v, STALLED, tickCycles - clock[v]);
    }

    /** Cycles of the guest kernel's native work (a fault handler, a system call): run time. */
    public void chargeKernel(int v, long cycles) {
        charge(v, RUN, cycles);
    }

    /** Cycles virtualization adds (a trap, an exit, a hidden fault, a hypercall). */
    public void chargeOverhead(int v, long cycles) {
        charge(v, OVERHEAD, cycles);
    }

    /** Time blocked on the guest's own virtual disk (its page-ins and file reads). */
    public void chargeIoWait(int v, double seconds) {
        charge(v, IO_WAIT, toCycles(seconds));
    }

    /** Time blocked on a host swap-in. */
    public void chargeHostSwapWait(int v, double seconds) {
        charge(v, HOST_SWAP_WAIT, toCycles(seconds));
    }

    /** Time stalled (e.g. a guest paused for a migration's stop-and-copy). */
    public void chargeStall(int v, double seconds) {
        charge(v, STALLED, toCycles(seconds));
    }

    /** Time ready but not running (from {@link HostCpu#grant}'s ready cycles). */
    public void chargeReady(int v, long cycles) {
        charge(v, READY, cycles);
    }

    private long toCycles(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("blocked time must be a finite number of seconds >= 0, not " + seconds);
        }
        return Math.round(seconds * hz);
    }

    private void charge(int v, int category, long cycles) {
        if (cycles < 0) {
            throw new IllegalArgumentException("negative charge of " + cycles + " cycles");
        }
        long now = clock[v];
        long fit = Math.min(cycles, tickCycles - now);
        clock[v] = now + fit;
        int i = v * CHARGED + category;
        spent[i] += fit;
        carry[i] += cycles - fit;
    }

    /** Accesses completed this tick, over all vCPUs. */
    public long accessesCompleted() {
        return accesses;
    }

    /** Cycles of vCPU {@code v}'s tick in {@code category} ({@link #RUN} .. {@link #IDLE}). */
    public long cycles(int v, int category) {
        if (category == IDLE) {
            return tickCycles - clock[v];
        }
        return spent[v * CHARGED + category];
    }

    /** Cycles of the guest's tick in {@code category}, over all vCPUs. */
    public long cycles(int category) {
        long n = 0;
        for (int v = 0; v < vcpus; v++) {
            n += cycles(v, category);
        }
        return n;
    }

    public double seconds(int category) {
        return cycles(category) / hz;
    }

    public double runSeconds() {
        return seconds(RUN);
    }

    public double overheadSeconds() {
        return seconds(OVERHEAD);
    }

    public double ioWaitSeconds() {
        return seconds(IO_WAIT);
    }

    public double hostSwapWaitSeconds() {
        return seconds(HOST_SWAP_WAIT);
    }

    public double stalledSeconds() {
        return seconds(STALLED);
    }

    public double readySeconds() {
        return seconds(READY);
    }

    public double idleSeconds() {
        return seconds(IDLE);
    }

    /** The guest's whole tick: vcpus x tick, in seconds. */
    public double totalSeconds() {
        return vcpus * tickCycles / hz;
    }

    /** Whether every category is >= 0 and each vCPU's categories add up to its tick exactly. */
    public boolean addsUp() {
        for (int v = 0; v < vcpus; v++) {
            long sum = 0;
            for (int c = 0; c < CATEGORIES; c++) {
                long x = cycles(v, c);
                if (x < 0) {
                    return false;
                }
                sum += x;
            }
            if (sum != tickCycles) {
                return false;
            }
        }
        return true;
    }

    /** Throws if the breakdown does not add up to vcpus x tick (see {@link #addsUp()}). */
    public void checkInvariant() {
        if (!addsUp()) {
            StringBuilder sb = new StringBuilder("tick breakdown does not add up to ")
                    .append(vcpus).append(" x ").append(tickCycles).append(" cycles:");
            for (int c = 0; c < CATEGORIES; c++) {
                sb.append(' ').append(cycles(c));
            }
            throw new IllegalStateException(sb.toString());
        }
    }
}
