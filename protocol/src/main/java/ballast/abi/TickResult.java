package ballast.abi;

import java.util.List;

/**
 * What the hypervisor did with a guest's tick.
 *
 * @param readDigest    the fold ({@code Tokens.fold}) of every token read, in operation order
 * @param reads         how many reads were folded in
 * @param refusals      refused hypercalls or a refused operation stream (then nothing of it was
 *                      applied); a refused balloon call is listed here with its reason and index -1
 * @param balloonStatus what became of the tick's {@link Reservation} balloon calls: a bit set of
 *                      {@link #INFLATE_REFUSED}, {@link #DEFLATE_REFUSED} and {@link #POPPED}
 *                      (0: both applied, or none sent)
 * @param refusedReports which of the tick's {@link FreePageReport}s were refused whole (bit {@code i}
 *                      for report {@code i}; each is also listed in {@code refusals} with its reason
 *                      and index {@code i}); 0 when every report was applied, or none was sent
 * @param refusedHotplug which of the tick's {@link MemoryHotplug} requests were refused whole (bit
 *                      {@code i} for request {@code i}, each also listed in {@code refusals}); 0
 *                      when every request was applied, or none was sent
 */
public record TickResult(long tick, long readDigest, int reads, List<Refusal> refusals, int balloonStatus,
                         long refusedReports, long refusedHotplug)
        implements ToGuest {
    /** The inflate call was refused whole: its PPNs are still the guest's. */
    public static final int INFLATE_REFUSED = 1;
    /** The deflate call was refused whole: its PPNs stay in the balloon. */
    public static final int DEFLATE_REFUSED = 2;
    /**
     * The guest touched a ballooned PPN: the page was backed afresh as a first touch, and the
     * hypervisor emptied the whole balloon right after the tick's operations (every ballooned PPN
     * is the guest's again, unbacked); the tick's inflate, applied after that, is the new balloon
     * (unless refused), and its deflate is not applied. The driver resets to that balloon.
     */
    public static final int POPPED = 4;

    /** A result without hotplug requests refused. */
    public TickResult(long tick, long readDigest, int reads, List<Refusal> refusals, int balloonStatus,
                      long refusedReports) {
        this(tick, readDigest, reads, refusals, balloonStatus, refusedReports, 0L);
    }

    /** A result without free page reports refused. */
    public TickResult(long tick, long readDigest, int reads, List<Refusal> refusals, int balloonStatus) {
        this(tick, readDigest, reads, refusals, balloonStatus, 0L);
    }

    /** A result with no balloon news. */
    public TickResult(long tick, long readDigest, int reads, List<Refusal> refusals) {
        this(tick, readDigest, reads, refusals, 0);
    }
}
