package ballast.host.reclaim;

/**
 * ESX's free-memory states (Waldspurger, OSDI 2002, section 6.1), from the host's free frames:
 * {@link #HIGH} (no reclamation), {@link #SOFT} (ballooning; paging only where ballooning cannot
 * work), {@link #HARD} (forced paging) and {@link #LOW} (paging, and guests above their target
 * stall).
 *
 * <p>Each state has a threshold, a fraction of the host's frames (defaults 6%, 4%, 2%, 1%). The
 * host falls into a state when its free memory drops below that state's threshold ({@code free <
 * soft}: soft; {@code free < hard}: hard; {@code free < low}: low), and climbs back out of it only
 * when free memory clearly exceeds the threshold above: at or above that threshold plus the
 * hysteresis (a fraction of the frames too). So soft is left for high at 6%, hard for soft at 4%,
 * low for hard at 2%: a host hovering at a threshold does not flap, and every threshold is used.
 * Falling is immediate and may skip states; a climb may skip states too (low straight to high
 * when memory frees fast).
 *
 * <p>Time: {@link #update} first adds the elapsed simulated seconds to the state the host was in
 * during them, then moves; the seconds per state therefore sum to the simulated time.
 *
 * <p>Cost: O(1) per update, no allocation. Not thread-safe.
 */
public final class FreeMemoryStates {
    public static final int HIGH = 0;
    public static final int SOFT = 1;
    public static final int HARD = 2;
    public static final int LOW = 3;
    private static final String[] NAMES = {"high", "soft", "hard", "low"};

    private final long totalPages;
    /** Threshold in free pages of each state, by state index. */
    private final long[] threshold = new long[4];
    private long hysteresisPages;
    private final double[] seconds = new double[4];
    private int state = HIGH;
    private long changes;

    public FreeMemoryStates(long totalPages, double high, double soft, double hard, double low, double hysteresis) {
        if (totalPages <= 0) {
            throw new IllegalArgumentException("total pages must be positive: " + totalPages);
        }
        this.totalPages = totalPages;
        setThresholds(high, soft, hard, low, hysteresis);
    }

    /** The thresholds of {@code settings}. */
    public static FreeMemoryStates of(long totalPages, ReclaimSettings settings) {
        return new FreeMemoryStates(totalPages, settings.highFraction(), settings.softFraction(),
                settings.hardFraction(), settings.lowFraction(), settings.hysteresisFraction());
    }

    /** New thresholds from now on (the state and the time spent so far are kept until the next update). */
    public void setThresholds(double high, double soft, double hard, double low, double hysteresis) {
        if (!(low >= 0 && low <= hard && hard <= soft && soft <= high && high < 1) || !(hysteresis >= 0 && hysteresis < 1)) {
            throw new IllegalArgumentException("need 0 <= low <= hard <= soft <= high < 1 and 0 <= hysteresis < 1");
        }
        threshold[HIGH] = pages(high);
        threshold[SOFT] = pages(soft);
        threshold[HARD] = pages(hard);
        threshold[LOW] = pages(low);
        hysteresisPages = pages(hysteresis);
    }

    private long pages(double fraction) {
        return (long) Math.ceil(fraction * totalPages - 1e-9);
    }

    /**
     * {@code elapsedSeconds} passed in the current state; then the state follows
     * {@code freePages}. Returns whether it changed.
     */
    public boolean update(long freePages, double elapsedSeconds) {
        if (!(elapsedSeconds >= 0)) {
            throw new IllegalArgumentException("elapsed seconds must not be negative: " + elapsedSeconds);
        }
        seconds[state] += elapsedSeconds;
        int next = state;
        // fall: below a lower state's threshold
        int band = band(freePages);
        if (band > next) {
            next = band;
        } else {
            // climb: one state up at a time while free memory clearly exceeds the higher state's threshold
            while (next > HIGH && freePages >= threshold[next - 1] + hysteresisPages) {
                next--;
            }
        }
        if (next != state) {
            state = next;
            changes++;
            return true;
        }
        return false;
    }

    /** The lowest state whose threshold {@code freePages} is below (the state a fall lands in). */
    int band(long freePages) {
        if (freePages < threshold[LOW]) {
            return LOW;
        }
        if (freePages < threshold[HARD]) {
            return HARD;
        }
        if (freePages < threshold[SOFT]) {
            return SOFT;
        }
        return HIGH;
    }

    public int state() {
        return state;
    }

    public String stateName() {
        return NAMES[state];
    }

    public static String name(int state) {
        return NAMES[state];
    }

    /** Simulated seconds spent in {@code s} so far. */
    public double seconds(int s) {
        return seconds[s];
    }

    /** The free pages below which the host falls into state {@code s} ({@code s = HIGH}: the level that leaves soft). */
    public long thresholdPages(int s) {
        return threshold[s];
    }

    public long hysteresisPages() {
        return hysteresisPages;
    }

    /** State changes so far. */
    public long changes() {
        return changes;
    }
}
