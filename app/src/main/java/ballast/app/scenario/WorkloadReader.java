package ballast.app.scenario;

import static ballast.app.scenario.Entry.PAGE_BYTES;
import static ballast.app.scenario.Entry.keysOf;
import static ballast.app.scenario.Entry.seconds;
import static ballast.app.scenario.Entry.show;
import static ballast.app.scenario.Entry.size;

import ballast.app.scenario.GuestReader.GuestDraft;
import ballast.app.scenario.HostReader.HostDraft;
import ballast.guest.workload.Phase;
import ballast.guest.workload.TraceFormat;
import ballast.guest.workload.TraceScan;
import ballast.guest.workload.TraceSpec;
import ballast.guest.workload.WorkloadSettings;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a workload block: {@code uniform}, {@code hot-cold}, {@code phases}, {@code idle}, or
 * {@code trace} (each trace file scanned once, in one streaming pass, for its records and
 * distinct pages; a scan is kept for the other guests naming the same unchanged file), through
 * the library's {@code ballast.workload-defaults}. Also checks that a workload's busiest tick
 * fits one batch of its host. Used for guests, templates and {@code workload} events.
 */
final class WorkloadReader {
    static final List<String> WORKLOAD_TYPES = List.of("uniform", "hot-cold", "phases", "idle", "trace");
    static final List<String> TRACE_FORMATS = List.of("lackey", "csv");
    /** A guest's access rate cap: about what one core can issue (10^9 memory accesses per second). */
    static final double MAX_ACCESSES_PER_SECOND = 1e9;
    private static final double FOREVER = Double.POSITIVE_INFINITY;

    private final Problems problems;
    private final LibraryDefaults defaults;
    /** Trace files already scanned (a template's trace is read for the template and each guest). */
    private final Map<String, TraceScan> scans = new HashMap<>();

    WorkloadReader(Problems problems, LibraryDefaults defaults) {
        this.problems = problems;
        this.defaults = defaults;
    }

    /**
     * Reads a workload; a guest without one is idle. {@code guestPages} is null when the working
     * sets need not be checked against the memory (described by {@code memory}).
     */
    WorkloadSettings readWorkload(Entry workload, Integer guestPages, String memory, boolean template) {
        if (!workload.exists()) {
            return new WorkloadSettings("idle", List.of(Phase.idle(FOREVER)));
        }
        if (!workload.has("type")) {
            if (template) {
                // The guests using this template may give the type; check what any type allows.
                Set<String> anyType = new TreeSet<>(List.of("type"));
                for (String type : WORKLOAD_TYPES) {
                    anyType.addAll(defaults.object("workload-defaults." + type).keySet());
                }
                workload.checkKeys(anyType);
            } else {
                workload.problem("type", "missing: a workload needs a type; allowed: " + String.join(", ", WORKLOAD_TYPES));
            }
            return null;
        }
        String type = workload.oneOf("type", "workload type", WORKLOAD_TYPES);
        if (type == null) {
            return null;
        }
        ConfigObject typeDefaults = defaults.object("workload-defaults." + type);
        Entry typed = workload.withFallback(new Entry.Layer("ballast.workload-defaults." + type, typeDefaults, false));
        typed.checkKeys(keysOf(typeDefaults, "type"));
        List<Phase> phases = new ArrayList<>();
        switch (type) {
            case "uniform":
            case "hot-cold":
                phases.add(readPhase(typed, FOREVER, type.equals("hot-cold"), guestPages, memory));
                break;
            case "phases":
                phases.addAll(readPhases(typed, guestPages, memory));
                break;
            case "trace":
                return readTraces(typed, guestPages, memory);
            default:
                phases.add(Phase.idle(FOREVER));
                break;
        }
        if (phases.isEmpty() || phases.contains(null)) {
            return null;
        }
        return new WorkloadSettings(type, phases);
    }

    /**
     * A trace workload: its format, rate, loop flag and one or more files, each scanned once (a
     * streaming pass) for its records and distinct pages, which must fit in the guest's memory.
     */
    private WorkloadSettings readTraces(Entry workload, Integer guestPages, String memory) {
        int before = problems.reports();
        String formatName = workload.oneOf("format", "trace format", TRACE_FORMATS);
        Double rate = workload.number("accesses-per-second", 0);
        Boolean loop = workload.bool("loop");
        Entry.Found found = workload.find("path");
        List<ConfigValue> files = new ArrayList<>();
        List<String> filePaths = new ArrayList<>();
        if (found == null || !found.user()) {
            workload.problem("path", "missing: a trace workload needs path = FILE (or a list of files, one process each)");
        } else if (found.value().valueType() == ConfigValueType.LIST) {
            ConfigList list = (ConfigList) found.value();
            if (list.isEmpty()) {
                problems.at(found.value().origin(), found.path(), "a trace workload needs at least one file");
            }
            for (int i = 0; i < list.size(); i++) {
                files.add(list.get(i));
                filePaths.add(found.path() + "[" + i + "]");
            }
        } else {
            files.add(found.value());
            filePaths.add(found.path());
        }
        if (files.size() > GuestReader.MAX_PROCESSES) {
            problems.at(found.value().origin(), found.path(), "at most " + GuestReader.MAX_PROCESSES + " traces (one process each), got "
                    + files.size());
            return null;
        }
        if (problems.reports() != before || formatName == null) {
            return null;
        }
        TraceFormat format = TraceFormat.fromConfigName(formatName);
        List<TraceSpec> traces = new ArrayList<>();
        long distinct = 0;
        for (int i = 0; i < files.size(); i++) {
            TraceSpec spec = readTraceFile(files.get(i), filePaths.get(i), format, rate, loop);
            if (spec != null) {
                traces.add(spec);
                distinct += spec.distinctPages();
            }
        }
        if (problems.reports() != before || rate == null || loop == null) {
            return null;
        }
        if (guestPages != null && distinct > guestPages) {
            workload.problemAbout("path", (files.size() == 1 ? "the trace touches " : "the traces touch ") + distinct
                    + " distinct pages (" + size(distinct * PAGE_BYTES) + "), more than " + memory);
            return null;
        }
        return WorkloadSettings.trace(traces);
    }

    private TraceSpec readTraceFile(ConfigValue value, String path, TraceFormat format, Double rate, Boolean loop) {
        ConfigOrigin origin = value.origin();
        if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
            problems.at(origin, path, "expected a trace file name, got " + show(value));
            return null;
        }
        String written = (String) value.unwrapped();
        Path file;
        try {
            file = Path.of(written);
            if (!file.isAbsolute() && origin.filename() != null) {
                Path dir = Path.of(origin.filename()).toAbsolutePath().getParent();
                file = dir == null ? file : dir.resolve(file);
            }
            file = file.toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problems.at(origin, path, "not a usable file name: " + written);
            return null;
        }
        String where = file.toString().equals(written) ? "" : " (" + file + ")";
        if (!Files.exists(file)) {
            problems.at(origin, path, "trace file " + written + " not found" + where);
            return null;
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.at(origin, path, "trace file " + written + " is not a readable file" + where);
            return null;
        }
        TraceScan scan;
        try {
            String key = format + ":" + file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
            scan = scans.get(key);
            if (scan == null) {
                scan = TraceScan.of(format, file);
                scans.put(key, scan);
            }
        } catch (IOException e) {
            problems.at(origin, path, "cannot read trace file " + written + where + ": " + e.getMessage());
            return null;
        }
        if (scan.malformed() > 0) {
            problems.at(origin, path, scan.malformed() + " malformed line(s) in " + format.configName() + " trace "
                    + written + ", the first: " + scan.firstMalformed() + " (expected vpn,r or vpn,w)");
            return null;
        }
        if (scan.outOfRange() > 0) {
            problems.at(origin, path, scan.outOfRange() + " record(s) of " + format.configName() + " trace " + written
                    + " address pages beyond the 48-bit address space a guest has (VPNs up to 0x"
                    + Long.toHexString(ballast.abi.Ops.MAX_VPN) + "), the first: " + scan.firstOutOfRange()
                    + "; remove them (e.g. the kernel's vsyscall page) or trace a user program");
            return null;
        }
        if (scan.records() == 0) {
            problems.at(origin, path, "no access records in " + written + where + ": is it a " + format.configName()
                    + " trace?" + (format == TraceFormat.LACKEY ? " (valgrind --tool=lackey --trace-mem=yes)" : " (vpn,r|w lines)"));
            return null;
        }
        return new TraceSpec(format, file, rate == null ? 0 : rate, loop != null && loop, scan.records(),
                scan.distinctPages());
    }

    private List<Phase> readPhases(Entry workload, Integer guestPages, String memory) {
        List<Phase> phases = new ArrayList<>();
        Entry.Found found = workload.find("phases");
        if (found == null) {
            workload.problem("phases", "missing: a phases workload needs a list of phases");
            return phases;
        }
        if (!(found.value() instanceof ConfigList list)) {
            workload.problemAtValue("phases", "expected a list of phases such as [ { duration = 10s, working-set = 64MiB } ], got "
                    + show(found.value()));
            return phases;
        }
        if (list.isEmpty()) {
            workload.problemAbout("phases", "a phases workload needs at least one phase, such as"
                    + " phases = [ { duration = 10s, working-set = 64MiB } ]");
            return phases;
        }
        ConfigObject phaseDefaults = defaults.object("workload-defaults.phase");
        for (int i = 0; i < list.size(); i++) {
            ConfigValue item = list.get(i);
            String path = found.path() + "[" + i + "]";
            if (!(item instanceof ConfigObject object)) {
                problems.at(item.origin(), path, "expected a phase { duration = 10s, working-set = 64MiB, ... }, got " + show(item));
                phases.add(null);
                continue;
            }
            Entry phase = Entry.of(problems, path, object)
                    .withFallback(new Entry.Layer("ballast.workload-defaults.phase", phaseDefaults, false));
            phase.checkKeys(phaseDefaults.keySet());
            Duration duration = phase.positiveDuration("duration");
            boolean last = i == list.size() - 1;
            double seconds = last || duration == null ? FOREVER : seconds(duration);
            Phase read = readPhase(phase, seconds, true, guestPages, memory);
            phases.add(duration == null ? null : read);
        }
        return phases;
    }

    /** One phase; {@code hotCold} reads hot-fraction and hot-access-fraction, else the phase is uniform. */
    private Phase readPhase(Entry phase, double durationSeconds, boolean hotCold, Integer guestPages, String memory) {
        Integer workingSet = phase.pages("working-set");
        Double accessesPerSecond = phase.number("accesses-per-second", 0, MAX_ACCESSES_PER_SECOND);
        Double writeFraction = phase.fraction("write-fraction");
        Double hotFraction = hotCold ? phase.fraction("hot-fraction") : Double.valueOf(1.0);
        Double hotAccessFraction = hotCold ? phase.fraction("hot-access-fraction") : Double.valueOf(1.0);
        if (workingSet != null && guestPages != null && workingSet > guestPages) {
            phase.problemAbout("working-set", "working set " + show(phase.find("working-set").value())
                    + " is larger than " + memory);
            return null;
        }
        if (workingSet == null || accessesPerSecond == null || writeFraction == null || hotFraction == null
                || hotAccessFraction == null) {
            return null;
        }
        return new Phase(durationSeconds, workingSet, accessesPerSecond, writeFraction, hotFraction, hotAccessFraction);
    }

    /**
     * A guest's busiest tick (its fastest phase's accesses in one tick, plus one page-table write
     * and one fill per page it may touch) must fit in one batch of its host's max-batch-ops, or the
     * hypervisor would refuse every tick of it.
     */
    void checkBatchSizes(Map<String, HostDraft> hosts, List<GuestDraft> guests, double tickSeconds) {
        for (GuestDraft guest : guests) {
            HostDraft host = guest.host() == null ? null : hosts.get(guest.host());
            if (host == null || guest.values() == null) {
                continue;
            }
            checkBatchSize(guest.entry(), "workload", host, guest.values().workload(), guest.values().processes(),
                    tickSeconds);
        }
    }

    /** Reports at {@code key} of {@code at} a workload whose busiest tick would not fit one batch of {@code host}. */
    void checkBatchSize(Entry at, String key, HostDraft host, WorkloadSettings workload, int processes,
                        double tickSeconds) {
        double fastest = 0;
        for (Phase p : workload.phases()) {
            fastest = Math.max(fastest, p.accessesPerSecond());
        }
        double perTick = Math.ceil(fastest * tickSeconds) + 2.0 * workload.maxWorkingSetPages() + processes;
        if (perTick > host.maxBatchOps()) {
            at.problemAbout(key, "up to " + (long) perTick + " operations per tick (accesses at "
                    + show(fastest) + " per second, plus first touches) exceed host " + host.name()
                    + "'s max-batch-ops of " + host.maxBatchOps() + ": lower the rate or the tick, or raise max-batch-ops");
        }
    }
}
