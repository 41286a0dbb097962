package ballast.app.report;

import ballast.guest.GuestSettings;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.Scenario;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's outputs: {@code summary.json}, {@code timeseries.csv} (guests), {@code hosts.csv}
 * and {@code scenario.conf} (the scenario as run), each atomically (written to a temporary file in
 * the same directory, then renamed), so a reader never sees a half-written file. Every wall-clock
 * figure goes under {@code timing}; everything else is a function of the scenario and seed. The
 * HTML report ({@link HtmlReport}) is built from these files alone.
 */
public final class RunWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunWriter() {
    }

    /** The summary as an ordered tree of maps and lists (the JSON document). */
    public static Map<String, Object> summary(Scenario scenario, RunResult result, boolean interruptedByCaller) {
        boolean interrupted = interruptedByCaller || result.interrupted();
        Map<String, GuestStats> statsByGuest = new HashMap<>();
        for (GuestStats g : result.guests()) {
            statsByGuest.put(g.name(), g);
        }
        Map<String, GuestSpec> specs = new HashMap<>();
        for (HostSettings h : scenario.hosts()) {
            h.guests().forEach(spec -> specs.put(spec.name(), spec));
        }
        long accesses = 0;
        long mismatches = 0;
        for (GuestStats g : result.guests()) {
            accesses += g.accesses();
            mismatches += g.readMismatches();
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", scenario.name());
        root.put("seed", scenario.seed());
        root.put("status", !result.ok() ? "failed" : interrupted ? "interrupted" : "ok");
        root.put("interrupted", interrupted);
        root.put("failure", result.failure());
        root.put("ticks", result.ticksPlayed());
        root.put("simulatedSeconds", seconds(result.ticksPlayed() * scenario.tickSeconds()));
        root.put("accesses", accesses);
        root.put("readMismatches", mismatches);
        Map<String, Object> invariants = new LinkedHashMap<>();
        invariants.put("checks", result.invariantChecks());
        invariants.put("violations", result.violations().size());
        invariants.put("messages", result.violations());
        root.put("invariants", invariants);
        List<Object> faults = new ArrayList<>();
        for (RunResult.Fault f : result.faults()) {
            Map<String, Object> fault = new LinkedHashMap<>();
            fault.put("guest", f.guest());
            fault.put("tick", f.tick());
            fault.put("cause", f.cause());
            fault.put("handling", f.handling());
            faults.add(fault);
        }
        root.put("faults", faults);
        List<Object> events = new ArrayList<>();
        for (RunResult.AppliedEvent e : result.events()) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("at", seconds(e.atSeconds()));
            event.put("tick", e.tick());
            event.put("what", e.what());
            event.put("result", e.result());
            events.add(event);
        }
        root.put("events", events);
        List<Object> migrations = new ArrayList<>();
        for (ballast.scheduler.migration.PreCopy.Outcome m : result.migrations()) {
            Map<String, Object> migration = new LinkedHashMap<>();
            putFigures(migration, MigrationFigures.ALL, m);
            migrations.add(migration);
        }
        root.put("migrations", migrations);
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("wallSeconds", seconds(result.wallSeconds()));
        timing.put("accessesPerWallSecond", result.wallSeconds() > 0 ? Math.round(accesses / result.wallSeconds()) : 0);
        root.put("timing", timing);

        List<Object> hosts = new ArrayList<>();
        for (int i = 0; i < scenario.hosts().size(); i++) {
            HostSettings h = scenario.hosts().get(i);
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("name", h.name());
            if (i < result.hosts().size()) {
                HostStats s = result.hosts().get(i);
                putFigures(host, HostFigures.ALL, s);
                List<Object> devices = new ArrayList<>();
                for (ballast.host.control.DeviceStats d : s.time().devices()) {
                    Map<String, Object> device = new LinkedHashMap<>();
                    device.put("name", d.name());
                    device.put("role", d.role());
                    device.put("requests", d.requests());
                    device.put("bytes", d.bytes());
                    device.put("busySeconds", GuestFigures.round(d.busySeconds(), 6));
                    device.put("meanWaitMs", GuestFigures.round(d.meanWaitMs(), 3));
                    device.put("p99WaitMs", GuestFigures.round(d.p99WaitMs(), 3));
                    devices.add(device);
                }
                host.put("devices", devices);
            }
            hosts.add(host);
        }
        root.put("hosts", hosts);

        List<Object> guests = new ArrayList<>();
        for (GuestSettings g : scenario.guests()) {
            Map<String, Object> guest = new LinkedHashMap<>();
            guest.put("name", g.name());
            guest.put("host", result.guestHosts().getOrDefault(g.name(), g.host()));
            guest.put("os", g.os());
            guest.put("mode", g.mode().configName());
            GuestSpec spec = specs.get(g.name());
            if (spec != null) {
                guest.put("technique", spec.technique().configName());
            }
            GuestStats s = statsByGuest.get(g.name());
            if (s != null) {
                putFigures(guest, GuestFigures.ALL, s);
                // in the summary, refused calls by reason; the time series keeps the total
                guest.put("refusedHypercalls", s.refusedHypercallsByReason());
            }
            guests.add(guest);
        }
        root.put("guests", guests);
        return root;
    }

    public static String summaryJson(Scenario scenario, RunResult result, boolean interrupted) {
        try {
            return JSON.writeValueAsString(summary(scenario, result, interrupted)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The time series: a header, then one row per guest per sampling point. */
    public static String timeseriesCsv(RunResult result) {
        StringBuilder out = new StringBuilder();
        out.append("simulatedSeconds,guest,host");
        appendNames(out, GuestFigures.ALL);
        out.append('\n');
        for (RunResult.Sample sample : result.samples()) {
            out.append(seconds(sample.simulatedSeconds())).append(',')
                    .append(sample.guest().name()).append(',').append(sample.host());
            for (Figure<GuestStats> f : GuestFigures.ALL) {
                out.append(',').append(f.value().apply(sample.guest()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** One value of a sweep and how its run went. */
    public record SweepRow(String value, Scenario scenario, RunResult result) {
    }

    /**
     * {@code sweep.csv}: one row per sweep value and host, the swept value first, then the host's
     * figures, the shared and reclaimed percentages of the guests' configured memory, and whether
     * the run was ok.
     */
    public static String sweepCsv(String path, List<SweepRow> rows) {
        StringBuilder out = new StringBuilder();
        out.append(csvField(path)).append(",host");
        appendNames(out, HostFigures.ALL);
        out.append(",sharedPercent,reclaimedPercent,readMismatches,status\n");
        for (SweepRow row : rows) {
            long mismatches = 0;
            for (GuestStats g : row.result().guests()) {
                mismatches += g.readMismatches();
            }
            for (int i = 0; i < row.result().hosts().size(); i++) {
                HostStats s = row.result().hosts().get(i);
                out.append(csvField(row.value())).append(',').append(csvField(row.scenario().hosts().get(i).name()));
                for (Figure<HostStats> f : HostFigures.ALL) {
                    out.append(',').append(csvField(String.valueOf(f.value().apply(s))));
                }
                out.append(',').append(String.format(java.util.Locale.ROOT, "%.2f", HostFigures.sharedPercent(s)))
                        .append(',').append(String.format(java.util.Locale.ROOT, "%.2f", HostFigures.reclaimedPercent(s)))
                        .append(',').append(mismatches)
                        .append(',').append(row.result().ok() ? "ok" : "failed").append('\n');
            }
        }
        return out.toString();
    }

    /** The hosts' time series: a header, then one row per host per sampling point. */
    public static String hostsCsv(RunResult result) {
        StringBuilder out = new StringBuilder();
        out.append("simulatedSeconds,host");
        appendNames(out, HostFigures.ALL);
        out.append('\n');
        for (RunResult.HostSample sample : result.hostSamples()) {
            out.append(seconds(sample.simulatedSeconds())).append(',').append(sample.host());
            for (Figure<HostStats> f : HostFigures.ALL) {
                out.append(',').append(csvField(String.valueOf(f.value().apply(sample.stats()))));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Puts each figure of {@code stats} into {@code into} under its name, a dotted name into the
     * object of its group (created on its first member), in the figures' order.
     */
    private static <S> void putFigures(Map<String, Object> into, List<Figure<S>> figures, S stats) {
        for (Figure<S> f : figures) {
            Object value = f.value().apply(stats);
            if (f.group() == null) {
                into.put(f.name(), value);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> group = (Map<String, Object>) into.computeIfAbsent(f.group(),
                        k -> new LinkedHashMap<String, Object>());
                group.put(f.member(), value);
            }
        }
    }

    /** Appends {@code ,NAME} for each figure: the figures' columns of a csv header. */
    private static <S> void appendNames(StringBuilder out, List<Figure<S>> figures) {
        for (Figure<S> f : figures) {
            out.append(',').append(f.name());
        }
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * Writes summary.json, timeseries.csv, hosts.csv and scenario.conf into {@code dir} (created if
     * needed); summary.json last, so that its presence means the others are complete.
     */
    public static void write(Path dir, Scenario scenario, RunResult result, boolean interrupted) throws IOException {
        Files.createDirectories(dir);
        writeAtomically(dir.resolve("scenario.conf"), scenarioAsRun(scenario));
        writeAtomically(dir.resolve("timeseries.csv"), timeseriesCsv(result));
        writeAtomically(dir.resolve("hosts.csv"), hostsCsv(result));
        writeAtomically(dir.resolve("summary.json"), summaryJson(scenario, result, interrupted));
    }

    /** The scenario as run (after includes, --set and --seed), with a header naming its source. */
    static String scenarioAsRun(Scenario scenario) {
        return "# The scenario as run: " + scenario.source() + " after includes, --set and --seed.\n"
                + "# Values it leaves out take the library defaults (docs/scenarios.md).\n"
                + scenario.rendered() + (scenario.rendered().endsWith("\n") ? "" : "\n");
    }

    /** Writes {@code text} to a temporary sibling of {@code target}, then renames it over the target. */
    public static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(text);
            }
            readableByAll(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A temporary file is private (rw-------); an output is rw-r--r-- like any file the user writes. */
    static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    /** Seconds rounded to the millisecond, printed as a plain decimal (60.0, 0.3). */
    static double seconds(double s) {
        return Math.round(s * 1000.0) / 1000.0;
    }
}
