package ballast.app.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which charts a run's report holds, decided from the columns its files actually have and from each
 * figure's declaration ({@link Figure}, in {@link GuestFigures} and {@link HostFigures}), so that a
 * figure added there reaches the report without touching this class.
 *
 * <p>A figure is drawn as its kind says: a <em>counter</em> as its rate per simulated second (the
 * difference between two samples over the time between them); a <em>level</em>, a <em>rate</em>, a
 * <em>ratio</em> and a <em>boolean</em> as they are (never as a rate); levels in pages in MiB. A
 * column no declaration names (a run of another version) is a level in pages when its name says so
 * ({@link #isPageLevel}), else a counter. Settings (a guest's configured memory, min, max and
 * shares; a host's tau and thresholds) are not drawn over time.
 *
 * <p>The charts: per host, its free memory (with the free-memory state thresholds of
 * {@code summary.json hosts[].thresholds}, name to frames, drawn in on a host that reclaims, as
 * lines when {@code hosts.csv} shows them changing), its frames, then one chart per level group
 * present (sharing, swap, balloon, other), one of its counters and one of the share of time it
 * spent in each free-memory state; per guest, one chart per level group present (memory: allocated,
 * target and touched, with its configured size and its min as markers; working set, balloon, swap,
 * shared, other); and for every guest figure but the settings, one chart comparing the guests. A
 * chart that would say nothing (every line zero throughout, or every line a constant level) is left out and
 * listed as such ({@link Plan#omitted()}; the tables still hold the figure), except a host's free
 * memory and a guest's memory. Guests beyond {@link #MAX_GUEST_SECTIONS} get no charts of their
 * own, and comparisons draw at most {@link #MAX_COMPARED} guests (the report says so); series
 * longer than {@link #MAX_POINTS} samples are thinned to that many points.
 */
public final class ChartPlan {
    public static final int MAX_GUEST_SECTIONS = 48;
    public static final int MAX_COMPARED = 24;
    public static final int MAX_POINTS = 1500;
    private static final double PAGES_PER_MIB = 256.0;

    /**
     * One line of a chart.
     *
     * @param label  what it is in the plan: the column, or the guest in a comparison
     * @param legend what the legend calls it (a figure's human title, or the guest)
     * @param column the column it is drawn from
     * @param asRate whether it is drawn as a rate per simulated second (else as its value)
     */
    public record Line(String label, double[] x, double[] y, String legend, String column, boolean asRate) {
        /** A line drawn as its values, named by its label. */
        public Line(String label, double[] x, double[] y) {
            this(label, x, y, label, label, false);
        }

        Line named(String newLabel, String newLegend) {
            return new Line(newLabel, x, y, newLegend, column, asRate);
        }
    }

    /** A chart left out, and why ("zero throughout", "constant: 1"). */
    public record Omitted(String id, String title, String why) {
    }

    /** The charts of a report, and those left out because they would say nothing. */
    public record Plan(List<Chart> charts, List<Omitted> omitted) {
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
    static final Set<String> GUEST_SETTINGS = settings(GuestFigures.ALL);
    private static final String THRESHOLDS = "thresholds.";
    private static final String STATE_TIME = "secondsInState.";

    private ChartPlan() {
    }

    private static <S> Set<String> settings(List<Figure<S>> figures) {
        Set<String> out = new LinkedHashSet<>();
        figures.stream().filter(f -> f.setting()).forEach(f -> out.add(f.name()));
        return Set.copyOf(out);
    }

    /** Host columns drawn in the free-memory or state chart, or not at all (a setting such as tau). */
    private static boolean drawnApart(String column) {
        Figure<?> f = HostFigures.named(column);
        return (f != null && f.setting()) || column.startsWith(THRESHOLDS)
                || column.startsWith(STATE_TIME);
    }

    /** Whether a host column is drawn as its rate per simulated second (a counter). */
    static boolean hostRate(String column) {
        Figure<?> f = HostFigures.named(column);
        return f != null ? f.drawnAsRate() : !isPageLevel(column);
    }

    /** Whether a guest column is drawn as its rate per simulated second (a counter). */
    static boolean guestRate(String column) {
        Figure<?> f = GuestFigures.named(column);
        return f != null ? f.drawnAsRate() : !isPageLevel(column);
    }

    /** Whether a column is a level in pages, drawn in MiB: by its declaration, else by its name. */
    static boolean pageLevel(Figure<?> f, String column) {
        return f != null ? f.inPages() && !f.drawnAsRate() : isPageLevel(column);
    }

    /** Whether a column of summary.json or the csv files is a level in pages (guest or host), for the tables. */
    public static boolean inPages(String column) {
        Figure<?> f = GuestFigures.named(column);
        if (f == null) {
            f = HostFigures.named(column);
        }
        return pageLevel(f, column);
    }

    /** A column's human title: its declared title, or the column itself. */
    static String title(Figure<?> f, String column) {
        return f != null ? f.title() : column;
    }

    /**
     * Why a chart would say nothing, or null when it says something: every line zero throughout, or
     * every line a level that stays where it started ("constant: 1"; a rate that stays the same is
     * drawn).
     */
    static String saysNothing(List<Line> lines) {
        if (allZero(lines)) {
            return "zero throughout";
        }
        for (Line l : lines) {
            if (l.y().length < 2 || l.asRate()) {
                return null; // a steady rate is news; a steady level is not
            }
            for (double v : l.y()) {
                if (v != l.y()[0]) {
                    return null;
                }
            }
        }
        return lines.size() == 1 ? "constant: " + ChartRenderer.plain(lines.get(0).y()[0]) : "every line constant";
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

    /** Adds the chart, or lists it as left out when it would say nothing. */
    private static void addIfItSaysSomething(List<Chart> charts, List<Omitted> omitted, Chart chart) {
        String why = saysNothing(chart.lines());
        if (why == null) {
            charts.add(chart);
        } else {
            omitted.add(new Omitted(chart.id(), chart.title(), why));
        }
    }

    /** Whether a column holds a level in pages (drawn in MiB) rather than a cumulative counter. */
    public static boolean isPageLevel(String column) {
        return column.startsWith("pages") || column.startsWith("frames") || column.endsWith("Pages")
                || column.toLowerCase(java.util.Locale.ROOT).contains("workingset");
    }

    /** Every chart of a run, in report order. */
    public static List<Chart> plan(RunData run) {
        return layout(run).charts();
    }

    /** Every chart of a run, in report order, and the charts left out. */
    public static Plan layout(RunData run) {
        List<Chart> charts = new ArrayList<>();
        List<Omitted> omitted = new ArrayList<>();
        for (SeriesTable.Series host : run.hosts().series()) {
            hostCharts(run, host, charts, omitted);
        }
        List<SeriesTable.Series> guests = run.guests().series();
        for (int i = 0; i < guests.size() && i < MAX_GUEST_SECTIONS; i++) {
            guestCharts(run.guests(), guests.get(i), charts, omitted);
        }
        compareCharts(run.guests(), charts, omitted);
        List<Moment> moments = moments(run);
        if (!moments.isEmpty()) {
            charts.replaceAll(c -> c.withMoments(moments));
        }
        return new Plan(List.copyOf(charts), List.copyOf(omitted));
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

    private static void hostCharts(RunData run, SeriesTable.Series host, List<Chart> charts, List<Omitted> omitted) {
        SeriesTable table = run.hosts();
        String prefix = "host-" + host.name() + "-";
        if (table.has("framesFree")) {
            List<Line> lines = new ArrayList<>();
            lines.add(level(host, "framesFree").named("framesFree", "free memory"));
            List<Marker> markers = new ArrayList<>();
            if (reclaims(run, host.name())) {
                run.thresholds(host.name()).forEach((name, frames) -> {
                    String column = THRESHOLDS + name;
                    if (table.has(column) && varies(host.column(column))) {
                        lines.add(level(host, column).named(name + " threshold", name + " threshold"));
                    } else if (frames > 0) {
                        markers.add(new Marker(name, frames / PAGES_PER_MIB, true));
                    }
                });
            }
            charts.add(new Chart(prefix + "free", "hosts", host.name(), host.name() + ": free memory", "MiB",
                    List.copyOf(lines), List.copyOf(markers)));
        }
        Set<String> levels = new LinkedHashSet<>();
        List<String> counters = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (String c : table.columns()) {
            Figure<?> f = HostFigures.named(c);
            if (c.startsWith(STATE_TIME)) {
                states.add(c);
            } else if (drawnApart(c)) {
                continue;
            } else if (hostRate(c)) {
                counters.add(c);
            } else if (pageLevel(f, c)) {
                levels.add(c);
            }
        }
        for (Map.Entry<Group, List<String>> g : grouped(levels, HOST_GROUPS).entrySet()) {
            List<Line> lines = new ArrayList<>();
            g.getValue().forEach(c -> lines.add(level(host, c).named(c, title(HostFigures.named(c), c))));
            addIfItSaysSomething(charts, omitted, new Chart(prefix + g.getKey().key(), "hosts", host.name(),
                    host.name() + ": " + g.getKey().title(), "MiB", lines, List.of()));
        }
        if (!counters.isEmpty()) {
            List<Line> lines = new ArrayList<>();
            counters.forEach(c -> lines.add(rate(host, c, c).named(c, title(HostFigures.named(c), c))));
            addIfItSaysSomething(charts, omitted, new Chart(prefix + "events", "hosts", host.name(),
                    host.name() + ": events per simulated second", "per simulated second", lines, List.of()));
        }
        if (!states.isEmpty()) {
            List<Line> lines = new ArrayList<>();
            states.forEach(c -> lines.add(rate(host, c, c.substring(STATE_TIME.length()))));
            Chart chart = new Chart(prefix + "states", "hosts", host.name(),
                    host.name() + ": share of time in each free-memory state", "share of time", lines, List.of());
            String only = onlyState(lines);
            if (only != null) {
                omitted.add(new Omitted(chart.id(), chart.title(), "constant: all the time in " + only));
            } else {
                addIfItSaysSomething(charts, omitted, chart);
            }
        }
    }

    /** The one state a host spent every sample in (its share 1 throughout, the others 0), or null. */
    private static String onlyState(List<Line> shares) {
        String only = null;
        for (Line l : shares) {
            boolean all = l.y().length > 1;
            for (double v : l.y()) {
                all &= Math.abs(v - 1) < 1e-9;
            }
            if (all) {
                only = l.label();
            }
        }
        return only;
    }

    /**
     * Whether a host reclaims, from its {@code policy} in summary.json ({@code off} when it does
     * not); a host the summary does not describe is taken to.
     */
    static boolean reclaims(RunData run, String hostName) {
        com.fasterxml.jackson.databind.JsonNode h = run.host(hostName);
        return h == null || !h.has("policy") || HostFigures.reclaims(h.path("policy").asText());
    }

    private static void guestCharts(SeriesTable table, SeriesTable.Series guest, List<Chart> charts,
                                    List<Omitted> omitted) {
        Set<String> levels = new LinkedHashSet<>();
        for (String c : table.columns()) {
            if (!guestRate(c) && pageLevel(GuestFigures.named(c), c)) {
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
        for (Map.Entry<Group, List<String>> g : grouped(levels, GUEST_GROUPS).entrySet()) {
            List<Line> lines = new ArrayList<>();
            g.getValue().forEach(c -> lines.add(level(guest, c).named(c, title(GuestFigures.named(c), c))));
            boolean memory = g.getKey().key().equals("memory");
            Chart chart = new Chart("guest-" + guest.name() + "-" + g.getKey().key(), "guests", guest.name(),
                    guest.name() + ": " + g.getKey().title(), "MiB", lines, memory ? configured : List.of());
            if (memory) {
                charts.add(chart);
            } else {
                addIfItSaysSomething(charts, omitted, chart);
            }
        }
        timeCharts(guest, table, charts, omitted);
    }

    /** The time model's categories of a guest's vCPU time, in the order its breakdown adds them up. */
    static final List<String> TIME_COLUMNS = List.of("runSeconds", "overheadSeconds", "ioWaitSeconds",
            "hostSwapWaitSeconds", "stalledSeconds", "readySeconds", "idleSeconds");

    /**
     * A guest's work done per simulated second against what its workload asked for, and where its
     * vCPUs' time went (each category's vCPU seconds per simulated second), when the run has them.
     */
    private static void timeCharts(SeriesTable.Series guest, SeriesTable table, List<Chart> charts,
                                   List<Omitted> omitted) {
        if (table.columns().contains("workUnits") && table.columns().contains("demandThroughput")) {
            List<Line> lines = new ArrayList<>();
            lines.add(rate(guest, "workUnits", "work done"));
            lines.add(value(guest, "demandThroughput").named("asked for", "asked for (mean since its start)"));
            addIfItSaysSomething(charts, omitted, new Chart("guest-" + guest.name() + "-throughput", "guests",
                    guest.name(), guest.name() + ": throughput", "accesses per simulated second", lines, List.of()));
        }
        if (table.columns().containsAll(TIME_COLUMNS)) {
            List<Line> lines = new ArrayList<>();
            for (String c : TIME_COLUMNS) {
                String label = c.substring(0, c.length() - "Seconds".length());
                lines.add(rate(guest, c, label).named(label, title(GuestFigures.named(c), c)));
            }
            addIfItSaysSomething(charts, omitted, new Chart("guest-" + guest.name() + "-time", "guests", guest.name(),
                    guest.name() + ": where its virtual CPUs' time went", "vCPU seconds per simulated second", lines, List.of()));
        }
    }

    private static void compareCharts(SeriesTable table, List<Chart> charts, List<Omitted> omitted) {
        List<SeriesTable.Series> guests = table.series();
        List<SeriesTable.Series> shown = guests.subList(0, Math.min(MAX_COMPARED, guests.size()));
        for (String c : table.columns()) {
            if (GUEST_SETTINGS.contains(c)) {
                continue;
            }
            Figure<?> f = GuestFigures.named(c);
            boolean asRate = guestRate(c);
            boolean pages = !asRate && pageLevel(f, c);
            List<Line> lines = new ArrayList<>();
            for (SeriesTable.Series g : shown) {
                Line line = asRate ? rate(g, c, c) : pages ? level(g, c) : value(g, c);
                lines.add(line.named(g.name(), g.name()));
            }
            String name = title(f, c);
            String title = asRate ? name + " per simulated second, by guest" : name + ", by guest";
            String unit = asRate ? "per simulated second" : pages ? "MiB" : valueUnit(f);
            addIfItSaysSomething(charts, omitted, new Chart("compare-" + c, "compare", "", title, unit, lines, List.of()));
        }
    }

    /** The y axis label of a figure drawn as its value, not in MiB. */
    private static String valueUnit(Figure<?> f) {
        if (f == null) {
            return "";
        }
        if (f.kind() == Figure.Kind.BOOLEAN) {
            return "1 = yes, 0 = no";
        }
        return f.unit();
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
        Line pages = value(s, column);
        double[] y = pages.y();
        for (int i = 0; i < y.length; i++) {
            y[i] /= PAGES_PER_MIB;
        }
        return pages;
    }

    /** A column as it is (a ratio, a boolean as 1 or 0, a level not in pages), thinned like the others. */
    static Line value(SeriesTable.Series s, String column) {
        int[] keep = thin(s.seconds().length);
        double[] x = new double[keep.length];
        double[] y = new double[keep.length];
        double[] values = s.column(column);
        for (int i = 0; i < keep.length; i++) {
            x[i] = s.seconds()[keep[i]];
            y[i] = values[keep[i]];
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
        return new Line(label, x, y, label, column, true);
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
