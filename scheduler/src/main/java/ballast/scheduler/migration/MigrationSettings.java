package ballast.scheduler.migration;

import java.util.List;

/**
 * How live migrations run ({@code migration { ... }} in a scenario). Defaults from Xen's save code.
 *
 * @param bytesPerSecond  simulated bandwidth of a link between two hosts, bytes per simulated second
 * @param links           links with their own bandwidth (either direction)
 * @param maxRounds       pre-copy rounds at most before stop-and-copy (Xen: 30)
 * @param maxSentFactor   stop-and-copy once this many times the guest's memory was sent (Xen: 3)
 * @param stopDirtyPages  stop-and-copy when fewer pages than this were written in a round (Xen: 50)
 * @param batchPages      pages per message between the hosts
 * @param window          batches sent and not yet acknowledged, at most (well under Artery's queue of 3072)
 * @param strategy        the default strategy of a migration ({@link MigrationStrategy}): pre-copy unless set
 * @param hybridRounds    pre-copy rounds of a hybrid migration before it switches to post-copy (the first included)
 * @param prepageWindow   pages a post-copy network fault fetches around the faulting page, at most
 * @param latencySeconds  one-way latency of a link (a network fault waits for it twice)
 * @param autoConverge    {@code auto}: a round whose written pages are fewer than this fraction of the pages
 *                        it sent converges (stay in pre-copy); one that does not switches to post-copy
 */
public record MigrationSettings(double bytesPerSecond, List<Link> links, int maxRounds, double maxSentFactor,
                                int stopDirtyPages, int batchPages, int window, MigrationStrategy strategy,
                                int hybridRounds, int prepageWindow, double latencySeconds, double autoConverge) {
    public static final MigrationSettings DEFAULTS = new MigrationSettings(1024.0 * 1024 * 1024, List.of(), 30, 3.0,
            50, 1024, 16);

    public MigrationSettings {
        links = List.copyOf(links);
        strategy = strategy == null ? MigrationStrategy.PRE_COPY : strategy;
    }

    /** Pre-copy settings; post-copy's at their defaults. */
    public MigrationSettings(double bytesPerSecond, List<Link> links, int maxRounds, double maxSentFactor,
                             int stopDirtyPages, int batchPages, int window) {
        this(bytesPerSecond, links, maxRounds, maxSentFactor, stopDirtyPages, batchPages, window,
                MigrationStrategy.PRE_COPY, 2, 16, 100e-6, 0.5);
    }

    /** A link between two hosts (either direction) with its own bandwidth. */
    public record Link(String a, String b, double bytesPerSecond) {
    }

    /** The bandwidth between {@code from} and {@code to}. */
    public double bandwidth(String from, String to) {
        for (Link l : links) {
            if (l.a().equals(from) && l.b().equals(to) || l.a().equals(to) && l.b().equals(from)) {
                return l.bytesPerSecond();
            }
        }
        return bytesPerSecond;
    }
}
