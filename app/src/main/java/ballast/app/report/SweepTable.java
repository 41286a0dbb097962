package ballast.app.report;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables of a sweep: {@code sweep.csv}, one row per point, seed and host with that run's
 * figures, and {@code sweep-points.csv}, one row per point and host with each figure's mean over
 * the point's seeds ({@code FIGURE_mean}) and the half-width of its 95% confidence interval
 * ({@code FIGURE_ci95}, Student's t with n - 1 degrees of freedom; empty with one seed).
 *
 * <p>A run's figures, per host: the host's numeric figures ({@link HostFigures}), its shared and
 * reclaimed percentages, the totals over the guests on it of the guests' whole-number figures
 * ({@code guests.FIGURE}, e.g. {@code guests.hostSwapOuts}), and the run's read mismatches.
 */
public final class SweepTable {
    public static final String RUNS_FILE = "sweep.csv";
    public static final String POINTS_FILE = "sweep-points.csv";

    private SweepTable() {
    }

    /** One finished run of a sweep: its point, seed, and result. */
    public record Run(Scenario.Point point, long seed, Scenario scenario, RunResult result) {
    }

    /** A run's figures for one host, by name in column order. */
    public static Map<String, Double> figures(Scenario scenario, RunResult result, int host) {
        Map<String, Double> out = new LinkedHashMap<>();
        HostStats s = result.hosts().get(host);
        for (Figure<HostStats> f : HostFigures.ALL) {
            Object v = f.value().apply(s);
            if (v instanceof Number n) {
                out.put(f.name(), n.doubleValue());
            }
        }
        out.put("sharedPercent", round2(HostFigures.sharedPercent(s)));
        out.put("reclaimedPercent", round2(HostFigures.reclaimedPercent(s)));
        String hostName = scenario.hosts().get(host).name();
        Map<String, Double> guests = new LinkedHashMap<>();
        for (Figure<GuestStats> f : GuestFigures.ALL) {
            if (f.name().equals("overheadPercent") || f.name().equals("correct")) {
                continue;
            }
            guests.put("guests." + f.name(), 0.0);
        }
        long mismatches = 0;
        for (GuestStats g : result.guests()) {
            mismatches += g.readMismatches();
            String on = result.guestHosts().getOrDefault(g.name(), null);
            if (on == null) {
                on = scenario.guests().stream().filter(x -> x.name().equals(g.name())).map(x -> x.host())
                        .findFirst().orElse("");
            }
            if (!on.equals(hostName)) {
                continue;
            }
            for (Figure<GuestStats> f : GuestFigures.ALL) {
                String key = "guests." + f.name();
                if (guests.containsKey(key) && f.value().apply(g) instanceof Number n) {
                    guests.put(key, guests.get(key) + n.doubleValue());
                }
            }
        }
        out.putAll(guests);
        out.put("readMismatches", (double) mismatches);
        return out;
    }

    /** The column names of the figures (those of {@link #figures} for any run). */
    public static List<String> figureNames() {
        List<String> names = new ArrayList<>();
        for (Figure<HostStats> f : HostFigures.ALL) {
            if (!HostFigures.TEXT.contains(f.name())) {
                names.add(f.name());
            }
        }
        names.add("sharedPercent");
        names.add("reclaimedPercent");
        for (Figure<GuestStats> f : GuestFigures.ALL) {
            if (!f.name().equals("overheadPercent") && !f.name().equals("correct")) {
                names.add("guests." + f.name());
            }
        }
        names.add("readMismatches");
        return names;
    }

    /** {@code sweep.csv}: one row per run and host, in the order given. */
    public static String runsCsv(Scenario.Sweep sweep, List<Run> runs) {
        List<String> names = figureNames();
        StringBuilder out = new StringBuilder();
        for (String p : sweep.paths()) {
            out.append(csv(p)).append(',');
        }
        out.append("seed,host");
        names.forEach(n -> out.append(',').append(n));
        out.append(",status\n");
        for (Run run : runs) {
            for (int h = 0; h < run.result().hosts().size(); h++) {
                for (String v : run.point().values()) {
                    out.append(csv(v)).append(',');
                }
                out.append(run.seed()).append(',').append(csv(run.scenario().hosts().get(h).name()));
                Map<String, Double> figures = figures(run.scenario(), run.result(), h);
                for (String n : names) {
                    out.append(',').append(number(figures.getOrDefault(n, Double.NaN)));
                }
                out.append(',').append(run.result().ok() ? "ok" : "failed").append('\n');
            }
        }
        return out.toString();
    }

    /**
     * {@code sweep-points.csv}: per point (in the sweep's order) and host, the number of ok runs
     * and each figure's mean and 95% confidence half-width over them.
     */
    public static String pointsCsv(Scenario.Sweep sweep, List<Run> runs) {
        List<String> names = figureNames();
        StringBuilder out = new StringBuilder();
        for (String p : sweep.paths()) {
            out.append(csv(p)).append(',');
        }
        out.append("host,runs,failed");
        names.forEach(n -> out.append(',').append(n).append("_mean,").append(n).append("_ci95"));
        out.append('\n');
        for (Scenario.Point point : sweep.points()) {
            List<Run> mine = runs.stream().filter(r -> r.point() == point).toList();
            if (mine.isEmpty()) {
                continue;
            }
            Scenario scenario = point.scenario();
            for (int h = 0; h < scenario.hosts().size(); h++) {
                List<Map<String, Double>> ok = new ArrayList<>();
                int failed = 0;
                for (Run r : mine) {
                    if (r.result().ok() && h < r.result().hosts().size()) {
                        ok.add(figures(r.scenario(), r.result(), h));
                    } else {
                        failed++;
                    }
                }
                for (String v : point.values()) {
                    out.append(csv(v)).append(',');
                }
                out.append(csv(scenario.hosts().get(h).name())).append(',').append(ok.size()).append(',').append(failed);
                for (String n : names) {
                    double[] xs = new double[ok.size()];
                    for (int i = 0; i < xs.length; i++) {
                        xs[i] = ok.get(i).getOrDefault(n, Double.NaN);
                    }
                    out.append(',').append(xs.length == 0 ? "" : number(mean(xs)))
                            .append(',').append(xs.length < 2 ? "" : number(ci95(xs)));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    public static double mean(double[] xs) {
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        return sum / xs.length;
    }

    /**
     * The half-width of the 95% confidence interval of the mean of {@code xs} (at least two
     * values): t(0.975, n - 1) times the sample standard deviation over the square root of n.
     */
    public static double ci95(double[] xs) {
        int n = xs.length;
        double m = mean(xs);
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        double sd = Math.sqrt(ss / (n - 1));
        return studentT975(n - 1) * sd / Math.sqrt(n);
    }

    /** Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
        2.056, 2.052, 2.048, 2.045, 2.042};

    /**
     * The 0.975 quantile of Student's t with {@code df} degrees of freedom: from the table up to
     * 30, beyond it from the normal quantile with Cornish-Fisher's expansion (within 0.001).
     */
    public static double studentT975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be positive, got " + df);
        }
        if (df <= T975.length) {
            return T975[df - 1];
        }
        double z = 1.959963985;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double z7 = z5 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384.0 * df * df * df);
    }

    private static double round2(double d) {
        return Math.round(d * 100.0) / 100.0;
    }

    /** A figure as written in the csv files: whole numbers without a fraction, others to 8 significant digits. */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(8)).stripTrailingZeros().toPlainString();
    }

    static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
