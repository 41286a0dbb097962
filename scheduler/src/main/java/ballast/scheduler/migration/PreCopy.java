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
        pagesSent += pages;
        double downtime = seconds(pages, sharers);
        double total = (tick - startTick) * tickSeconds + downtime;
        return new Outcome(guest, from, to, rounds, pagesSent, Math.round(downtime * 1e6) / 1e3,
                Math.round(total * 1e6) / 1e3, startTick * tickSeconds, trigger);
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
     */
    public record Outcome(String guest, String from, String to, int rounds, long pagesSent, double downtimeMs,
                          double totalMs, double startSeconds, String trigger) {
    }

    /** What started this migration (see {@link Outcome#trigger}); {@code event} unless set. */
    public PreCopy triggeredBy(String trigger) {
        this.trigger = trigger;
        return this;
    }
}
