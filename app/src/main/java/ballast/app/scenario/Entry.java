package ballast.app.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One entry of a scenario (the scenario block, a host, a guest, its workload, one phase) seen
 * through its fallbacks: the entry's own object first, then, for a guest, its template, then the
 * library default. A key is read from the first object that has it, so a problem with a value is
 * reported where that value was written (a template's line, not each guest's).
 *
 * <p>Every reader reports what is wrong to {@link Problems} and returns null when the value is
 * absent or unusable; callers check {@link #has} for required keys. Sizes are in bytes.
 */
final class Entry {
    /** The size of a guest-physical page and of a machine frame. */
    static final long PAGE_BYTES = ballast.abi.Ops.PAGE_BYTES;

    /**
     * One object of the chain.
     *
     * @param path   its HOCON path, as shown in problems
     * @param object the object
     * @param user   false for the library defaults (reference.conf)
     */
    record Layer(String path, ConfigObject object, boolean user) {
    }

    /**
     * A value and where it was found.
     *
     * @param path its HOCON path
     * @param own  whether the entry's own object holds it
     * @param user whether the user wrote it (false for a library default)
     */
    record Found(String path, ConfigValue value, boolean own, boolean user) {
    }

    private final Problems problems;
    private final String path;
    private final ConfigOrigin origin;
    private final List<Layer> layers;

    Entry(Problems problems, String path, ConfigOrigin origin, List<Layer> layers) {
        this.problems = problems;
        this.path = path;
        this.origin = origin;
        this.layers = List.copyOf(layers);
    }

    /** An entry written by the user at {@code path}, falling back to nothing yet. */
    static Entry of(Problems problems, String path, ConfigObject own) {
        return new Entry(problems, path, own.origin(), List.of(new Layer(path, own, true)));
    }

    /** {@code parent.key}, quoting the key when HOCON needs it. */
    static String join(String parent, String key) {
        String quoted = ConfigUtil.joinPath(key);
        return parent.isEmpty() ? quoted : parent + "." + quoted;
    }

    String path() {
        return path;
    }

    String path(String key) {
        return join(path, key);
    }

    /** The entry's own object's origin; the enclosing entry's when it has none of its own. */
    ConfigOrigin origin() {
        return origin;
    }

    /** Whether any object backs this entry. */
    boolean exists() {
        return !layers.isEmpty();
    }

    /** The object the user wrote for this very entry, or null. */
    ConfigObject own() {
        return !layers.isEmpty() && isOwn(layers.get(0)) ? layers.get(0).object() : null;
    }

    /** The same entry, its problems reported to {@code other} (a sibling collection, to read values again quietly). */
    Entry reportingTo(Problems other) {
        return new Entry(other, path, origin, layers);
    }

    /** This entry with {@code fallback} tried after every other object. */
    Entry withFallback(Layer fallback) {
        List<Layer> more = new ArrayList<>(layers);
        more.add(fallback);
        return new Entry(problems, path, origin, more);
    }

    /**
     * The object at {@code key} of each object of the chain, as an entry of its own. A value there
     * that is not an object is a problem.
     */
    Entry child(String key) {
        List<Layer> childLayers = new ArrayList<>();
        ConfigOrigin childOrigin = origin;
        for (Layer layer : layers) {
            ConfigValue value = layer.object().get(key);
            if (value == null) {
                continue;
            }
            String childPath = join(layer.path(), key);
            if (value instanceof ConfigObject object) {
                if (isOwn(layer)) {
                    childOrigin = object.origin();
                }
                childLayers.add(new Layer(childPath, object, layer.user()));
            } else {
                problems.at(value.origin(), childPath, "expected an object { ... }, got " + show(value));
            }
        }
        return new Entry(problems, path(key), childOrigin, childLayers);
    }

    /**
     * Reports every key the user wrote for this entry that is not in {@code known}, suggesting a
     * known key close to it.
     */
    void checkKeys(Collection<String> known) {
        ConfigObject own = own();
        if (own == null) {
            return;
        }
        for (String key : new TreeSet<>(own.keySet())) {
            if (!known.contains(key)) {
                String hint = Names.didYouMean(key, known);
                if (hint.isEmpty()) {
                    hint = "; known keys: " + String.join(", ", new TreeSet<>(known));
                }
                problems.at(own.get(key).origin(), path(key), "unknown key " + key + hint);
            }
        }
    }

    boolean has(String key) {
        return find(key) != null;
    }

    /** The first object of the chain holding {@code key}, or null. */
    Found find(String key) {
        for (Layer layer : layers) {
            ConfigValue value = layer.object().get(key);
            if (value != null) {
                return new Found(join(layer.path(), key), value, isOwn(layer), layer.user());
            }
        }
        return null;
    }

    /**
     * Reports a problem about {@code key} that involves other values too (a working set larger
     * than the memory): at the value if this entry's own object holds it, else at the entry.
     */
    void problemAbout(String key, String message) {
        Found found = find(key);
        if (found != null && found.own()) {
            problems.at(found.value().origin(), found.path(), message);
        } else {
            problems.at(origin, path(key), message);
        }
    }

    /**
     * Reports a problem with the value at {@code key} where the user wrote it (this entry or its
     * template); at the entry when it comes from the library defaults or nowhere.
     */
    void problemAtValue(String key, String message) {
        Found found = find(key);
        if (found != null && found.user()) {
            problem(found, message);
        } else {
            problems.at(origin, path(key), message);
        }
    }

    /** Reports a problem about the entry as a whole (a missing key, an inconsistent pair). */
    void problem(String key, String message) {
        problems.at(origin, key.isEmpty() ? path : path(key), message);
    }

    private void problem(Found found, String message) {
        problems.at(found.value().origin(), found.path(), message);
    }

    // ---------------------------------------------------------------- typed readers

    String string(String key) {
        Found f = find(key);
        if (f == null) {
            return null;
        }
        ConfigValueType type = f.value().valueType();
        if (type != ConfigValueType.STRING && type != ConfigValueType.NUMBER && type != ConfigValueType.BOOLEAN) {
            problem(f, "expected a string, got " + show(f.value()));
            return null;
        }
        return String.valueOf(f.value().unwrapped());
    }

    /** A string that must be one of {@code allowed}. */
    String oneOf(String key, String what, Collection<String> allowed) {
        Found f = find(key);
        String value = string(key);
        if (value == null) {
            return null;
        }
        if (!allowed.contains(value)) {
            problem(f, "unknown " + what + " " + show(f.value()) + Names.didYouMean(value, allowed)
                    + "; allowed: " + String.join(", ", allowed));
            return null;
        }
        return value;
    }

    /** A switch: {@code on} / {@code off} (or true / false, yes / no). */
    Boolean bool(String key) {
        Found f = find(key);
        if (f == null) {
            return null;
        }
        try {
            return asConfig(f).getBoolean("v");
        } catch (ConfigException e) {
            problem(f, "expected on or off (true or false), got " + show(f.value()));
            return null;
        }
    }

    /** A memory size in bytes, {@code > 0} when {@code positive}, else {@code >= 0}. */
    Long bytes(String key, boolean positive) {
        Found f = find(key);
        if (f == null) {
            return null;
        }
        long bytes;
        try {
            bytes = asConfig(f).getBytes("v");
        } catch (ConfigException e) {
            if (looksNegative(f.value())) {
                problem(f, (positive ? "must be greater than 0" : "must not be negative") + ", got " + show(f.value()));
            } else {
                problem(f, "expected a memory size such as 256MiB, got " + show(f.value()));
            }
            return null;
        }
        if (positive && bytes <= 0) {
            problem(f, "must be greater than 0, got " + show(f.value()));
            return null;
        }
        return bytes;
    }

    /** A memory size of at least one 4 KiB page, as whole pages (floor), fitting an int. */
    Integer pages(String key) {
        Long bytes = bytes(key, true);
        if (bytes == null) {
            return null;
        }
        Found f = find(key);
        if (bytes < PAGE_BYTES) {
            problem(f, "must be at least one 4KiB page, got " + show(f.value()));
            return null;
        }
        if (bytes / PAGE_BYTES > Integer.MAX_VALUE) {
            problem(f, "is too large: at most " + Integer.MAX_VALUE + " pages of 4KiB (8TiB; a host's memory is at most"
                    + " " + ballast.host.memory.FramePool.MAX_FRAMES + " pages, just under 4TiB), got " + show(f.value()));
            return null;
        }
        return (int) (bytes / PAGE_BYTES);
    }

    /**
     * A memory of whole 4 KiB pages ({@link #pages}): a size that is not a whole number of pages
     * (1GB, 10^9 bytes) is a problem rather than rounded down.
     */
    Integer wholePages(String key) {
        Long bytes = bytes(key, true);
        if (bytes != null && bytes >= PAGE_BYTES && bytes % PAGE_BYTES != 0) {
            problem(find(key), "must be a whole number of 4KiB pages, got " + show(find(key).value()) + " (" + bytes
                    + " bytes); binary units such as MiB and GiB always are");
            return null;
        }
        return pages(key);
    }

    /** The longest duration a scenario may give: a day short of what a long of nanoseconds holds (about 292 years). */
    static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE).minusDays(1).withNanos(0);

    Duration duration(String key) {
        Found f = find(key);
        if (f == null) {
            return null;
        }
        Duration d;
        try {
            d = asConfig(f).getDuration("v");
        } catch (ConfigException e) {
            problem(f, "expected a duration such as 100ms, got " + show(f.value()));
            return null;
        }
        if (d.compareTo(MAX_DURATION) > 0 || d.compareTo(MAX_DURATION.negated()) < 0) {
            // the library caps what does not fit in a long of nanoseconds: say so instead of running the cap
            problem(f, "is too large: at most " + MAX_DURATION.toDays() + "d (the most nanoseconds a long holds),"
                    + " got " + show(f.value()));
            return null;
        }
        return d;
    }

    /** A duration that must be greater than zero. */
    Duration positiveDuration(String key) {
        Duration d = duration(key);
        if (d != null && (d.isNegative() || d.isZero())) {
            problem(find(key), "must be greater than 0, got " + show(find(key).value()));
            return null;
        }
        return d;
    }

    /** A whole number in [{@code min}, {@code max}]. */
    Long integer(String key, long min, long max) {
        Found f = find(key);
        if (f == null) {
            return null;
        }
        Long value = wholeNumber(f);
        if (value == null) {
            problem(f, "expected an integer, got " + show(f.value()));
            return null;
        }
        if (value < min || value > max) {
            String range = max == Long.MAX_VALUE ? "must be at least " + min : "must be between " + min + " and " + max;
            problem(f, range + ", got " + value);
            return null;
        }
        return value;
    }

    /** A finite number of at least {@code min}. */
    Double number(String key, double min) {
        return number(key, min, Double.POSITIVE_INFINITY);
    }

    /** A finite number in [{@code min}, {@code max}]. */
    Double number(String key, double min, double max) {
        Found f = find(key);
        if (f == null) {
            return null;
        }
        Double value = finite(f);
        if (value == null) {
            return null;
        }
        if (value < min || value > max) {
            String range = max == Double.POSITIVE_INFINITY ? "must be at least " + show(min)
                    : "must be between " + show(min) + " and " + show(max);
            problem(f, range + ", got " + show(f.value()));
            return null;
        }
        return value;
    }

    /** A number in [0, 1]. */
    Double fraction(String key) {
        return number(key, 0, 1);
    }

    /**
     * A fraction written as a number ({@code 0.06}) or a percentage ({@code 6%}), in [{@code min},
     * {@code max}] ({@code max} itself excluded when {@code maxExcluded}).
     */
    Double share(String key, double min, double max, boolean maxExcluded) {
        Found f = find(key);
        if (f == null) {
            return null;
        }
        Double value = share(f.value());
        if (value == null) {
            problem(f, "expected a fraction such as 0.06 or a percentage such as 6%, got " + show(f.value()));
            return null;
        }
        if (value < min || value > max || maxExcluded && value == max) {
            problem(f, "must be " + (maxExcluded ? "at least " + showShare(min) + " and less than " + showShare(max)
                    : "between " + showShare(min) + " and " + showShare(max)) + ", got " + show(f.value()));
            return null;
        }
        return value;
    }

    /** A number, or a string holding a number or a percentage, as a fraction; null when it is neither. */
    static Double share(ConfigValue value) {
        Object raw = value.unwrapped();
        double d;
        if (value.valueType() == ConfigValueType.NUMBER) {
            d = ((Number) raw).doubleValue();
        } else if (value.valueType() == ConfigValueType.STRING) {
            String s = ((String) raw).trim();
            boolean percent = s.endsWith("%");
            try {
                d = Double.parseDouble(percent ? s.substring(0, s.length() - 1).trim() : s);
            } catch (NumberFormatException e) {
                return null;
            }
            if (percent) {
                d /= 100;
            }
        } else {
            return null;
        }
        return Double.isFinite(d) ? d : null;
    }

    /** Whether a value is written as a percentage ({@code 65%}) or a plain number. */
    static boolean isShare(ConfigValue value) {
        return value.valueType() == ConfigValueType.NUMBER
                || value.valueType() == ConfigValueType.STRING && ((String) value.unwrapped()).trim().endsWith("%");
    }

    /** A fraction as the user may write it: 0, 1, 0.06 (6%). */
    private static String showShare(double d) {
        String plain = show(d);
        return d == 0 || d == 1 ? plain : plain + " (" + show(Math.round(d * 1e6) / 1e4) + "%)";
    }

    private Double finite(Found f) {
        try {
            double value = asConfig(f).getDouble("v");
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (ConfigException e) {
            // reported below
        }
        problem(f, "expected a number, got " + show(f.value()));
        return null;
    }

    private static Long wholeNumber(Found f) {
        Number n;
        try {
            n = asConfig(f).getNumber("v");
        } catch (ConfigException e) {
            return null;
        }
        if (n instanceof Integer || n instanceof Long) {
            return n.longValue();
        }
        double d = n.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
            return null;
        }
        return (long) d;
    }

    private boolean isOwn(Layer layer) {
        return layer.user() && layer.path().equals(path);
    }

    private static Config asConfig(Found f) {
        return f.value().atKey("v");
    }

    private static boolean looksNegative(ConfigValue value) {
        Object raw = value.unwrapped();
        return raw != null && String.valueOf(raw).trim().startsWith("-");
    }

    /** A value as a user would write it: {@code hybrid}, {@code -64MiB}, {@code ""}, {@code an object}. */
    static String show(ConfigValue value) {
        switch (value.valueType()) {
            case OBJECT:
                return "an object";
            case LIST:
                return "a list";
            case NULL:
                return "null";
            case STRING:
                String s = (String) value.unwrapped();
                return s.isEmpty() ? "\"\"" : s;
            default:
                return value.render(ConfigRenderOptions.concise());
        }
    }

    /** A duration as a user would write it: 100ms, 60s, 250us. */
    static String show(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos % 1_000L == 0 ? nanos / 1_000L + "us" : nanos + "ns";
    }

    static String show(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** A byte count as a user would write it: 256MiB, 1GiB, 6KiB, or bytes. */
    static String size(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        long[] factors = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % factors[i] == 0) {
                return bytes / factors[i] + units[i];
            }
        }
        return bytes + " bytes";
    }

    /** The keys of a defaults object, plus {@code extra}. */
    static Set<String> keysOf(ConfigObject defaults, String... extra) {
        Set<String> keys = new TreeSet<>(defaults.keySet());
        keys.addAll(List.of(extra));
        return keys;
    }

    /** A number of pages as a size a user would write: 256MiB. */
    static String sizeOf(long pages) {
        return size(pages * PAGE_BYTES);
    }

    static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    /** {@code a / b} rounded up, for {@code a >= 0}, {@code b > 0}. */
    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
