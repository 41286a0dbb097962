package ballast.scheduler.migration;

import ballast.guest.GuestHandover;

/**
 * The steps of one live migration (pre-copy, Clark et al., NSDI 2005), or of the restart of a
 * guest lost with its node, as a state machine without actors. The run manager sends the message
 * of the current {@link Step} and feeds the answer back; the answer decides the next step.
 *
 * <p>A migration: admit the guest at the destination, track its writes at the source, send the
 * first full round; at each later tick boundary whose round is over ({@link PreCopy#roundOver}),
 * ask for the pages written meanwhile and either send them as another round or stop and copy:
 * evacuate the guest (its actor stops and hands over its state), send the last pages with the page
 * tables (the destination installs the guest), then resume the guest's new incarnation there. A
 * host's refusal before the stop-and-copy gives the migration up (the source stops tracking, the
 * destination releases what arrived) and the guest runs on at its source; later it fails the run.
 *
 * <p>Post-copy (Hines and Gopalan, VEE 2009; {@link MigrationStrategy}): after the write tracking, or
 * after some pre-copy rounds (hybrid, auto), the switch: evacuate the guest, send the pages not sent
 * yet as a post-copy last round (they count at the destination as still at the source), resume the
 * guest there; then, at every tick boundary, ask the destination how far the pages are
 * ({@link Step#POSTCOPY_STATUS}) until every page has arrived: then the migration is over.
 *
 * <p>A restart: admit the guest at its new host, install it empty, boot it afresh there.
 *
 * <p>Owned by the run manager's actor; not thread-safe.
 */
public final class LiveMigration {

    /** A step and the number it has in logs and failure messages. */
    public enum Step {
        ADMIT(1), TRACK_WRITES(2), FIRST_ROUND(3), DIRTY_PAGES(4), ROUND(5), EVACUATE(6), LAST_ROUND(7), RESUME(8),
        CANCEL_AT_SOURCE(9), CANCEL_AT_DESTINATION(10), RESTART_ADMIT(11), RESTART_INSTALL(12), RESTART_RESUME(13),
        POSTCOPY_STATUS(14);

        public final int number;

        Step(int number) {
            this.number = number;
        }
    }

    /** Where the migration stands between tick boundaries. */
    public enum Phase { NEW, PRECOPY, STOP, RESTART, POSTCOPY }

    /** What the run manager does after an answer. */
    public enum Next {
        /** Send the message of the (new) current step. */
        SEND,
        /** A round is on the link: this migration is done for this boundary. */
        ROUND_SENT,
        /** Given up before the stop-and-copy: the guest stays at its source; {@link #abortReason()} says why. */
        GIVEN_UP,
        /** The run fails: {@link #failure()} says why. */
        FAILED,
        /** The answer does not fit the current step. */
        UNEXPECTED,
        /** Post-copy: every page has arrived at the destination; the migration is over. */
        POSTCOPY_DONE
    }

    private final long id;
    private final String guest;
    private final String from;
    private final String to;
    private final PreCopy precopy;
    private Phase phase;
    private Step step;
    private int destIndex = -1;
    private GuestHandover handover;
    private int lastRoundPages;
    private int pagesJustSent;
    private final long footprint;
    private String abortReason;
    private String failure;
    /** The migration switches (or switched) to post-copy. */
    private boolean postCopy;
    private int switchSharers = 1;
    private long noteWorkUnits;
    private ballast.host.migration.PostCopyProgress noteProgress;
    private ballast.host.migration.PostCopyProgress progress;
    private long workAtStart;
    private long workAtSource;

    /** A live migration of {@code guest} (holding {@code footprint} pages) from {@code from} to {@code to}. */
    public LiveMigration(long id, String guest, String from, String to, PreCopy precopy, long footprint) {
        this(id, guest, from, to, precopy, footprint, Phase.NEW);
    }

    /** A guest lost with its node, to boot afresh on {@code to}. */
    public static LiveMigration restart(long id, String guest, String to) {
        return new LiveMigration(id, guest, null, to, null, 0, Phase.RESTART);
    }

    private LiveMigration(long id, String guest, String from, String to, PreCopy precopy, long footprint, Phase phase) {
        this.id = id;
        this.guest = guest;
        this.from = from;
        this.to = to;
        this.precopy = precopy;
        this.footprint = footprint;
        this.phase = phase;
    }

    /** Whether this boundary has work for it: it has not begun, or its round is over by {@code tick}. */
    public boolean dueAt(long tick) {
        return phase == Phase.NEW || phase == Phase.POSTCOPY || phase != Phase.RESTART && precopy.roundOver(tick);
    }

    /** Its first step at this boundary: admission (a new migration, a restart), or asking for the written pages. */
    public Step begin() {
        step = phase == Phase.RESTART ? Step.RESTART_ADMIT : phase == Phase.NEW ? Step.ADMIT
                : phase == Phase.POSTCOPY ? Step.POSTCOPY_STATUS : Step.DIRTY_PAGES;
        return step;
    }

    /**
     * A hypervisor's answer to the current step.
     *
     * @param guestIndex   the guest's index at the answering host (admission)
     * @param pagesSent    the pages a round sent
     * @param dirtyPages   the pages written since the last round
     * @param problem      why the host refused, or null
     * @param boundaryTick the tick that starts after this boundary
     * @param sharers      migrations now on this one's link, itself included
     */
    public Next onHostReply(int guestIndex, int pagesSent, int dirtyPages, String problem, String host,
                            long boundaryTick, int sharers) {
        long work = noteWorkUnits;
        ballast.host.migration.PostCopyProgress answer = noteProgress;
        noteWorkUnits = 0;
        noteProgress = null;
        if (problem != null) {
            String what = "migration of " + guest + " from " + from + " to " + to + " failed: " + problem
                    + " (" + host + ")";
            if (phase != Phase.RESTART && step.number >= Step.ADMIT.number && step.number <= Step.ROUND.number) {
                abortReason = what; // the guest still runs at the source: give the migration up
                step = Step.CANCEL_AT_SOURCE;
                return Next.SEND;
            }
            failure = what;
            return Next.FAILED;
        }
        switch (step) {
            case CANCEL_AT_SOURCE:
                if (destIndex < 0) {
                    return Next.GIVEN_UP;
                }
                step = Step.CANCEL_AT_DESTINATION;
                return Next.SEND;
            case CANCEL_AT_DESTINATION:
                return Next.GIVEN_UP;
            case ADMIT:
                destIndex = guestIndex;
                step = Step.TRACK_WRITES;
                return Next.SEND;
            case TRACK_WRITES:
                workAtStart = work;
                if (precopy.strategy() == MigrationStrategy.POST_COPY) {
                    phase = Phase.PRECOPY; // the switch at the next boundary (no round: nothing on the link)
                    return Next.ROUND_SENT;
                }
                step = Step.FIRST_ROUND;
                return Next.SEND;
            case FIRST_ROUND:
            case ROUND:
                pagesJustSent = pagesSent;
                precopy.roundSent(pagesSent, boundaryTick, sharers);
                phase = Phase.PRECOPY;
                return Next.ROUND_SENT;
            case DIRTY_PAGES:
                if (precopy.strategy() == MigrationStrategy.POST_COPY
                        || !precopy.stopAndCopy(dirtyPages) && precopy.switchNow(dirtyPages)) {
                    switchToPostCopy(sharers);
                } else if (!precopy.stopAndCopy(dirtyPages)) {
                    step = Step.ROUND;
                } else {
                    phase = Phase.STOP;
                    step = Step.EVACUATE;
                }
                return Next.SEND;
            case LAST_ROUND:
                pagesJustSent = pagesSent;
                lastRoundPages = postCopy ? 0 : pagesSent;
                workAtSource = work;
                step = Step.RESUME;
                return Next.SEND;
            case POSTCOPY_STATUS:
                if (answer == null) {
                    return Next.UNEXPECTED;
                }
                progress = answer;
                return answer.pending() == 0 ? Next.POSTCOPY_DONE : Next.ROUND_SENT;
            case RESTART_ADMIT:
                destIndex = guestIndex;
                step = Step.RESTART_INSTALL;
                return Next.SEND;
            default:
                return Next.UNEXPECTED;
        }
    }

    private void switchToPostCopy(int sharers) {
        postCopy = true;
        switchSharers = sharers;
        phase = Phase.STOP;
        step = Step.EVACUATE;
    }

    /**
     * What the answer to come carries beyond {@link #onHostReply}'s arguments: the guest's work units
     * on the answering host and, to a {@link Step#POSTCOPY_STATUS}, the post-copy figures. Call it
     * just before {@link #onHostReply}.
     */
    public void noteReply(long workUnits, ballast.host.migration.PostCopyProgress postCopyProgress) {
        noteWorkUnits = workUnits;
        noteProgress = postCopyProgress;
    }

    /** Whether the migration switches (or switched) to post-copy. */
    public boolean postCopy() {
        return postCopy;
    }

    /** Whether the migration's last round sends every page (a post-copy switch before any pre-copy round). */
    public boolean lastRoundSendsAll() {
        return postCopy && precopy.rounds() == 0;
    }

    /** The guest runs at its destination, its pages still arriving: a status is asked at every boundary. */
    public void resumedInPostCopy() {
        phase = Phase.POSTCOPY;
    }

    /** The post-copy figures of the last status (null before). */
    public ballast.host.migration.PostCopyProgress progress() {
        return progress;
    }

    /** The source's node agent stopped the guest: {@code handover} is its state, null if it was not running there. */
    public Next onEvacuated(GuestHandover handover) {
        if (handover == null) {
            failure = "migration of " + guest + ": the guest is not running on " + from;
            return Next.FAILED;
        }
        this.handover = handover;
        step = Step.LAST_ROUND;
        return Next.SEND;
    }

    /** The new host installed a restarted guest (empty), or refused with {@code problem}. */
    public Next onInstalled(String problem) {
        if (problem != null) {
            failure = "restart of " + guest + " on " + to + " failed: " + problem;
            return Next.FAILED;
        }
        step = Step.RESTART_RESUME;
        return Next.SEND;
    }

    /** Whether the current step waits for the guest's new incarnation to start. */
    public boolean resuming() {
        return step == Step.RESUME || step == Step.RESTART_RESUME;
    }

    /** What the migration did, once the guest runs at its destination (after the boundary before {@code tick}). */
    public PreCopy.Outcome finish(long tick, int sharers) {
        long work = Math.max(0, workAtSource - workAtStart);
        if (postCopy && progress != null) {
            return precopy.finishPostCopy(progress, switchSharers, tick, work + progress.workUnits());
        }
        return precopy.finish(lastRoundPages, tick, sharers, work);
    }

    public long id() {
        return id;
    }

    public String guest() {
        return guest;
    }

    /** The source host; null for a restart. */
    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public PreCopy precopy() {
        return precopy;
    }

    public Phase phase() {
        return phase;
    }

    public boolean isRestart() {
        return phase == Phase.RESTART;
    }

    public Step step() {
        return step;
    }

    /** The guest's index at its destination, once admitted (-1 before). */
    public int destIndex() {
        return destIndex;
    }

    /** The leaving guest's state, once evacuated. */
    public GuestHandover handover() {
        return handover;
    }

    /** The pages of the round (or the stop-and-copy) just sent. */
    public int pagesJustSent() {
        return pagesJustSent;
    }

    /** The pages the guest held when the migration started (counted on their way to {@link #to()}). */
    public long footprint() {
        return footprint;
    }

    public String abortReason() {
        return abortReason;
    }

    public String failure() {
        return failure;
    }
}
