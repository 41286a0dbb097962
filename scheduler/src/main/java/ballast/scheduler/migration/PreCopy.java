package ballast.scheduler.migration;

/**
 * One pre-copy live migration's progress and decisions (Clark et al., NSDI 2005; the limits of
 * Xen's save code), without actors: the first round sends every backed page; each later round
 * sends the pages written during the previous one; a round takes the simulated time its pages
 * need on the link (whole ticks, at least one: the guest keeps running meanwhile). After a round,
 * stop-and-copy when fewer than {@code stopDirtyPages} pages were written, or {@code maxRounds}
 * rounds were sent, or sending the written pages would take the total past {@code maxSentFactor}
 * times the guest's memory. Stop-and-copy sends the last written pages while the guest is
 * stopped: that transfer is the downtime.
 *
 * <p>Migrations over the same link at the same time share its bandwidth equally: a round (or the
 * stop-and-copy) started while {@code sharers} migrations use the link gets {@code 1 / sharers} of
 * it for its whole transfer (the share is not revised when another migration starts or ends
 * meanwhile).
 *
 * <p>Ignores: protocol overheads, the time to send the guest's page tables and CPU state (small
 * next to its pages).
 */
public final class PreCopy {
    public static final int PAGE_BYTES = ballast.abi.Ops.PAGE_BYTES;

    private final String guest;
    private final String from;
    private final String to;
    private final int configuredPages;
    private final double bytesPerSecond;
    private final double tickSeconds;
    private final MigrationSettings settings;
    private final long startTick;
    private int rounds;
    private long pagesSent;
    private long roundEndsAtTick;
    private int lastPages;
    private String trigger = "event";
    private MigrationStrategy strategy = MigrationStrategy.PRE_COPY;

    /**
     * @param startTick the tick that starts after the boundary where the migration begins
     */
    public PreCopy(String guest, String from, String to, int configuredPages, MigrationSettings settings,
                   double tickSeconds, long startTick) {
        this.guest = guest;
        this.from = from;
        this.to = to;
        this.configuredPages = configuredPages;
        this.settings = settings;
        this.bytesPerSecond = settings.bandwidth(from, to);
        this.tickSeconds = tickSeconds;
        this.startTick = startTick;
    }

    /** A round of {@code pages} was sent at the boundary before tick {@code tick}, alone on its link. */
    public void roundSent(int pages, long tick) {
        roundSent(pages, tick, 1);
    }

    /** A round of {@code pages} was sent at the boundary before tick {@code tick}, {@code sharers} migrations on its link. */
    public void roundSent(int pages, long tick, int sharers) {
        rounds++;
        pagesSent += pages;
        lastPages = pages;
        roundEndsAtTick = tick + ticksFor(pages, sharers);
    }

    /** Whether the current round is over at the boundary before tick {@code tick}. */
    public boolean roundOver(long tick) {
        return tick >= roundEndsAtTick;
    }

    /** Whether to stop and copy now, {@code dirtyPages} having been written during the last round. */
    public boolean stopAndCopy(int dirtyPages) {
        return dirtyPages < settings.stopDirtyPages() || rounds >= settings.maxRounds()
                || pagesSent + dirtyPages > settings.maxSentFactor() * configuredPages;
    }

    /** Whole ticks a transfer of {@code pages} takes alone on the link, at least one. */
    public long ticksFor(int pages) {
        return ticksFor(pages, 1);
    }

    /** Whole ticks a transfer of {@code pages} takes with a {@code 1 / sharers} share of the link, at least one. */
    public long ticksFor(int pages, int sharers) {
        double seconds = seconds(pages, sharers);
        return Math.max(1, (long) Math.ceil(seconds / tickSeconds - 1e-9));
    }

    /** Simulated seconds a transfer of {@code pages} takes alone on the link. */
    public double seconds(long pages) {
        return seconds(pages, 1);
    }

    /** Simulated seconds a transfer of {@code pages} takes with a {@code 1 / sharers} share of the link. */
    public double seconds(long pages, int sharers) {
        return pages * (double) PAGE_BYTES * Math.max(1, sharers) / bytesPerSecond;
    }

    /**
     * The stop-and-copy sent {@code pages} at the boundary before tick {@code tick}: the outcome.
     */
    public Outcome finish(int pages, long tick) {
        return finish(pages, tick, 1);
    }

    /** As {@link #finish(int, long)}, {@code sharers} migrations on the link during the stop-and-copy. */
    public Outcome finish(int pages, long tick, int sharers) {
        return finish(pages, tick, sharers, 0);
    }

    /** As {@link #finish(int, long, int)}, the guest having completed {@code workUnits} during the migration. */
    public Outcome finish(int pages, long tick, int sharers, long workUnits) {
        pagesSent += pages;
        double downtime = seconds(pages, sharers);
        double total = (tick - startTick) * tickSeconds + downtime;
        return new Outcome(guest, from, to, rounds, pagesSent, ms(downtime), ms(total), startTick * tickSeconds,
                trigger, strategy.key, 0, 0, 0, throughput(workUnits, total));
    }

    private static double ms(double seconds) {
        return Math.round(seconds * 1e6) / 1e3;
    }

    private static double throughput(long workUnits, double seconds) {
        return seconds > 0 ? Math.round(workUnits / seconds * 10) / 10.0 : 0;
    }

    /**
     * After a pre-copy round that did not end in a stop-and-copy, {@code dirtyPages} having been
     * written during it: whether to switch to post-copy now. Never for pre-copy; always (before
     * any round) for post-copy; for hybrid once {@code hybrid-rounds} rounds were sent; for auto when
     * the round did not converge (its written pages are not fewer than {@code auto-converge} times
     * the pages it sent).
     */
    public boolean switchNow(int dirtyPages) {
        return switch (strategy) {
            case PRE_COPY -> false;
            case POST_COPY -> true;
            case HYBRID -> rounds >= settings.hybridRounds();
            case AUTO -> dirtyPages >= settings.autoConverge() * Math.max(1, lastPages);
        };
    }

    /** The guest's downtime at a post-copy switch: its CPU state (one page, an assumption) over the link, after its latency. */
    public double switchSeconds(int sharers) {
        return settings.latencySeconds() + seconds(1, sharers);
    }

    /**
     * A post-copy (or hybrid, or auto) migration whose last pages arrived by the boundary before
     * {@code tick}: the pre-copy rounds, then the switch ({@code switchSharers} on the link), then
     * the pages of {@code after} (each crossed once); the guest completed {@code workUnits} during it.
     */
    public Outcome finishPostCopy(ballast.host.migration.PostCopyProgress after, int switchSharers, long tick,
                                  long workUnits) {
        long postPages = after.faults() + after.prepaged() + after.pushed();
        pagesSent += postPages;
        double downtime = switchSeconds(switchSharers);
        double total = (tick - startTick) * tickSeconds + downtime;
        return new Outcome(guest, from, to, rounds, pagesSent, ms(downtime), ms(total), startTick * tickSeconds,
                trigger, strategy.key, postPages, after.faults(), ms(after.degradedTicks() * tickSeconds),
                throughput(workUnits, total));
    }

    public MigrationStrategy strategy() {
        return strategy;
    }

    /** How this migration moves the guest's memory; pre-copy unless set. */
    public PreCopy withStrategy(MigrationStrategy strategy) {
        this.strategy = strategy == null ? MigrationStrategy.PRE_COPY : strategy;
        return this;
    }

    public MigrationSettings settings() {
        return settings;
    }

    /** The link's bandwidth for this migration, bytes per simulated second, with {@code sharers} on it. */
    public double bandwidth(int sharers) {
        return bytesPerSecond / Math.max(1, sharers);
    }

    /** The migration's start, in ticks (the tick that starts after its first boundary). */
    public long startTick() {
        return startTick;
    }

    public int rounds() {
        return rounds;
    }

    public long pagesSent() {
        return pagesSent;
    }

    public int lastRoundPages() {
        return lastPages;
    }

    public String guest() {
        return guest;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    /**
     * A finished migration as reported in {@code summary.json} {@code migrations[]}.
     *
     * @param rounds       pre-copy rounds (the first, full one included; stop-and-copy not)
     * @param pagesSent    pages sent in all, stop-and-copy included
     * @param downtimeMs   simulated milliseconds the guest was stopped (its last pages' transfer)
     * @param totalMs      simulated milliseconds from the start to the guest running on the destination
     * @param startSeconds simulated second the migration started
     * @param trigger      what started it: {@code event} (a migrate event) or {@code hotspot} (the hotspot trigger)
     * @param strategy     {@code pre-copy}, {@code post-copy}, {@code hybrid} or {@code auto} (as asked)
     * @param postCopyPages pages that crossed after a switch to post-copy (0: it ended in a stop-and-copy)
     * @param networkFaults pages the guest touched at its destination before they arrived
     * @param degradedMs   simulated milliseconds of the ticks in which the guest waited for a network fault
     * @param throughput   the guest's work units completed per simulated second during the migration
     */
    public record Outcome(String guest, String from, String to, int rounds, long pagesSent, double downtimeMs,
                          double totalMs, double startSeconds, String trigger, String strategy, long postCopyPages,
                          long networkFaults, double degradedMs, double throughput) {

        public Outcome(String guest, String from, String to, int rounds, long pagesSent, double downtimeMs,
                       double totalMs, double startSeconds, String trigger) {
            this(guest, from, to, rounds, pagesSent, downtimeMs, totalMs, startSeconds, trigger, "pre-copy", 0, 0, 0, 0);
        }
    }

    /** What started this migration (see {@link Outcome#trigger}); {@code event} unless set. */
    public PreCopy triggeredBy(String trigger) {
        this.trigger = trigger;
        return this;
    }
}
