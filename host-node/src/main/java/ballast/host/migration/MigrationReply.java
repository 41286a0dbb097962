package ballast.host.migration;

import ballast.wire.WireMessage;

/**
 * A hypervisor's answer to a migration step.
 *
 * @param host       the host answering
 * @param guest      the guest's index on that host (for {@link AdmitGuest}, the index it was given)
 * @param pagesSent  pages sent with their content by a {@link SendRound} (ballooned and unbacked PPNs
 *                   travel as marks and are not counted)
 * @param dirtyPages pages written since the last round, after a {@link SendRound} or {@link TrackWrites}
 * @param problem    null, or why the step failed (nothing was changed by a failed step)
 */
public record MigrationReply(long migration, String host, int guest, int pagesSent, int dirtyPages, String problem)
        implements WireMessage {
}
