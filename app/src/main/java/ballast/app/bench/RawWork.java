package ballast.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the raw kernel honest: the fingerprint of the work it timed in each scenario of the bench
 * ({@link RawKernel#timedWork}: every timed guest-tick's accesses and read digest), as recorded in
 * {@code ballast/bench/raw-work.csv}, compared with what a bench run measured. A raw kernel made
 * to do less (or other) work than it did when the file was recorded, or a scenario or window of
 * the bench that changed, shows as {@code CHANGED}: its ratios are then not comparable with the
 * earlier runs'.
 *
 * <p>The file's lines: {@code set,scenario,rawGuests,fingerprint} ({@code set} is {@code quick} or
 * {@code full}; the fingerprint in hex). Regenerate a line from a run's {@code bench.csv}
 * ({@code rawWork}) when the change is meant, and say why in the commit.
 */
public final class RawWork {
    static final String RESOURCE = "ballast/bench/raw-work.csv";

    private final Map<String, Long> recorded;

    RawWork(Map<String, Long> recorded) {
        this.recorded = recorded;
    }

    /** The fingerprints recorded with the build. */
    public static RawWork recorded() {
        Map<String, Long> map = new HashMap<>();
        try (InputStream in = RawWork.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String[] f = line.split(",");
                    if (line.isBlank() || line.startsWith("#") || f.length != 4 || f[0].equals("set")) {
                        continue;
                    }
                    map.put(key(f[0], f[1], Integer.parseInt(f[2])), Long.parseUnsignedLong(f[3], 16));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RawWork(map);
    }

    static String key(String set, String scenario, int rawGuests) {
        return set + "," + scenario + "," + rawGuests;
    }

    /** A fingerprint as written in the file and in bench.csv. */
    public static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }

    /**
     * One line on the raw kernel's work in these rows against the recorded fingerprints: the same,
     * CHANGED (named), or not recorded.
     */
    public String verdict(List<BenchRow> rows, boolean quick) {
        String set = quick ? "quick" : "full";
        List<String> same = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (BenchRow r : rows) {
            Long expected = recorded.get(key(set, r.name(), r.rawGuests()));
            if (expected == null) {
                unknown.add(r.name());
            } else if (expected == r.rawWork()) {
                same.add(r.name());
            } else {
                changed.add(r.name());
            }
        }
        StringBuilder s = new StringBuilder("raw kernel: ");
        if (!changed.isEmpty()) {
            s.append("its work CHANGED for ").append(String.join(", ", changed))
                    .append(" (other reads, or another number of them, than recorded in ").append(RESOURCE)
                    .append(": ratios not comparable with earlier runs)");
        }
        if (!same.isEmpty()) {
            s.append(changed.isEmpty() ? "" : "; ").append("the same work as recorded for ").append(same.size())
                    .append(same.size() == 1 ? " scenario" : " scenarios");
        }
        if (!unknown.isEmpty()) {
            s.append(changed.isEmpty() && same.isEmpty() ? "" : "; ").append("no recorded work for ")
                    .append(String.join(", ", unknown));
        }
        return s.toString();
    }
}
