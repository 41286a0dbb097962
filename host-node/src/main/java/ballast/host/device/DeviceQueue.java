package ballast.host.device;

/**
 * One device's first-in-first-out queue in simulated time: the swap device or the storage device
 * behind a host's guests' virtual disks (one queue serves both when they are the same device).
 *
 * <p>Algorithm. Each tick the requests of all the host's guests are submitted in a canonical order
 * (see {@link Order}), each with the simulated time it arrives at (seconds since the start of the
 * run). The device serves them one at a time in submission order:
 * <pre>
 *   start      = max(arrival, freeAt)
 *   completion = start + latency + bytes / bandwidth
 *   freeAt     = completion
 *   wait       = completion - arrival        (queueing + service, what the guest waits)
 * </pre>
 * {@code freeAt} persists across ticks, so a backlog left at the end of one tick delays the next
 * tick's requests. Many guests paging in the same tick each wait longer: contention emerges from
 * the queue, it is not a parameter.
 *
 * <p>Canonical orders ({@link Order}), both deterministic, checked on every submission:
 * <ul>
 *   <li>{@link Order#BY_GUEST}: by guest index, then each guest's own order. Simple to drive (play
 *       each guest's tick in turn), but a request submitted after another is never served before
 *       it even if it arrives earlier: when the device is saturated the first guests of the tick
 *       take it all and the later ones find it busy to the end of the tick.</li>
 *   <li>{@link Order#BY_ARRIVAL}: by arrival time, ties by guest index. True FIFO in simulated
 *       time, so guests paging at once share a saturated device; the caller interleaves its guests,
 *       always advancing the one whose clock is furthest behind (ties to the lower index).</li>
 * </ul>
 *
 * <p>Statistics: requests and bytes (in total and by kind), busy seconds (the sum of service times),
 * the mean wait, and wait percentiles from a primitive log-linear histogram (at most 1.6 % high).
 *
 * <p>Hot path: {@link #submit} does arithmetic on fields and one histogram increment; no allocation.
 * Owned by the host's time model (one per device per host, used by one actor); not thread-safe.
 */
public final class DeviceQueue {
    /** A swap-in: the host reads a guest page back from its swap file. */
    public static final int SWAP_READ = 0;
    /** A swap-out: the host writes a guest page to its swap file. */
    public static final int SWAP_WRITE = 1;
    /** A guest reads from its virtual disk (its own page-in, a file read). */
    public static final int DISK_READ = 2;
    /** A guest writes to its virtual disk (its own page-out, a file write). */
    public static final int DISK_WRITE = 3;
    /** Number of request kinds. */
    public static final int KINDS = 4;

    /** The order requests must be submitted in within a tick. */
    public enum Order {
        /** By guest index, then each guest's own order. */
        BY_GUEST,
        /** By arrival time, ties by guest index: FIFO in simulated time. */
        BY_ARRIVAL
    }

    private final DeviceSettings settings;
    private final Order order;
    private final double latency;
    private final double bandwidth;
    private final WaitHistogram waits = new WaitHistogram();
    private final long[] requestsByKind = new long[KINDS];
    private final long[] bytesByKind = new long[KINDS];

    private double freeAt;
    private double tickStart;
    private int lastGuest = -1;
    private double lastArrival = Double.NEGATIVE_INFINITY;
    private double busySeconds;
    private double waitSecondsSum;

    /** A queue whose requests come {@link Order#BY_GUEST}. */
    public DeviceQueue(DeviceSettings settings) {
        this(settings, Order.BY_GUEST);
    }

    public DeviceQueue(DeviceSettings settings, Order order) {
        if (settings == null || order == null) {
            throw new IllegalArgumentException("a device queue needs device settings and a submission order");
        }
        this.settings = settings;
        this.order = order;
        this.latency = settings.latencySeconds();
        this.bandwidth = settings.bandwidthBytesPerSecond();
    }

    public DeviceSettings settings() {
        return settings;
    }

    public Order order() {
        return order;
    }

    /** True for {@link #SWAP_WRITE} and {@link #DISK_WRITE}. */
    public static boolean isWrite(int kind) {
        return (kind & 1) != 0;
    }

    /** True for {@link #SWAP_READ} and {@link #SWAP_WRITE}. */
    public static boolean isSwap(int kind) {
        return kind == SWAP_READ || kind == SWAP_WRITE;
    }

    /**
     * Opens a tick that starts at {@code tickStartSeconds} (seconds since the run's start, not
     * before the previous tick's start): the canonical-order check starts again. The device's
     * backlog is kept.
     */
    public void beginTick(double tickStartSeconds) {
        if (!(tickStartSeconds >= tickStart) || Double.isInfinite(tickStartSeconds)) {
            throw new IllegalArgumentException("tick start " + tickStartSeconds + " s is before the previous tick's start "
                    + tickStart + " s");
        }
        tickStart = tickStartSeconds;
        lastGuest = -1;
        lastArrival = Double.NEGATIVE_INFINITY;
    }

    /**
     * Queues one request and returns when it completes (seconds since the run's start).
     *
     * @param guest          the guest's index on the host (>= 0)
     * @param kind           {@link #SWAP_READ}, {@link #SWAP_WRITE}, {@link #DISK_READ} or {@link #DISK_WRITE}
     * @param bytes          request size (>= 0)
     * @param arrivalSeconds when the request reaches the device, not before the tick's start
     * @throws IllegalStateException if the request breaks the queue's canonical {@link Order}
     */
    public double submit(int guest, int kind, long bytes, double arrivalSeconds) {
        if (guest < 0) {
            throw new IllegalArgumentException("negative guest index " + guest);
        }
        if (order == Order.BY_GUEST ? guest < lastGuest
                : arrivalSeconds < lastArrival || (arrivalSeconds == lastArrival && guest < lastGuest)) {
            throw new IllegalStateException("request of guest " + guest + " arriving at " + arrivalSeconds
                    + " s after one of guest " + lastGuest + " arriving at " + lastArrival
                    + " s in the same tick: requests must come in canonical order (" + order + ")");
        }
        if (kind < 0 || kind >= KINDS) {
            throw new IllegalArgumentException("unknown request kind " + kind);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("negative request size " + bytes);
        }
        if (!(arrivalSeconds >= tickStart) || Double.isInfinite(arrivalSeconds)) {
            throw new IllegalArgumentException("request arrives at " + arrivalSeconds + " s, before the tick's start "
                    + tickStart + " s");
        }
        lastGuest = guest;
        lastArrival = arrivalSeconds;
        double service = latency + bytes / bandwidth;
        double start = Math.max(arrivalSeconds, freeAt);
        double completion = start + service;
        freeAt = completion;
        busySeconds += service;
        double wait = completion - arrivalSeconds;
        waitSecondsSum += wait;
        waits.record(Math.round(wait * 1e9));
        requestsByKind[kind]++;
        bytesByKind[kind] += bytes;
        return completion;
    }

    /**
     * Queues {@code count} requests in array order (which must be canonical) and writes each one's
     * completion time to {@code completionsOut[i]}.
     */
    public void submitAll(int count, int[] guests, int[] kinds, long[] bytes, double[] arrivals, double[] completionsOut) {
        for (int i = 0; i < count; i++) {
            completionsOut[i] = submit(guests[i], kinds[i], bytes[i], arrivals[i]);
        }
    }

    /** When the device has served every request queued so far (seconds since the run's start). */
    public double freeAtSeconds() {
        return freeAt;
    }

    /** Work still queued at {@code atSeconds}: how long a request arriving then waits before its service starts. */
    public double backlogSeconds(double atSeconds) {
        return Math.max(0, freeAt - atSeconds);
    }

    public long requests() {
        long n = 0;
        for (long r : requestsByKind) {
            n += r;
        }
        return n;
    }

    public long requests(int kind) {
        return requestsByKind[kind];
    }

    public long bytes() {
        long n = 0;
        for (long b : bytesByKind) {
            n += b;
        }
        return n;
    }

    public long bytes(int kind) {
        return bytesByKind[kind];
    }

    /** Seconds the device spent serving requests (the sum of their service times). */
    public double busySeconds() {
        return busySeconds;
    }

    /** Mean wait (queueing + service) in milliseconds; 0 without requests. */
    public double meanWaitMs() {
        long n = waits.count();
        return n == 0 ? 0 : waitSecondsSum / n * 1e3;
    }

    /** The 99th percentile of the waits in milliseconds (at most 1.6 % high); 0 without requests. */
    public double p99WaitMs() {
        return waitPercentileMs(99);
    }

    /** A percentile (0-100) of the waits in milliseconds (at most 1.6 % high); 0 without requests. */
    public double waitPercentileMs(double percentile) {
        return waits.valueAtPercentile(percentile) / 1e6;
    }

    /** The longest wait in milliseconds (to the nanosecond). */
    public double maxWaitMs() {
        return waits.max() / 1e6;
    }

    /** Forgets the statistics (requests, bytes, busy time, waits); the backlog stays. */
    public void clearStatistics() {
        java.util.Arrays.fill(requestsByKind, 0);
        java.util.Arrays.fill(bytesByKind, 0);
        busySeconds = 0;
        waitSecondsSum = 0;
        waits.clear();
    }
}
