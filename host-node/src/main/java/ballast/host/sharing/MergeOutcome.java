package ballast.host.sharing;

/** What the hypervisor did with one page of a merge proposal ({@link SharingResult#mergeOutcomes()}). */
public final class MergeOutcome {
    /** The page now maps the group's shared frame (the group's first page may have become it). */
    public static final byte MERGED = 0;
    /** Still valid, but nothing in the group matched it: it stays as it was (a hint). */
    public static final byte KEPT = 1;
    /** Its mapping or its content changed since it was hashed: a stale hint, dropped. */
    public static final byte STALE = 2;
    /** Same hash, different content: the full comparison rejected it. */
    public static final byte FALSE_MATCH = 3;
    /** The proposed shared frame is no longer shared with that hash (freed, or reused). */
    public static final byte TARGET_GONE = 4;
    /** No such guest or PPN, or a malformed proposal. */
    public static final byte INVALID = 5;
    /** A piece of a large page that may not be broken now: hashed, not shared (forgotten until scanned again). */
    public static final byte LARGE_PAGE = 6;

    private MergeOutcome() {
    }
}
