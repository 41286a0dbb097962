package ballast.app.report;

import static ballast.app.report.Figure.counter;
import static ballast.app.report.Figure.rate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a whole run at the top of {@code summary.json} (its numbers; the lists of faults,
 * events and migrations are described in {@code docs/outputs.md}), declared like the host and guest
 * figures and read back from a summary. {@link RunWriter#summary} writes them.
 */
public final class RunFigures {

    public static final List<Figure<JsonNode>> ALL;

    static {
        List<Figure<JsonNode>> all = new ArrayList<>();
        all.add(counter("ticks", "ticks", "ticks played", "Ticks played.", s -> s.path("ticks")));
        all.add(counter("simulatedSeconds", "s", "simulated time", "Simulated seconds played.", s -> s.path("simulatedSeconds")));
        all.add(counter("accesses", "accesses", "memory accesses", "Memory accesses of all guests.", s -> s.path("accesses")));
        all.add(counter("readMismatches", "reads", "read mismatches", "Read mismatches of all guests.", s -> s.path("readMismatches")));
        all.add(counter("invariants.checks", "checks", "invariant checks", "Invariant checks made (frame conservation, refcounts, isolation, integrity).", s -> s.path("invariants").path("checks")));
        all.add(counter("invariants.violations", "violations", "invariant violations", "Invariant checks that failed (their messages are in `invariants.messages`).", s -> s.path("invariants").path("violations")));
        all.add(counter("timing.wallSeconds", "s", "wall time", "Wall-clock seconds the run took (with the next figure, the only wall-clock figures).", s -> s.path("timing").path("wallSeconds")));
        all.add(rate("timing.accessesPerWallSecond", "accesses/s", "accesses per wall second", "Memory accesses per wall-clock second.", s -> s.path("timing").path("accessesPerWallSecond")));
        ALL = List.copyOf(all);
    }

    private RunFigures() {
    }

    /** The figure of that (dotted) name, or null. */
    public static Figure<JsonNode> named(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }
}
