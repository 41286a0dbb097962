package ballast.host.migration;

/**
 * Source to destination, before the {@link InstallGuest} of a post-copy migration's switch: the PPNs
 * of guest {@code guest} (its index at the destination) that count as still at the source, and how
 * they cross ({@link PostCopyArrivals}).
 */
public record PostCopyBegin(long migration, int guest, int[] ppns, PostCopyTerms terms) implements MigrationCommand {
}
