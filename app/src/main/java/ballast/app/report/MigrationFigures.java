package ballast.app.report;

import static ballast.app.report.Figure.counter;
import static ballast.app.report.Figure.level;
import static ballast.app.report.Figure.rate;
import static ballast.app.report.Figure.text;

import ballast.scheduler.migration.PreCopy;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of each finished live migration in {@code summary.json} {@code migrations[]}, declared
 * like the run's, hosts' and guests' figures (the table of docs/outputs.md is made from them).
 * {@link RunWriter#summary} writes them in this order.
 */
public final class MigrationFigures {

    public static final List<Figure<PreCopy.Outcome>> ALL;

    static {
        List<Figure<PreCopy.Outcome>> all = new ArrayList<>();
        all.add(text("guest", "guest", "The guest moved.", PreCopy.Outcome::guest));
        all.add(text("from", "source host", "The host it left.", PreCopy.Outcome::from));
        all.add(text("to", "destination host", "The host it went to.", PreCopy.Outcome::to));
        all.add(level("startSeconds", "s", "start", "Simulated second the migration started (its first tick boundary).",
                m -> RunWriter.seconds(m.startSeconds())));
        all.add(counter("rounds", "rounds", "pre-copy rounds", "Pre-copy rounds sent, the first (full) one included; 0 for post-copy.",
                PreCopy.Outcome::rounds));
        all.add(counter("pagesSent", Figure.PAGES, "pages sent", "Pages that crossed the link with their content: every round, the stop-and-copy, and after a switch to post-copy every page fetched by a fault, pre-paged or pushed (each once).",
                PreCopy.Outcome::pagesSent));
        all.add(level("downtimeMs", "ms", "downtime", "Simulated milliseconds the guest was stopped: the stop-and-copy's pages on the link, or at a post-copy switch the link's latency and the CPU state (one page).",
                PreCopy.Outcome::downtimeMs));
        all.add(level("totalMs", "ms", "total time", "Simulated milliseconds from the start to the guest running at its destination with every page there.",
                PreCopy.Outcome::totalMs));
        all.add(text("trigger", "trigger", "What started it: `event` (a migrate event) or `hotspot` (the hotspot trigger).",
                PreCopy.Outcome::trigger));
        all.add(text("strategy", "strategy", "`pre-copy`, `post-copy`, `hybrid` or `auto`, as asked (`postCopyPages` says whether it switched).",
                PreCopy.Outcome::strategy));
        all.add(counter("postCopyPages", Figure.PAGES, "post-copy pages", "Pages that crossed after the switch to post-copy (0: the migration ended in a stop-and-copy).",
                PreCopy.Outcome::postCopyPages));
        all.add(counter("networkFaults", "faults", "network faults", "Pages the guest touched at its destination before they arrived (each waited for the link's latency twice and the page's transfer).",
                PreCopy.Outcome::networkFaults));
        all.add(level("degradedMs", "ms", "degraded time", "Simulated milliseconds of the ticks in which the guest waited for at least one network fault.",
                PreCopy.Outcome::degradedMs));
        all.add(rate("throughput", "accesses/s", "throughput during", "The guest's work units completed per simulated second of the migration's total time.",
                PreCopy.Outcome::throughput));
        ALL = List.copyOf(all);
    }

    private MigrationFigures() {
    }
}
