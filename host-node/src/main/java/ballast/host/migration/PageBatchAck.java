package ballast.host.migration;

/**
 * Destination to source: batch {@code seq} was applied ({@code problem} null), or refused whole
 * and why. {@code seq} {@link #INSTALLED} acknowledges {@link InstallGuest}.
 */
public record PageBatchAck(long migration, int seq, String problem) implements MigrationCommand {
    public static final int INSTALLED = -1;
}
