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
 * @param workUnits  the guest's work units completed on this host so far (its time model's), or 0
 * @param postCopy   the answer to a {@link PostCopyStatus}, else null
 */
public record MigrationReply(long migration, String host, int guest, int pagesSent, int dirtyPages, String problem,
                             long workUnits, PostCopyProgress postCopy) implements WireMessage {

    public MigrationReply(long migration, String host, int guest, int pagesSent, int dirtyPages, String problem) {
        this(migration, host, guest, pagesSent, dirtyPages, problem, 0, null);
    }
}
