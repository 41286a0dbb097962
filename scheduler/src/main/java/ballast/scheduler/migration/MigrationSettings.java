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
 */
public record MigrationSettings(double bytesPerSecond, List<Link> links, int maxRounds, double maxSentFactor,
                                int stopDirtyPages, int batchPages, int window) {
    public static final MigrationSettings DEFAULTS = new MigrationSettings(1024.0 * 1024 * 1024, List.of(), 30, 3.0,
            50, 1024, 16);

    public MigrationSettings {
        links = List.copyOf(links);
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
