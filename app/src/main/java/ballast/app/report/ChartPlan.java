package ballast.app.report;

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
 * {@code summary.json hosts[].thresholds}, name to frames, drawn in when the run has them, as lines
 * when {@code hosts.csv} shows them changing), its frames, then one chart per level group present
 * (sharing, swap, balloon, other), one of its counters and one of the share of time it spent in
 * each free-memory state; per guest, one chart per level group present (memory: allocated, target
 * and touched, with its configured size and its min as markers; working set, balloon, swap, shared,
 * other); and for every guest column but the settings ({@code configuredPages}, {@code minPages},
 * {@code maxPages}, {@code shares}), one chart comparing the guests. A chart whose every line is zero
 * throughout is left out (the tables still hold the figure), except a host's free memory. Guests
 * beyond {@link #MAX_GUEST_SECTIONS} get no charts of their own, and comparisons
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

    /** A moment of the run drawn as a vertical line: a timed event, at simulated second {@code seconds}. */
    public record Moment(String label, double seconds) {
    }

    /**
     * One chart.
     *
     * @param id      unique in the report, usable as an HTML id and a file name
     * @param section "hosts", "guests" or "compare"
     * @param owner   the host or guest it is about ("" for comparisons)
     * @param title   its title
     * @param unit    the y axis label
     * @param moments the run's timed events, drawn across the chart
     */
    public record Chart(String id, String section, String owner, String title, String unit, List<Line> lines,
                        List<Marker> markers, List<Moment> moments) {

        /** A chart without moments. */
        public Chart(String id, String section, String owner, String title, String unit, List<Line> lines,
                     List<Marker> markers) {
            this(id, section, owner, title, unit, lines, markers, List.of());
        }

        Chart withMoments(List<Moment> moments) {
            return new Chart(id, section, owner, title, unit, lines, markers, moments);
        }
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
            new Group("memory", "memory: allocated, target, touched", Pattern.compile("^(configuredPages|allocatedPages|targetPages|pagesTouched)$")),
            new Group("working-set", "working set: estimate and truth", Pattern.compile("(?i).*(workingset|active).*")),
            new Group("balloon", "balloon", Pattern.compile("(?i).*balloon.*")),
            new Group("swap", "swapped (host and guest)", Pattern.compile("(?i).*swap.*")),
            new Group("shared", "shared", Pattern.compile("(?i).*(shar|cow|zero).*")),
            new Group("other", "other page figures", Pattern.compile(".*")));

    /** Guest columns that hold a setting, not something that happens: markers, or no chart at all. */
    static final Set<String> GUEST_SETTINGS = Set.of("configuredPages", "minPages", "maxPages", "shares");
    private static final String THRESHOLDS = "thresholds.";
    private static final String STATE_TIME = "secondsInState.";

    private ChartPlan() {
    }

    /** Host columns drawn in the free-memory or state chart, or not at all (a setting such as tau). */
    private static boolean drawnApart(String column) {
        return column.equals("tau") || column.startsWith(THRESHOLDS) || column.startsWith(STATE_TIME);
    }

    /** Whether every value of every line is zero. */
    static boolean allZero(List<Line> lines) {
        for (Line l : lines) {
            for (double v : l.y()) {
                if (v != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void addUnlessZero(List<Chart> charts, Chart chart) {
        if (!allZero(chart.lines())) {
            charts.add(chart);
        }
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
        List<Moment> moments = moments(run);
        if (!moments.isEmpty()) {
            charts.replaceAll(c -> c.withMoments(moments));
        }
        return charts;
    }

    /** The run's timed events ({@code summary.json events[]}), at the time they landed. */
    static List<Moment> moments(RunData run) {
        List<Moment> out = new ArrayList<>();
        double ticks = run.summary().path("ticks").asDouble(0);
        double tickSeconds = ticks > 0 ? run.summary().path("simulatedSeconds").asDouble(0) / ticks : 0;
        for (com.fasterxml.jackson.databind.JsonNode e : run.summary().path("events")) {
            double at = tickSeconds > 0 && e.has("tick") ? e.path("tick").asDouble() * tickSeconds : e.path("at").asDouble();
            String what = e.path("what").asText("event");
            out.add(new Moment(what.length() > 40 ? what.substring(0, 39) + "\u2026" : what, at));
        }
        return out;
    }

    private static List<Chart> hostCharts(RunData run, SeriesTable.Series host) {
        List<Chart> charts = new ArrayList<>();
        SeriesTable table = run.hosts();
        String prefix = "host-" + host.name() + "-";
        if (table.has("framesFree")) {
            List<Line> lines = new ArrayList<>();
            lines.add(level(host, "framesFree"));
            List<Marker> markers = new ArrayList<>();
            run.thresholds(host.name()).forEach((name, frames) -> {
                String column = THRESHOLDS + name;
                if (table.has(column) && varies(host.column(column))) {
                    Line l = level(host, column);
                    lines.add(new Line(name + " threshold", l.x(), l.y()));
                } else if (frames > 0) {
                    markers.add(new Marker(name, frames / PAGES_PER_MIB, true));
                }
            });
            charts.add(new Chart(prefix + "free", "hosts", host.name(), host.name() + ": free memory", "MiB",
                    List.copyOf(lines), List.copyOf(markers)));
        }
        Set<String> levels = new LinkedHashSet<>();
        List<String> counters = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (String c : table.columns()) {
            if (c.startsWith(STATE_TIME)) {
                states.add(c);
            } else if (!drawnApart(c)) {
                (isPageLevel(c) ? levels : counters).add(c);
            }
        }
        for (Map.Entry<Group, List<String>> g : grouped(levels, HOST_GROUPS).entrySet()) {
            List<Line> lines = new ArrayList<>();
            g.getValue().forEach(c -> lines.add(level(host, c)));
            addUnlessZero(charts, new Chart(prefix + g.getKey().key(), "hosts", host.name(),
                    host.name() + ": " + g.getKey().title(), "MiB", lines, List.of()));
        }
        if (!counters.isEmpty()) {
            List<Line> lines = new ArrayList<>();
            counters.forEach(c -> lines.add(rate(host, c, c)));
            addUnlessZero(charts, new Chart(prefix + "events", "hosts", host.name(), host.name() + ": events",
                    "per simulated second", lines, List.of()));
        }
        if (!states.isEmpty()) {
            List<Line> lines = new ArrayList<>();
            states.forEach(c -> lines.add(rate(host, c, c.substring(STATE_TIME.length()))));
            addUnlessZero(charts, new Chart(prefix + "states", "hosts", host.name(),
                    host.name() + ": time in each free-memory state", "share of time", lines, List.of()));
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
        // The configured memory and the min are settings: markers, so that small allocations stay readable.
        List<Marker> configured = new ArrayList<>();
        if (levels.remove("configuredPages")) {
            double[] values = guest.column("configuredPages");
            if (values.length > 0) {
                configured.add(new Marker("configured", values[values.length - 1] / PAGES_PER_MIB, false));
            }
        }
        if (levels.remove("minPages")) {
            double[] values = guest.column("minPages");
            if (values.length > 0 && values[values.length - 1] > 0) {
                configured.add(new Marker("min", values[values.length - 1] / PAGES_PER_MIB, false));
            }
        }
        levels.removeAll(GUEST_SETTINGS);
        List<Chart> charts = new ArrayList<>();
        for (Map.Entry<Group, List<String>> g : grouped(levels, GUEST_GROUPS).entrySet()) {
            List<Line> lines = new ArrayList<>();
            g.getValue().forEach(c -> lines.add(level(guest, c)));
            boolean memory = g.getKey().key().equals("memory");
            Chart chart = new Chart("guest-" + guest.name() + "-" + g.getKey().key(), "guests", guest.name(),
                    guest.name() + ": " + g.getKey().title(), "MiB", lines, memory ? configured : List.of());
            if (memory) {
                charts.add(chart);
            } else {
                addUnlessZero(charts, chart);
            }
        }
        timeCharts(table, guest, charts);
        return charts;
    }

    /** The time model's categories of a guest's vCPU time, in the order its breakdown adds them up. */
    static final List<String> TIME_COLUMNS = List.of("runSeconds", "overheadSeconds", "ioWaitSeconds",
            "hostSwapWaitSeconds", "stalledSeconds", "readySeconds", "idleSeconds");

    /**
     * A guest's work done per simulated second against what its workload asked for, and where its
     * vCPUs' time went (each category's vCPU seconds per simulated second), when the run has them.
     */
    private static void timeCharts(SeriesTable table, SeriesTable.Series guest, List<Chart> charts) {
        if (table.columns().contains("workUnits") && table.columns().contains("demandThroughput")) {
            List<Line> lines = new ArrayList<>();
            lines.add(rate(guest, "workUnits", "work done"));
            lines.add(plain(guest, "demandThroughput", "asked for (mean since the start)"));
            addUnlessZero(charts, new Chart("guest-" + guest.name() + "-throughput", "guests", guest.name(),
                    guest.name() + ": throughput", "accesses per simulated second", lines, List.of()));
        }
        if (table.columns().containsAll(TIME_COLUMNS)) {
            List<Line> lines = new ArrayList<>();
            for (String c : TIME_COLUMNS) {
                lines.add(rate(guest, c, c.substring(0, c.length() - "Seconds".length())));
            }
            addUnlessZero(charts, new Chart("guest-" + guest.name() + "-time", "guests", guest.name(),
                    guest.name() + ": where its vCPU time went", "vCPU seconds per simulated second", lines, List.of()));
        }
    }

    private static List<Chart> compareCharts(SeriesTable table) {
        List<Chart> charts = new ArrayList<>();
        List<SeriesTable.Series> guests = table.series();
        List<SeriesTable.Series> shown = guests.subList(0, Math.min(MAX_COMPARED, guests.size()));
        for (String c : table.columns()) {
            if (GUEST_SETTINGS.contains(c)) {
                continue;
            }
            boolean level = isPageLevel(c);
            List<Line> lines = new ArrayList<>();
            for (SeriesTable.Series g : shown) {
                Line line = level ? level(g, c) : rate(g, c, c);
                lines.add(new Line(g.name(), line.x(), line.y()));
            }
            String title = level ? c + " by guest" : c + " per second by guest";
            addUnlessZero(charts, new Chart("compare-" + c, "compare", "", title, level ? "MiB" : "per simulated second",
                    lines, List.of()));
        }
        return charts;
    }

    /** Whether a column's values are not all the same. */
    private static boolean varies(double[] values) {
        for (double v : values) {
            if (v != values[0]) {
                return true;
            }
        }
        return false;
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

    /** A column as it is (not a page level, not a counter), thinned to at most MAX_POINTS samples. */
    static Line plain(SeriesTable.Series s, String column, String label) {
        int[] keep = thin(s.seconds().length);
        double[] x = new double[keep.length];
        double[] y = new double[keep.length];
        double[] values = s.column(column);
        for (int i = 0; i < keep.length; i++) {
            x[i] = s.seconds()[keep[i]];
            y[i] = values[keep[i]];
        }
        return new Line(label, x, y);
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
