package ballast.guest.workload;

import java.util.List;

/**
 * A guest's workload: its kind (as written in the scenario), its phases and, for a {@code trace}
 * workload, the traces it replays (one process each). {@code uniform}, {@code hot-cold} and
 * {@code idle} are one phase; {@code phases} is a list, the last of which lasts until the end of the
 * run; a {@code trace} workload has one idle phase (its accesses come from the traces).
 */
public record WorkloadSettings(String type, List<Phase> phases, List<TraceSpec> traces) {

    public WorkloadSettings {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a workload needs at least one phase");
        }
        phases = List.copyOf(phases);
        traces = List.copyOf(traces);
    }

    /** A synthetic workload. */
    public WorkloadSettings(String type, List<Phase> phases) {
        this(type, phases, List.of());
    }

    /** A workload replaying {@code traces}, one process each. */
    public static WorkloadSettings trace(List<TraceSpec> traces) {
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("a trace workload needs at least one trace");
        }
        return new WorkloadSettings("trace", List.of(Phase.idle(Double.POSITIVE_INFINITY)), traces);
    }

    public boolean isTrace() {
        return !traces.isEmpty();
    }

    /**
     * The pages the guest may ever touch: the largest working set of any phase, or the distinct
     * pages of all its traces (each trace is its own process, so their pages add up).
     */
    public int maxWorkingSetPages() {
        if (isTrace()) {
            long total = 0;
            for (TraceSpec t : traces) {
                total += t.distinctPages();
            }
            return (int) Math.min(Integer.MAX_VALUE, total);
        }
        int max = 0;
        for (Phase p : phases) {
            max = Math.max(max, p.workingSetPages());
        }
        return max;
    }
}
