package ballast.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The bench's table: as aligned text for the terminal, as Markdown ({@code bench.md}) and as CSV
 * ({@code bench.csv}, every figure, unrounded); and the targets judged against it.
 */
public final class BenchTable {
    /** Names of the fixed scenarios the targets refer to. */
    public static final String SCENARIO_64 = "64x256MiB";
    public static final String SCENARIO_1000 = "1000x1GiB";
    public static final String SCENARIO_SHARING = "esx-sharing-10";

    /** The targets (this 2-core, 24 GiB machine). */
    public static final double TARGET_ACCESSES_PER_SECOND = 50e6;
    public static final double TARGET_RATIO = 1.5;
    public static final double TARGET_BYTES_PER_PAGE = 40;
    public static final long TARGET_HEAP_BYTES = 12L << 30;
    public static final double TARGET_REAL_TIME = 1000;
    public static final double TARGET_STARTUP_SECONDS = 2;
    /** The speed targets: CPU per access of all threads over the raw kernel's, and the 64 guests' whole-run rate. */
    public static final double TARGET_CPU_RATIO_LARGE = 1.3;
    public static final double TARGET_CPU_RATIO_MANY = 2;
    public static final double TARGET_CPU_RATIO_SHARING = 2.5;
    public static final double TARGET_POINT_RATIO = 1.5;
    public static final double TARGET_WHOLE_OVER_STEADY = 0.8;
    /** The 16 guests of 256 MiB (a point of the by-size curve: {@code 16x256MiB} in the full set, {@code 16x256MiB-size} in the quick one). */
    static final String SCENARIO_16_PREFIX = "16x256MiB";
    /** A curve is called linear or better when the cost per access at its last point is at most this times its first. */
    public static final double LINEAR_TOLERANCE = 1.5;

    private BenchTable() {
    }

    /** One column: its CSV name, its short heading, and how a row shows in it. */
    private record Column(String csv, String heading, Function<BenchRow, String> csvValue,
                          Function<BenchRow, String> shown) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("scenario", "scenario", BenchRow::name, BenchRow::name),
            new Column("group", "", BenchRow::group, null),
            new Column("spread", "hosts x guests", BenchRow::spread, BenchRow::spread),
            new Column("hosts", "", r -> Integer.toString(r.hosts()), null),
            new Column("guests", "guests", r -> Integer.toString(r.guests()), r -> grouped(r.guests())),
            new Column("guestMiB", "", r -> Integer.toString(r.guestMib()), null),
            new Column("guestPages", "guest pages", r -> Long.toString(r.guestPages()), r -> grouped(r.guestPages())),
            new Column("pagesTouched", "touched", r -> Long.toString(r.pagesTouched()), r -> grouped(r.pagesTouched())),
            new Column("simulatedSeconds", "sim s", r -> plain(r.simulatedSeconds()), r -> fixed(r.simulatedSeconds(), 1)),
            new Column("wallSeconds", "wall s", r -> plain(r.wallSeconds()), r -> fixed(r.wallSeconds(), 2)),
            new Column("startupSeconds", "startup s", r -> plain(r.startupSeconds()), r -> fixed(r.startupSeconds(), 2)),
            new Column("accesses", "", r -> Long.toString(r.accesses()), null),
            new Column("accessesPerWallSecond", "acc/wall s", r -> plain(r.accessesPerWallSecond()),
                    r -> millions(r.accessesPerWallSecond())),
            new Column("windowAccesses", "", r -> Long.toString(r.windowAccesses()), null),
            new Column("windowWallSeconds", "", r -> plain(r.windowWallSeconds()), null),
            new Column("windowCpuSeconds", "", r -> plain(r.windowCpuSeconds()), null),
            new Column("windowAllocatedBytes", "", r -> Long.toString(r.windowAllocatedBytes()), null),
            new Column("windowAccessesPerWallSecond", "steady acc/s", r -> plain(r.windowAccessesPerWallSecond()),
                    r -> millions(r.windowAccessesPerWallSecond())),
            new Column("nsPerAccess", "ns/acc", r -> plain(r.nanosPerAccess()), r -> fixed(r.nanosPerAccess(), 1)),
            new Column("rawNsPerAccess", "raw ns/acc", r -> plain(r.rawNanosPerAccess()), r -> fixed(r.rawNanosPerAccess(), 1)),
            new Column("rawCpuNsPerAccess", "raw cpu ns", r -> plain(r.rawCpuNanosPerAccess()),
                    r -> fixed(r.rawCpuNanosPerAccess(), 1)),
            new Column("rawGuests", "", r -> Integer.toString(r.rawGuests()), null),
            new Column("ratioToRaw", "ratio", r -> plain(r.ratioToRaw()), r -> fixed(r.ratioToRaw(), 2)),
            new Column("cpuNsPerAccess", "cpu ns/acc", r -> plain(r.cpuNanosPerAccess()), r -> fixed(r.cpuNanosPerAccess(), 1)),
            new Column("cpuRatioToRaw", "cpu ratio", r -> plain(r.cpuRatioToRaw()), r -> fixed(r.cpuRatioToRaw(), 2)),
            new Column("allocBytesPerAccess", "alloc B/acc", r -> plain(r.allocatedBytesPerAccess()),
                    r -> fixed(r.allocatedBytesPerAccess(), 1)),
            new Column("heapBytes", "heap MiB", r -> Long.toString(r.heapBytes()), r -> mib(r.heapBytes())),
            new Column("baselineHeapBytes", "", r -> Long.toString(r.baselineHeapBytes()), null),
            new Column("stateBytes", "", r -> Long.toString(r.stateBytes()), null),
            new Column("bytesPerGuestPage", "B/page", r -> plain(r.bytesPerGuestPage()), r -> fixed(r.bytesPerGuestPage(), 1)),
            new Column("realTimeFactor", "x real", r -> plain(r.realTimeFactor()), r -> fixed(r.realTimeFactor(), 0)),
            new Column("cpuSeconds", "", r -> plain(r.cpuSeconds()), null),
            new Column("gcSeconds", "gc s", r -> plain(r.gcSeconds()), r -> fixed(r.gcSeconds(), 1)),
            new Column("coresBusy", "cores", r -> plain(r.coresBusy()), r -> fixed(r.coresBusy(), 2)),
            new Column("readMismatches", "", r -> Long.toString(r.readMismatches()), null),
            new Column("ok", "ok", r -> Boolean.toString(r.ok()), r -> r.ok() ? "yes" : "NO"),
            new Column("coldCpuNsPerAccess", "cold cpu ns", r -> plain(r.coldCpuNanosPerAccess()),
                    r -> r.warm() ? fixed(r.coldCpuNanosPerAccess(), 1) : "-"),
            new Column("windowJitSeconds", "jit s", r -> plain(r.windowJitSeconds()), r -> fixed(r.windowJitSeconds(), 2)),
            new Column("rawWork", "", r -> RawWork.hex(r.rawWork()), null),
            new Column("generationCpuNsPerAccess", "gen cpu ns", r -> plain(r.generationCpuNanosPerAccess()),
                    r -> fixed(r.generationCpuNanosPerAccess(), 1)),
            new Column("rawPlusGenerationRatio", "raw+gen", r -> plain(r.rawPlusGenerationRatio()),
                    r -> fixed(r.rawPlusGenerationRatio(), 2)),
            new Column("rawPlayedCpuNsPerAccess", "", r -> plain(r.rawPlayedCpuNanosPerAccess()), null),
            new Column("windowCompilerCpuSeconds", "jit cpu s", r -> plain(r.windowCompilerCpuSeconds()),
                    r -> fixed(r.windowCompilerCpuSeconds(), 2)),
            new Column("cpuNsPerAccessWithoutCompilers", "cpu ns w/o jit", r -> plain(r.cpuNanosPerAccessWithoutCompilers()),
                    r -> fixed(r.cpuNanosPerAccessWithoutCompilers(), 1)),
            new Column("beforeWindowWallSeconds", "", r -> plain(r.around().beforeSeconds()), null),
            new Column("beforeWindowAccesses", "", r -> Long.toString(r.around().beforeAccesses()), null),
            new Column("afterWindowWallSeconds", "", r -> plain(r.around().afterSeconds()), null),
            new Column("afterWindowAccesses", "", r -> Long.toString(r.around().afterAccesses()), null));

    /** The CSV header: every column. */
    public static String csvHeader() {
        StringBuilder s = new StringBuilder();
        for (Column c : COLUMNS) {
            s.append(s.length() == 0 ? "" : ",").append(c.csv());
        }
        return s.toString();
    }

    /** bench.csv: a header and one line per row, numbers unrounded. */
    public static String csv(List<BenchRow> rows) {
        StringBuilder s = new StringBuilder(csvHeader()).append('\n');
        for (BenchRow r : rows) {
            StringBuilder line = new StringBuilder();
            for (Column c : COLUMNS) {
                line.append(line.length() == 0 ? "" : ",").append(csvField(c.csvValue().apply(r)));
            }
            s.append(line).append('\n');
        }
        return s.toString();
    }

    private static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    /** The shown columns' headings and cells. */
    private static List<String[]> cells(List<BenchRow> rows) {
        List<Column> shown = new ArrayList<>();
        for (Column c : COLUMNS) {
            if (c.shown() != null) {
                shown.add(c);
            }
        }
        List<String[]> cells = new ArrayList<>();
        String[] head = new String[shown.size()];
        for (int i = 0; i < head.length; i++) {
            head[i] = shown.get(i).heading();
        }
        cells.add(head);
        for (BenchRow r : rows) {
            String[] line = new String[shown.size()];
            for (int i = 0; i < line.length; i++) {
                line[i] = shown.get(i).shown().apply(r);
            }
            cells.add(line);
        }
        return cells;
    }

    /** The table as aligned text: the first column left-aligned, the others right-aligned. */
    public static String text(List<BenchRow> rows) {
        List<String[]> cells = cells(rows);
        int[] width = new int[cells.get(0).length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder s = new StringBuilder();
        for (String[] line : cells) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                String cell = line[i];
                String pad = " ".repeat(width[i] - cell.length());
                out.append(i == 0 ? "" : "  ").append(i == 0 ? cell + pad : pad + cell);
            }
            s.append(out.toString().stripTrailing()).append('\n');
        }
        return s.toString();
    }

    /** The table in Markdown. */
    public static String markdown(List<BenchRow> rows) {
        List<String[]> cells = cells(rows);
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < cells.size(); l++) {
            s.append("| ").append(String.join(" | ", cells.get(l))).append(" |\n");
            if (l == 0) {
                s.append("|");
                for (int i = 0; i < cells.get(0).length; i++) {
                    s.append(i == 0 ? "---|" : "---:|");
                }
                s.append('\n');
            }
        }
        return s.toString();
    }

    /** One target of the issue, judged: what was measured and whether it is met (null: not measured). */
    public record Verdict(String target, String measured, Boolean met) {
        public String shown() {
            return met == null ? "not measured" : met ? "met" : "NOT met";
        }
    }

    /**
     * The targets against the rows.
     *
     * @param startupSeconds JVM start to the end of the first tick (a cold JVM's first scenario), or NaN
     * @param maxHeapBytes   the JVM's maximum heap
     */
    public static List<Verdict> verdicts(List<BenchRow> rows, double startupSeconds, long maxHeapBytes) {
        List<Verdict> v = new ArrayList<>();
        BenchRow r64 = find(rows, SCENARIO_64);
        if (r64 == null) {
            v.add(new Verdict("64 guests: at least 50 million accesses per wall second", "", null));
            v.add(new Verdict("64 guests: end-to-end cost per access at most 1.5x the raw kernel's", "", null));
        } else {
            v.add(new Verdict("64 guests: at least 50 million accesses per wall second",
                    String.format(Locale.ROOT, "%.1f million (whole run), %.1f million (steady)",
                            r64.accessesPerWallSecond() / 1e6, r64.windowAccessesPerWallSecond() / 1e6),
                    r64.ok() && r64.accessesPerWallSecond() >= TARGET_ACCESSES_PER_SECOND));
            v.add(new Verdict("64 guests: end-to-end cost per access at most 1.5x the raw kernel's",
                    String.format(Locale.ROOT, "%.2fx wall (%.1f ns against %.1f ns); in CPU time %.2fx (%.1f ns of all threads"
                                    + " against %.1f ns)", r64.ratioToRaw(), r64.nanosPerAccess(), r64.rawNanosPerAccess(),
                            r64.cpuRatioToRaw(), r64.cpuNanosPerAccess(), r64.rawCpuNanosPerAccess()),
                    r64.ok() && r64.ratioToRaw() <= TARGET_RATIO));
        }
        BenchRow r1000 = find(rows, SCENARIO_1000);
        String heapTarget = "1,000 guests x 1 GiB in a 12 GiB heap, integrity checked: at most 40 bytes per guest page";
        if (r1000 == null) {
            v.add(new Verdict(heapTarget, "", null));
        } else {
            v.add(new Verdict(heapTarget,
                    String.format(Locale.ROOT, "%.1f bytes per guest page (%s MiB of state for %s pages; max heap %s MiB)%s",
                            r1000.bytesPerGuestPage(), mib(r1000.stateBytes()), grouped(r1000.guestPages()),
                            mib(maxHeapBytes), r1000.ok() ? "" : "; the run FAILED"),
                    r1000.ok() && maxHeapBytes <= TARGET_HEAP_BYTES + (64L << 20)
                            && r1000.bytesPerGuestPage() <= TARGET_BYTES_PER_PAGE));
        }
        BenchRow esx = find(rows, SCENARIO_SHARING);
        String esxTarget = "ESX sharing at 10 guests: at least 1,000x faster than real time";
        if (esx == null) {
            v.add(new Verdict(esxTarget, "", null));
        } else {
            v.add(new Verdict(esxTarget, String.format(Locale.ROOT, "%.0fx (%.1f simulated s in %.2f wall s)",
                    esx.realTimeFactor(), esx.simulatedSeconds(), esx.wallSeconds()),
                    esx.ok() && esx.realTimeFactor() >= TARGET_REAL_TIME));
        }
        String startupTarget = "startup to the first tick under 2 seconds";
        if (Double.isNaN(startupSeconds)) {
            v.add(new Verdict(startupTarget, "", null));
        } else {
            v.add(new Verdict(startupTarget, String.format(Locale.ROOT, "%.2f s from JVM start (quickstart)", startupSeconds),
                    startupSeconds < TARGET_STARTUP_SECONDS));
        }
        for (String curve : List.of(BenchCase.BY_GUESTS, BenchCase.BY_SIZE)) {
            v.add(curveVerdict(rows, curve));
        }
        v.addAll(speedVerdicts(rows));
        return v;
    }

    /**
     * The speed targets: CPU per access of all threads at most 1.3x the raw kernel's at 64 x 256 MiB
     * and 16 x 256 MiB, 2x at the largest point of the by-guests curve, 2.5x for ESX sharing; that
     * point at most 1.5x the curve's first in CPU per access; the 64 guests' whole-run rate at least
     * 80% of their steady rate. Each ratio is shown with the raw kernel's and the generation's together ({@link BenchRow#rawPlusGenerationRatio}).
     */
    static List<Verdict> speedVerdicts(List<BenchRow> rows) {
        List<Verdict> v = new ArrayList<>();
        v.add(cpuRatioVerdict(find(rows, SCENARIO_64), "64 x 256 MiB", TARGET_CPU_RATIO_LARGE));
        v.add(cpuRatioVerdict(findPrefix(rows, SCENARIO_16_PREFIX), "16 x 256 MiB", TARGET_CPU_RATIO_LARGE));
        List<BenchRow> byGuests = curve(rows, BenchCase.BY_GUESTS);
        BenchRow most = byGuests.isEmpty() ? null : byGuests.get(byGuests.size() - 1);
        v.add(cpuRatioVerdict(most, most == null ? "the largest by-guests point" : grouped(most.guests()) + " guests",
                TARGET_CPU_RATIO_MANY));
        String point = "the largest by-guests point: CPU per access at most " + TARGET_POINT_RATIO + "x the first point's";
        if (byGuests.size() < 2) {
            v.add(new Verdict(point, "", null));
        } else {
            BenchRow first = byGuests.get(0);
            double growth = most.cpuNanosPerAccess() / first.cpuNanosPerAccess();
            v.add(new Verdict(point, String.format(Locale.ROOT, "%s guests: %.1f ns; %s guests: %.1f ns (x%.2f)",
                    grouped(first.guests()), first.cpuNanosPerAccess(), grouped(most.guests()), most.cpuNanosPerAccess(),
                    growth), first.ok() && most.ok() && growth <= TARGET_POINT_RATIO));
        }
        v.add(cpuRatioVerdict(find(rows, SCENARIO_SHARING), "ESX sharing at 10 guests", TARGET_CPU_RATIO_SHARING));
        BenchRow r64 = find(rows, SCENARIO_64);
        String rate = "64 guests: whole-run rate at least " + Math.round(TARGET_WHOLE_OVER_STEADY * 100) + "% of the steady rate";
        if (r64 == null) {
            v.add(new Verdict(rate, "", null));
        } else {
            double share = r64.wholeOverSteady();
            String beyond = Double.isNaN(r64.beforeWindowBeyondSteadySeconds()) ? "" : String.format(Locale.ROOT,
                    "; beyond the steady rate, %.2f s before the window (the first tick ended %.2f s into the run) and"
                            + " %.2f s after it (the final audited tick among them)", r64.beforeWindowBeyondSteadySeconds(),
                    r64.startupSeconds(), r64.afterWindowBeyondSteadySeconds());
            v.add(new Verdict(rate, String.format(Locale.ROOT, "%.0f%% (%.1f million against %.1f million accesses per wall"
                            + " second); the raw kernel's own, in CPU per access over its ticks: %.0f%%", 100 * share,
                    r64.accessesPerWallSecond() / 1e6, r64.windowAccessesPerWallSecond() / 1e6, 100 * r64.rawWholeOverSteady())
                    + beyond,
                    r64.ok() && share >= TARGET_WHOLE_OVER_STEADY));
        }
        return v;
    }

    private static Verdict cpuRatioVerdict(BenchRow r, String label, double target) {
        String what = label + ": CPU per access at most " + target + "x the raw kernel's";
        if (r == null) {
            return new Verdict(what, "", null);
        }
        String compilers = Double.isNaN(r.cpuNanosPerAccessWithoutCompilers()) ? ""
                : String.format(Locale.ROOT, "; without the JIT compilers' %.2f s of CPU in the window, %.2fx",
                        r.windowCompilerCpuSeconds(), r.cpuNanosPerAccessWithoutCompilers() / r.rawCpuNanosPerAccess());
        // a sample's guests' state is smaller than the run's, and fits the caches better
        String sample = r.rawGuests() >= r.guests() ? "" : String.format(Locale.ROOT,
                "; the raw kernel replayed %s of the %s guests (--raw-guests %d replays them all)", grouped(r.rawGuests()),
                grouped(r.guests()), r.guests());
        return new Verdict(what, String.format(Locale.ROOT, "%.2fx (%.1f ns of all threads against %.1f ns); with the guests'"
                        + " generation of the same accesses (%.1f ns on its thread) the raw kernel would be at %.2fx%s%s", r.cpuRatioToRaw(),
                r.cpuNanosPerAccess(), r.rawCpuNanosPerAccess(), r.generationCpuNanosPerAccess(), r.rawPlusGenerationRatio(),
                compilers, sample), r.ok() && r.cpuRatioToRaw() <= target);
    }

    private static BenchRow findPrefix(List<BenchRow> rows, String prefix) {
        for (BenchRow r : rows) {
            if (r.name().startsWith(prefix)) {
                return r;
            }
        }
        return null;
    }

    /** A curve is linear or better when its cost per access does not grow by more than {@link #LINEAR_TOLERANCE}. */
    static Verdict curveVerdict(List<BenchRow> rows, String curve) {
        List<BenchRow> points = curve(rows, curve);
        String target = "scaling " + curve + ": cost per access linear or better (last point at most "
                + LINEAR_TOLERANCE + "x the first)";
        if (points.size() < 2) {
            return new Verdict(target, "", null);
        }
        BenchRow first = points.get(0);
        BenchRow last = points.get(points.size() - 1);
        double growth = last.nanosPerAccess() / first.nanosPerAccess();
        double rawGrowth = last.rawNanosPerAccess() / first.rawNanosPerAccess();
        return new Verdict(target, String.format(Locale.ROOT, "%s: %.1f ns; %s: %.1f ns (x%.2f; raw kernel x%.2f)",
                label(first, curve), first.nanosPerAccess(), label(last, curve), last.nanosPerAccess(), growth, rawGrowth),
                growth <= LINEAR_TOLERANCE);
    }

    private static String label(BenchRow r, String curve) {
        return BenchCase.BY_GUESTS.equals(curve) ? grouped(r.guests()) + " guests" : r.guestMib() + " MiB";
    }

    /** The rows of a curve, in order of their x (guests, or guest size). */
    public static List<BenchRow> curve(List<BenchRow> rows, String curve) {
        List<BenchRow> points = new ArrayList<>();
        for (BenchRow r : rows) {
            if (r.group().contains(curve)) {
                points.add(r);
            }
        }
        points.sort(BenchCase.BY_GUESTS.equals(curve)
                ? java.util.Comparator.comparingInt(BenchRow::guests)
                : java.util.Comparator.comparingInt(BenchRow::guestMib));
        return points;
    }

    /** The verdicts as a Markdown table. */
    public static String verdictsMarkdown(List<Verdict> verdicts) {
        StringBuilder s = new StringBuilder("| target | measured | verdict |\n|---|---|---|\n");
        for (Verdict v : verdicts) {
            s.append("| ").append(v.target()).append(" | ").append(v.measured().isEmpty() ? "-" : v.measured())
                    .append(" | ").append(v.shown()).append(" |\n");
        }
        return s.toString();
    }

    /** The verdicts as text lines. */
    public static String verdictsText(List<Verdict> verdicts) {
        StringBuilder s = new StringBuilder();
        for (Verdict v : verdicts) {
            s.append(String.format(Locale.ROOT, "%-13s %s%s%n", v.shown(), v.target(),
                    v.measured().isEmpty() ? "" : ": " + v.measured()));
        }
        return s.toString();
    }

    private static BenchRow find(List<BenchRow> rows, String name) {
        for (BenchRow r : rows) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    static String plain(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return "";
        }
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    static String fixed(double x, int decimals) {
        return Double.isNaN(x) || Double.isInfinite(x) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", x);
    }

    static String millions(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.1fM", x / 1e6);
    }

    static String grouped(long x) {
        return String.format(Locale.ROOT, "%,d", x);
    }

    /** Bytes as whole MiB with thousands separators. */
    static String mib(long bytes) {
        return grouped(Math.round(bytes / (double) (1 << 20)));
    }
}
