package ballast.scheduler.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which charts a run's report holds, decided from the columns its files actually have, so that a
 * figure added to {@link GuestFigures} or {@link HostFigures} reaches the report without touching
 * this class.
 *
 * <p>A column is a <em>level in pages</em> when its name starts with {@code pages} or
 * {@code frames}, ends with {@code Pages}, or names a working set; levels are drawn in MiB. Every
 * other column is a <em>cumulative counter</em> and is drawn as a rate per simulated second (the
 * difference between two samples over the time between them).
 *
 * <p>The charts: per host, its free memory (with the free-memory state thresholds of
 * {@code summary.json hosts[].thresholds}, name to frames, drawn in when the run has them), its
 * frames, then one chart per level group present (sharing, swap, balloon, other) and one of its
 * counters; per guest, one chart per level group present (memory, with its configured size as a
 * marker; working set, balloon, swap, shared, other); and for every guest column but
 * {@code configuredPages}, one chart comparing the guests. Guests beyond {@link #MAX_GUEST_SECTIONS} get no charts of their own, and comparisons
 * draw at most {@link #MAX_COMPARED} guests (the report says so); series longer than
 * {@link #MAX_POINTS} samples are thinned to that many points.
 */
public final class ChartPlan {
    public static final int MAX_GUEST_SECTIONS = 48;
    public static final int MAX_COMPARED = 24;
    public static final int MAX_POINTS = 1500;
    private static final double PAGES_PER_MIB = 256.0;

    /** One line of a chart. */
    public record Line(String label, double[] x, double[] y) {
    }

    /**
     * A horizontal marker: a threshold, or a guest's configured memory.
     *
     * @param widen whether the y axis must reach it even when the lines stay far below
     */
    public record Marker(String label, double y, boolean widen) {
    }

    /**
     * One chart.
     *
     * @param id      unique in the report, usable as an HTML id and a file name
     * @param section "hosts", "guests" or "compare"
     * @param owner   the host or guest it is about ("" for comparisons)
     * @param title   its title
     * @param unit    the y axis label
     */
    public record Chart(String id, String section, String owner, String title, String unit, List<Line> lines,
                        List<Marker> markers) {
    }

    /** A group of level columns drawn together. */
    private record Group(String key, String title, Pattern columns) {
    }

    private static final List<Group> HOST_GROUPS = List.of(
            new Group("frames", "machine memory", Pattern.compile("^frames.*")),
            new Group("sharing", "page sharing", Pattern.compile("(?i).*(shar|cow|zero).*")),
            new Group("swap", "swapped", Pattern.compile("(?i).*swap.*")),
            new Group("balloon", "ballooned", Pattern.compile("(?i).*balloon.*")),
            new Group("other", "other page figures", Pattern.compile(".*")));

    private static final List<Group> GUEST_GROUPS = List.of(
            new Group("memory", "memory", Pattern.compile("^(configuredPages|allocatedPages|pagesTouched)$")),
            new Group("working-set", "working set: estimate and truth", Pattern.compile("(?i).*(workingset|active).*")),
            new Group("balloon", "balloon", Pattern.compile("(?i).*balloon.*")),
            new Group("swap", "swapped (host and guest)", Pattern.compile("(?i).*swap.*")),
            new Group("shared", "shared", Pattern.compile("(?i).*(shar|cow|zero).*")),
            new Group("other", "other page figures", Pattern.compile(".*")));

    private ChartPlan() {
    }

    /** Whether a column holds a level in pages (drawn in MiB) rather than a cumulative counter. */
    public static boolean isPageLevel(String column) {
        return column.startsWith("pages") || column.startsWith("frames") || column.endsWith("Pages")
                || column.toLowerCase(java.util.Locale.ROOT).contains("workingset");
    }

    /** Every chart of a run, in report order. */
    public static List<Chart> plan(RunData run) {
        List<Chart> charts = new ArrayList<>();
        for (SeriesTable.Series host : run.hosts().series()) {
            charts.addAll(hostCharts(run, host));
        }
        List<SeriesTable.Series> guests = run.guests().series();
        for (int i = 0; i < guests.size() && i < MAX_GUEST_SECTIONS; i++) {
            charts.addAll(guestCharts(run.guests(), guests.get(i)));
        }
        charts.addAll(compareCharts(run.guests()));
        return charts;
    }

    private static List<Chart> hostCharts(RunData run, SeriesTable.Series host) {
        List<Chart> charts = new ArrayList<>();
        SeriesTable table = run.hosts();
        String prefix = "host-" + host.name() + "-";
        if (table.has("framesFree")) {
            List<Marker> markers = new ArrayList<>();
            run.thresholds(host.name()).forEach((name, frames) -> markers.add(new Marker(name, frames / PAGES_PER_MIB, true)));
            charts.add(new Chart(prefix + "free", "hosts", host.name(), host.name() + ": free memory", "MiB",
                    List.of(level(host, "framesFree")), List.copyOf(markers)));
        }
        Set<String> levels = new LinkedHashSet<>();
        List<String> counters = new ArrayList<>();
        for (String c : table.columns()) {
            (isPageLevel(c) ? levels : counters).add(c);
        }
        for (Map.Entry<Group, List<String>> g : grouped(levels, HOST_GROUPS).entrySet()) {
            List<Line> lines = new ArrayList<>();
            g.getValue().forEach(c -> lines.add(level(host, c)));
            charts.add(new Chart(prefix + g.getKey().key(), "hosts", host.name(), host.name() + ": " + g.getKey().title(),
                    "MiB", lines, List.of()));
        }
        if (!counters.isEmpty()) {
            List<Line> lines = new ArrayList<>();
            counters.forEach(c -> lines.add(rate(host, c, c)));
            charts.add(new Chart(prefix + "events", "hosts", host.name(), host.name() + ": events", "per simulated second",
                    lines, List.of()));
        }
        return charts;
    }

    private static List<Chart> guestCharts(SeriesTable table, SeriesTable.Series guest) {
        Set<String> levels = new LinkedHashSet<>();
        for (String c : table.columns()) {
            if (isPageLevel(c)) {
                levels.add(c);
            }
        }
        // The configured memory is a constant: a marker, so that small allocations stay readable.
        List<Marker> configured = new ArrayList<>();
        if (levels.remove("configuredPages")) {
            double[] values = guest.column("configuredPages");
            if (values.length > 0) {
                configured.add(new Marker("configured", values[values.length - 1] / PAGES_PER_MIB, false));
            }
        }
        List<Chart> charts = new ArrayList<>();
        for (Map.Entry<Group, List<String>> g : grouped(levels, GUEST_GROUPS).entrySet()) {
            List<Line> lines = new ArrayList<>();
            g.getValue().forEach(c -> lines.add(level(guest, c)));
            boolean memory = g.getKey().key().equals("memory");
            charts.add(new Chart("guest-" + guest.name() + "-" + g.getKey().key(), "guests", guest.name(),
                    guest.name() + ": " + g.getKey().title(), "MiB", lines, memory ? configured : List.of()));
        }
        return charts;
    }

    private static List<Chart> compareCharts(SeriesTable table) {
        List<Chart> charts = new ArrayList<>();
        List<SeriesTable.Series> guests = table.series();
        List<SeriesTable.Series> shown = guests.subList(0, Math.min(MAX_COMPARED, guests.size()));
        for (String c : table.columns()) {
            if (c.equals("configuredPages")) {
                continue;
            }
            boolean level = isPageLevel(c);
            List<Line> lines = new ArrayList<>();
            for (SeriesTable.Series g : shown) {
                Line line = level ? level(g, c) : rate(g, c, c);
                lines.add(new Line(g.name(), line.x(), line.y()));
            }
            String title = level ? c + " by guest" : c + " per second by guest";
            charts.add(new Chart("compare-" + c, "compare", "", title, level ? "MiB" : "per simulated second",
                    lines, List.of()));
        }
        return charts;
    }

    /** The level columns of each group, in group order; each column in the first group matching it. */
    private static Map<Group, List<String>> grouped(Set<String> levels, List<Group> groups) {
        Map<Group, List<String>> out = new LinkedHashMap<>();
        Set<String> left = new LinkedHashSet<>(levels);
        for (Group g : groups) {
            List<String> mine = new ArrayList<>();
            for (String c : left) {
                if (g.columns().matcher(c).matches()) {
                    mine.add(c);
                }
            }
            left.removeAll(mine);
            if (!mine.isEmpty()) {
                out.put(g, mine);
            }
        }
        return out;
    }

    /** A level column in MiB, thinned to at most MAX_POINTS samples. */
    static Line level(SeriesTable.Series s, String column) {
        int[] keep = thin(s.seconds().length);
        double[] x = new double[keep.length];
        double[] y = new double[keep.length];
        double[] values = s.column(column);
        for (int i = 0; i < keep.length; i++) {
            x[i] = s.seconds()[keep[i]];
            y[i] = values[keep[i]] / PAGES_PER_MIB;
        }
        return new Line(column, x, y);
    }

    /** A counter as its rate per simulated second between kept samples (the first from time 0). */
    static Line rate(SeriesTable.Series s, String column, String label) {
        int[] keep = thin(s.seconds().length);
        double[] x = new double[keep.length];
        double[] y = new double[keep.length];
        double[] values = s.column(column);
        double lastT = 0;
        double lastV = 0;
        for (int i = 0; i < keep.length; i++) {
            double t = s.seconds()[keep[i]];
            double v = values[keep[i]];
            x[i] = t;
            y[i] = t > lastT ? (v - lastV) / (t - lastT) : 0;
            lastT = t;
            lastV = v;
        }
        return new Line(label, x, y);
    }

    /** Indices of the samples to draw: all, or an even spread of MAX_POINTS ending with the last. */
    static int[] thin(int n) {
        if (n <= MAX_POINTS) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] keep = new int[MAX_POINTS];
        for (int i = 0; i < MAX_POINTS; i++) {
            keep[i] = (int) Math.round((double) i * (n - 1) / (MAX_POINTS - 1));
        }
        return keep;
    }
}
