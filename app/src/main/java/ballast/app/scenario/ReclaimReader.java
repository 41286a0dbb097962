package ballast.app.scenario;

import static ballast.app.scenario.Entry.PAGE_BYTES;
import static ballast.app.scenario.Entry.show;

import ballast.host.GuestAllocation;
import ballast.host.reclaim.AllocationPolicies;
import ballast.host.reclaim.ReclaimSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the memory-reclamation keys of a host ({@code reclaim}, {@code policy}, {@code free-states},
 * {@code swap}, {@code swap-in-cost}, {@code swap-rate}, {@code guest-overhead}) and the allocation
 * keys of a guest ({@code min}, {@code shares}, {@code balloon}, {@code start}), reporting every
 * problem to {@link Problems}. The same per-key readers check the values a timed {@code set} event
 * changes, so a value is refused the same way wherever it is written.
 */
final class ReclaimReader {
    static final List<String> SHARES_LEVELS = List.of("low", "normal", "high");
    /** What a host's keys may be changed to by a timed {@code set} event, relative to the host. */
    static final List<String> SETTABLE = List.of("policy.name", "policy.tau", "policy.headroom",
            "policy.balance-period", "free-states.high", "free-states.soft", "free-states.hard",
            "free-states.low", "free-states.hysteresis", "swap-in-cost", "swap-rate");
    /** Host keys that exist but cannot change while guests run, and why. */
    static final List<String> FIXED_DURING_RUN = List.of("reclaim", "swap", "guest-overhead", "policy.sample-period",
            "policy.samples");
    static final String AUTO = "auto";
    static final double MAX_HEADROOM = 10;
    static final long MAX_SAMPLES = 1 << 20;

    private final Problems problems;
    private final Config defaults;

    ReclaimReader(Problems problems, Config defaults) {
        this.problems = problems;
        this.defaults = defaults;
    }

    /**
     * A host's reclamation, typed.
     *
     * @param swapBytes          the swap size, or -1 for {@code auto}
     * @param swapPagesPerSecond swap-out rate, in pages per simulated second
     */
    record Reclaim(boolean enabled, String policy, double tau, double headroom, Duration balancePeriod,
                   Duration samplePeriod, int samples, double high, double soft, double hard, double low,
                   double hysteresis, long swapBytes, long swapInCycles, double swapPagesPerSecond,
                   long overheadBytes) {

        int overheadPages() {
            return (int) Math.min(Integer.MAX_VALUE, overheadBytes / PAGE_BYTES);
        }

        /** The hypervisor's settings, with the swap resolved to {@code swapPages} (a host that does not reclaim gets no swap and no overhead). */
        ReclaimSettings settings(long swapPages, double tickSeconds) {
            return new ReclaimSettings(enabled, policy, tau, headroom, Entry.seconds(balancePeriod),
                    Entry.seconds(samplePeriod), samples, high, soft, hard, low, hysteresis,
                    enabled ? swapPages : 0, swapInCycles, swapPagesPerSecond, enabled ? overheadPages() : 0, tickSeconds);
        }

        Reclaim withPolicy(String newPolicy, double newTau, double newHeadroom, Duration newBalance) {
            return new Reclaim(enabled, newPolicy, newTau, newHeadroom, newBalance, samplePeriod, samples, high, soft,
                    hard, low, hysteresis, swapBytes, swapInCycles, swapPagesPerSecond, overheadBytes);
        }

        Reclaim withStates(double newHigh, double newSoft, double newHard, double newLow, double newHysteresis) {
            return new Reclaim(enabled, policy, tau, headroom, balancePeriod, samplePeriod, samples, newHigh, newSoft,
                    newHard, newLow, newHysteresis, swapBytes, swapInCycles, swapPagesPerSecond, overheadBytes);
        }

        Reclaim withSwapCosts(long newSwapInCycles, double newSwapPagesPerSecond) {
            return new Reclaim(enabled, policy, tau, headroom, balancePeriod, samplePeriod, samples, high, soft, hard,
                    low, hysteresis, swapBytes, newSwapInCycles, newSwapPagesPerSecond, overheadBytes);
        }
    }

    /**
     * A guest's allocation and balloon, typed; the shares and the balloon's cap resolved against its
     * memory.
     *
     * @param start when it boots (zero: with the run)
     */
    record Allocation(int minPages, double shares, boolean balloonEnabled, int balloonPagesPerTick,
                      Duration balloonBackoff, int balloonCapPages, Duration start) {

        GuestAllocation allocation() {
            return new GuestAllocation(minPages, shares, balloonCapPages);
        }
    }

    // ---------------------------------------------------------------- hosts

    /** Reads a host's reclamation keys through the defaults; null when any is unusable. */
    Reclaim readHost(Entry host) {
        int before = problems.reports();
        Boolean enabled = host.bool("reclaim");
        Entry policy = host.child("policy");
        policy.checkKeys(defaults.getObject("host.policy").keySet());
        String name = policyName(policy);
        Double tau = tau(policy);
        Double headroom = headroom(policy);
        Duration balance = policy.positiveDuration("balance-period");
        Duration sample = policy.positiveDuration("sample-period");
        Integer samples = samples(policy);
        Entry states = host.child("free-states");
        states.checkKeys(defaults.getObject("host.free-states").keySet());
        Double high = state(states, "high");
        Double soft = state(states, "soft");
        Double hard = state(states, "hard");
        Double low = state(states, "low");
        Double hysteresis = state(states, "hysteresis");
        if (high != null && soft != null && hard != null && low != null) {
            String[] wrong = orderProblem(high, soft, hard, low);
            if (wrong != null) {
                states.problemAbout(wrong[0], wrong[1]);
            }
        }
        Long swap = swap(host);
        Long swapIn = swapInCost(host);
        Double rate = swapRate(host);
        Long overhead = host.bytes("guest-overhead", false);
        if (problems.reports() != before) {
            return null;
        }
        return new Reclaim(enabled, name, tau, headroom, balance, sample, samples, high, soft, hard, low, hysteresis,
                swap, swapIn, rate, overhead);
    }

    String policyName(Entry policy) {
        return policy.oneOf("name", "allocation policy", List.copyOf(AllocationPolicies.names()));
    }

    Double tau(Entry policy) {
        return policy.share("tau", 0, 1, true);
    }

    Double headroom(Entry policy) {
        return policy.share("headroom", 0, MAX_HEADROOM, false);
    }

    Integer samples(Entry policy) {
        Long n = policy.integer("samples", 1, MAX_SAMPLES);
        return n == null ? null : n.intValue();
    }

    Double state(Entry states, String key) {
        return states.share(key, 0, 1, true);
    }

    Long swapInCost(Entry host) {
        return host.integer("swap-in-cost", 0, Long.MAX_VALUE);
    }

    /**
     * The first threshold out of order, as {key, message}, or null: they must satisfy
     * {@code low <= hard <= soft <= high}.
     */
    static String[] orderProblem(double high, double soft, double hard, double low) {
        String[] names = {"high", "soft", "hard", "low"};
        double[] values = {high, soft, hard, low};
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[i - 1]) {
                return new String[] {names[i], names[i] + " (" + percent(values[i]) + ") is above " + names[i - 1] + " ("
                        + percent(values[i - 1]) + "): the free-memory thresholds must satisfy low <= hard <= soft <= high"};
            }
        }
        return null;
    }

    static String percent(double fraction) {
        return show(Math.round(fraction * 1e6) / 1e4) + "%";
    }

    /** {@code swap}: {@code auto} (returned as -1) or a size. */
    private Long swap(Entry host) {
        Entry.Found f = host.find("swap");
        if (f == null) {
            return null;
        }
        if (f.value().valueType() == ConfigValueType.STRING && AUTO.equals(((String) f.value().unwrapped()).trim())) {
            return -1L;
        }
        Long bytes = host.bytes("swap", false);
        if (bytes == null) {
            return null;
        }
        return bytes;
    }

    /** {@code swap-rate}: pages per second (a number) or bytes per second (a size); in pages per second. */
    Double swapRate(Entry host) {
        Entry.Found f = host.find("swap-rate");
        if (f == null) {
            return null;
        }
        if (f.value().valueType() == ConfigValueType.NUMBER) {
            return host.number("swap-rate", 0);
        }
        Long bytes = null;
        if (f.value().valueType() == ConfigValueType.STRING) {
            try {
                bytes = f.value().atKey("v").getBytes("v");
            } catch (com.typesafe.config.ConfigException e) {
                bytes = null;
            }
        }
        if (bytes == null || bytes < 0) {
            host.problemAtValue("swap-rate", "expected pages per simulated second (a number such as 4096) or bytes"
                    + " per simulated second (a size such as 16MiB), got " + show(f.value()));
            return null;
        }
        return bytes / (double) PAGE_BYTES;
    }

    // ---------------------------------------------------------------- guests

    /**
     * Reads a guest's (or template's) allocation keys; the shares level and the balloon's cap are
     * resolved against {@code pages} (null when the memory is unusable: then null is returned).
     * {@code checkFit} asks for the checks of min and the balloon's cap against the memory (the
     * guest or template writes one of the values).
     */
    Allocation readGuest(Entry guest, Integer pages, boolean checkFit, String owner) {
        int before = problems.reports();
        Long minBytes = guest.bytes("min", false);
        Entry.Found sharesFound = guest.find("shares");
        Double sharesNumber = null;
        String level = null;
        if (sharesFound != null) {
            if (sharesFound.value().valueType() == ConfigValueType.NUMBER) {
                sharesNumber = guest.number("shares", 0);
            } else {
                String written = guest.string("shares");
                if (written != null && !SHARES_LEVELS.contains(written)) {
                    guest.problemAtValue("shares", "unknown shares " + written + Names.didYouMean(written, SHARES_LEVELS)
                            + "; allowed: a number, or low, normal, high (5, 10, 20 per MB of memory)");
                } else {
                    level = written;
                }
            }
        }
        Entry balloon = guest.child("balloon");
        balloon.checkKeys(defaults.getObject("guest.balloon").keySet());
        Boolean enabled = balloon.bool("enabled");
        Long perTick = balloon.integer("pages-per-tick", 1, Integer.MAX_VALUE);
        Duration backoff = balloon.duration("backoff");
        if (backoff != null && backoff.isNegative()) {
            balloon.problemAtValue("backoff", "must not be negative, got " + show(balloon.find("backoff").value()));
        }
        Double capFraction = null;
        Long capBytes = null;
        Entry.Found cap = balloon.find("max");
        if (cap != null && Entry.isShare(cap.value())) {
            capFraction = balloon.share("max", 0, 1, false);
        } else if (cap != null) {
            capBytes = balloon.bytes("max", false);
        }
        Duration start = guest.duration("start");
        if (start != null && start.isNegative()) {
            guest.problemAtValue("start", "must not be negative, got " + show(guest.find("start").value()));
        }
        String memory = pages == null ? null : show(guest.find("memory").value());
        if (pages != null && checkFit && minBytes != null && minBytes / PAGE_BYTES > pages) {
            guest.problemAbout("min", "min " + show(guest.find("min").value()) + " is more than the memory of " + owner
                    + " (" + memory + ")");
        }
        if (pages != null && checkFit && capBytes != null && capBytes / PAGE_BYTES > pages) {
            balloon.problemAbout("max", "balloon max " + show(cap.value()) + " is more than the memory of " + owner
                    + " (" + memory + ")");
        }
        if (problems.reports() != before || pages == null || minBytes == null || enabled == null || perTick == null
                || backoff == null || capFraction == null && capBytes == null || start == null
                || sharesNumber == null && level == null) {
            return null;
        }
        int minPages = (int) Math.min(pages, minBytes / PAGE_BYTES);
        double shares = sharesNumber != null ? sharesNumber : perMb(level) * pages / 256.0;
        int capPages = capFraction != null ? (int) (capFraction * pages) : (int) Math.min(pages, capBytes / PAGE_BYTES);
        return new Allocation(minPages, shares, enabled, perTick.intValue(), backoff, capPages, start);
    }

    private static double perMb(String level) {
        switch (level) {
            case "low":
                return GuestAllocation.LOW_PER_MB;
            case "high":
                return GuestAllocation.HIGH_PER_MB;
            default:
                return GuestAllocation.NORMAL_PER_MB;
        }
    }

    // ---------------------------------------------------------------- timed changes

    /**
     * Applies one {@code set} event's changes of one host ({@code changes}: key relative to the
     * host, such as {@code policy.tau}, to the value written) to {@code current}. Each value is read
     * by the reader the host's own key uses; a change the host cannot take is reported at its value.
     * Returns the host's reclamation after the event, or null when any change is unusable.
     */
    Reclaim change(Reclaim current, String path, List<Change> changes) {
        int before = problems.reports();
        Reclaim next = current;
        String policy = current.policy();
        double tau = current.tau();
        double headroom = current.headroom();
        Duration balance = current.balancePeriod();
        double[] states = {current.high(), current.soft(), current.hard(), current.low(), current.hysteresis()};
        long swapIn = current.swapInCycles();
        double rate = current.swapPagesPerSecond();
        List<String> stateKeys = List.of("high", "soft", "hard", "low", "hysteresis");
        ConfigValue statesValue = null;
        for (Change c : changes) {
            int dot = c.key().indexOf('.');
            String section = dot < 0 ? "" : c.key().substring(0, dot);
            String key = dot < 0 ? c.key() : c.key().substring(dot + 1);
            Entry one = Entry.of(problems, section.isEmpty() ? path : Entry.join(path, section), c.value().atKey(key).root());
            switch (c.key()) {
                case "policy.name" -> policy = orElse(policyName(one), policy);
                case "policy.tau" -> tau = orElse(tau(one), tau);
                case "policy.headroom" -> headroom = orElse(headroom(one), headroom);
                case "policy.balance-period" -> balance = orElse(one.positiveDuration(key), balance);
                case "swap-in-cost" -> swapIn = orElse(swapInCost(one), swapIn);
                case "swap-rate" -> rate = orElse(swapRate(one), rate);
                default -> {
                    int i = stateKeys.indexOf(key);
                    Double v = state(one, key);
                    if (v != null) {
                        states[i] = v;
                        statesValue = c.value();
                    }
                }
            }
        }
        if (problems.reports() != before) {
            return null;
        }
        String[] wrong = orderProblem(states[0], states[1], states[2], states[3]);
        if (wrong != null) {
            ConfigValue at = statesValue != null ? statesValue : changes.get(0).value();
            problems.at(at.origin(), Entry.join(path, "free-states"), "after this event " + wrong[1]);
            return null;
        }
        next = next.withPolicy(policy, tau, headroom, balance)
                .withStates(states[0], states[1], states[2], states[3], states[4])
                .withSwapCosts(swapIn, rate);
        return next;
    }

    /** One value of a {@code set} event: the host key it changes ({@code policy.tau}) and the value written. */
    record Change(String key, ConfigValue value) {
    }

    private static <T> T orElse(T read, T keep) {
        return read != null ? read : keep;
    }

    /** The settable keys and the fixed ones, for did-you-mean suggestions. */
    static List<String> knownHostKeys() {
        List<String> all = new ArrayList<>(SETTABLE);
        all.addAll(FIXED_DURING_RUN);
        return all;
    }

    /** The host's swap in pages: its size, or for {@code auto} the sum of every guest's max - min. */
    static long swapPages(Reclaim reclaim, long autoPages) {
        return reclaim.swapBytes() < 0 ? autoPages : reclaim.swapBytes() / PAGE_BYTES;
    }
}
