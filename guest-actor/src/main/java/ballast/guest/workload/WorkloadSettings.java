package ballast.guest.workload;

import java.util.List;

/**
 * A guest's synthetic workload: its kind (as written in the scenario) and its phases.
 * {@code uniform}, {@code hot-cold} and {@code idle} are one phase; {@code phases} is a list,
 * the last of which lasts until the end of the run.
 */
public record WorkloadSettings(String type, List<Phase> phases) {

    public WorkloadSettings {
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a workload needs at least one phase");
        }
        phases = List.copyOf(phases);
    }

    /** The largest working set of any phase: the pages the guest may ever touch. */
    public int maxWorkingSetPages() {
        int max = 0;
        for (Phase p : phases) {
            max = Math.max(max, p.workingSetPages());
        }
        return max;
    }
}
