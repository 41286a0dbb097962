package ballast.host.sharing;

import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.Arrays;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The page-sharing daemon's logic, as a plain object: which pages to scan each tick, the index of
 * shared frames and hints, and which merges to propose.
 *
 * <p>The algorithm (ESX's content-based page sharing, with KSM's counters):
 * <ol>
 *   <li><b>Pick pages.</b> Each tick the daemon may scan {@code scan-pages-per-second} pages of the
 *       host and {@code per-guest-pages-per-second} of any one guest (fractions carry over); the
 *       host's budget is shared fairly among the guests that have quota left. Each guest's PPNs
 *       are visited in a fresh pseudo-random permutation of its 64 KiB runs per pass (a keyed
 *       Feistel network with cycle walking: no per-page order array), or in order; a tick's pages
 *       are handed over in ascending order. A guest's completed passes count, and
 *       {@code fullScans} is the slowest guest's.</li>
 *   <li><b>Hash.</b> The hypervisor reports each page's MPN and content hash (or that it is
 *       unbacked or already shared) with the tick's result; hashes learned in tick n drive
 *       proposals in tick n + 1, by when a page may have changed again.</li>
 *   <li><b>Skip the volatile.</b> A page whose hash differs from the one of its previous scan
 *       is volatile: its old hint is dropped and it waits for a scan that finds it unchanged.</li>
 *   <li><b>Search the index.</b> No entry for the hash: the page becomes a hint. A hint of
 *       another page: propose to merge the two (the hint first, so its frame becomes the shared
 *       frame). A shared frame: propose to merge the page into it. Pages with the same hash in
 *       one tick join one proposal group, so a content gets one shared frame.</li>
 *   <li><b>Learn the outcome.</b> A merged group's hash now names its shared frame; a stale page
 *       (changed since hashed) or a stale hint is forgotten until scanned again; a false match
 *       (same hash, other content) is left unindexed; a shared frame freed by copy-on-write
 *       breaks leaves the index.</li>
 * </ol>
 *
 * <p>A page found shared again with an unchanged hash is not looked up in the index (two thirds of
 * the scanned pages once sharing has settled): the lookup would change nothing when the hash's entry
 * is a shared frame, and it stays one from the moment the page became shared until a shared-frame
 * entry is removed (its frame freed, a merge's target gone): the daemon puts a hint only where no
 * entry is. So each removal of a shared-frame entry bumps a counter of the hash's bucket
 * ({@link #BUCKETS} of them), a page that becomes shared keeps that counter's value in its state
 * byte, and the page is looked up again only when its bucket's counter has moved since.
 *
 * <p>State: the {@link SharingIndex} (12-byte slots) plus 9 bytes per guest page (the hash of its
 * last scan and a state byte), and the buckets' counters (4 KiB). Pages are named host-wide by a
 * page id, the guest's first id plus the PPN. Owned by one daemon, not thread-safe.
 */
public final class PageScanner {
    static final byte UNSEEN = 0;
    static final byte SEEN = 1;
    static final byte HINT = 2;
    static final byte SHARED = 3;
    static final byte VOLATILE = 4;
    static final byte PROPOSED = 5;
    /**
     * SHARED, and the hash's index entry was a shared frame when the page became so: the state byte
     * is this bit and, in its low 7 bits, the hash's bucket counter then (see {@link #sharedState}).
     * A negative state byte is such a page; {@link #SHARED} is a shared page to look up at its next scan.
     */
    static final int STAMPED = 0x80;
    /** Hash buckets counting the removals of shared-frame entries; a counter stays below 128. */
    static final int BUCKETS = 1 << 12;
    /** PPNs scanned together in random order: 16 pages, 64 KiB. */
    static final int RUN = 16;
    /** Scanned pages whose index slots are read ahead at once ({@link SharingIndex#warm}): 32 KiB of slots at most. */
    static final int WARM_BATCH = 256;

    private final SharingSettings settings;
    private final double tickSeconds;
    private final long seed;
    private final int[] guestPages;
    private final int[] base;
    private final SharingIndex index;
    private final long[] lastHash;
    private final byte[] state;
    /** Per hash bucket, the shared-frame entries removed (0 to 127; past that every stamp is dropped). */
    private final byte[] bucketRemovals = new byte[BUCKETS];
    /** Whether a page found shared with an unchanged hash skips the index lookup when its bucket has not moved. */
    private boolean skipUnchangedShared = true;
    /** Scratch: the hashes of one batch of scanned pages that will be looked up, read ahead together. */
    private final long[] warmHashes = new long[WARM_BATCH];

    private final int[] cursor;
    /** PPNs handed out in the current pass (random order: the cursor also passes the last run's padding). */
    private final int[] visited;
    /** The first PPN of the run the cursor is in (random order): the permutation is evaluated once per run. */
    private final int[] runFirst;
    private final long[] passes;
    private final int[] halfBits;
    private final long[][] passKeys;
    private double hostCarry;
    private final double[] guestCarry;
    private int rotate;
    /** Scratch bitmap for sorting a tick's pages of one guest. */
    private long[] marks = new long[0];

    private long pagesScanned;
    private long volatilePages;
    private long lookupsSkipped;

    /** Proposals for the next tick: groups (hash, target) and their pages in arrival order. */
    private final LongArrayList groupHashes = new LongArrayList();
    private final IntArrayList groupTargets = new IntArrayList();
    private final Long2IntOpenHashMap groupOfHash = new Long2IntOpenHashMap();
    private final IntArrayList proposedGroup = new IntArrayList();
    private final LongArrayList proposedPage = new LongArrayList();
    private final IntArrayList proposedMpn = new IntArrayList();

    /** The work sent for the tick being played, to read its result against. */
    private SharingWork sent;

    /**
     * @param settings   the host's sharing settings
     * @param guestPages configured pages of each guest, in guest order
     * @param seed       seeds the scan order
     */
    public PageScanner(SharingSettings settings, int[] guestPages, long seed) {
        this.settings = settings;
        this.tickSeconds = settings.tickSeconds();
        this.seed = seed;
        this.guestPages = guestPages.clone();
        this.base = new int[guestPages.length];
        long total = 0;
        for (int g = 0; g < guestPages.length; g++) {
            base[g] = (int) total;
            total += guestPages[g];
        }
        if (total >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many guest pages on one host: " + total);
        }
        this.lastHash = new long[(int) total];
        this.state = new byte[(int) total];
        this.index = new SharingIndex((int) Math.min(total, 1 << 16));
        this.cursor = new int[guestPages.length];
        this.visited = new int[guestPages.length];
        this.runFirst = new int[guestPages.length];
        this.passes = new long[guestPages.length];
        this.halfBits = new int[guestPages.length];
        this.passKeys = new long[guestPages.length][4];
        this.guestCarry = new double[guestPages.length];
        for (int g = 0; g < guestPages.length; g++) {
            int runs = (guestPages[g] + RUN - 1) / RUN;
            int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, runs - 1L));
            halfBits[g] = Math.max(1, (bits + 1) / 2);
            rekey(g);
        }
        groupOfHash.defaultReturnValue(-1);
    }

    // ---------------------------------------------------------------- planning a tick

    /** The daemon's work for {@code tick}: the proposals found so far, and the next pages to scan. */
    public SharingWork plan(long tick, ActorRef<ToDaemon> replyTo) {
        int groups = groupHashes.size();
        int n = proposedPage.size();
        int[] ends = new int[groups];
        for (int i = 0; i < n; i++) {
            ends[proposedGroup.getInt(i)]++;
        }
        for (int k = 1; k < groups; k++) {
            ends[k] += ends[k - 1];
        }
        long[] pages = new long[n];
        int[] mpns = new int[n];
        int[] fill = new int[groups];
        for (int k = 1; k < groups; k++) {
            fill[k] = ends[k - 1];
        }
        for (int i = 0; i < n; i++) {
            int k = proposedGroup.getInt(i);
            int at = fill[k]++;
            pages[at] = proposedPage.getLong(i);
            mpns[at] = proposedMpn.getInt(i);
        }
        long[] hashes = groupHashes.toLongArray();
        int[] targets = groupTargets.toIntArray();
        groupHashes.clear();
        groupTargets.clear();
        groupOfHash.clear();
        proposedGroup.clear();
        proposedPage.clear();
        proposedMpn.clear();
        sent = new SharingWork(tick, planScans(), hashes, targets, ends, pages, mpns, replyTo);
        return sent;
    }

    /** This tick's pages to scan, each guest's in its scan order. */
    private long[] planScans() {
        int guests = guestPages.length;
        double hostPerTick = settings.scanPagesPerSecond() * tickSeconds;
        double guestPerTick = settings.perGuestPagesPerSecond() * tickSeconds;
        hostCarry += hostPerTick;
        int budget = (int) Math.min(Integer.MAX_VALUE, Math.floor(hostCarry));
        int[] quota = new int[guests];
        int active = 0;
        for (int g = 0; g < guests; g++) {
            if (guestPages[g] == 0) {
                continue;
            }
            guestCarry[g] += guestPerTick;
            quota[g] = (int) Math.min(Integer.MAX_VALUE, Math.floor(guestCarry[g]));
            if (quota[g] > 0) {
                active++;
            }
        }
        int[] grant = new int[guests];
        int left = budget;
        while (left > 0 && active > 0) {
            int share = Math.max(1, left / active);
            int stillWanting = 0;
            for (int k = 0; k < guests && left > 0; k++) {
                int g = (rotate + k) % guests;
                int want = quota[g] - grant[g];
                if (want <= 0) {
                    continue;
                }
                int give = Math.min(Math.min(want, share), left);
                grant[g] += give;
                left -= give;
                if (grant[g] < quota[g]) {
                    stillWanting++;
                }
            }
            active = stillWanting;
        }
        if (guests > 0) {
            rotate = (rotate + 1) % guests;
        }
        int total = budget - left;
        hostCarry = Math.min(hostCarry - total, hostPerTick + 1);
        long[] pages = new long[total];
        int at = 0;
        for (int g = 0; g < guests; g++) {
            guestCarry[g] = Math.min(guestCarry[g] - grant[g], guestPerTick + 1);
            at = takeNext(g, grant[g], pages, at);
        }
        return at == total ? pages : Arrays.copyOf(pages, at);
    }

    /**
     * Puts guest {@code g}'s next {@code count} PPNs of its scan order into {@code pages} from
     * {@code at}, in ascending PPN order (a page drawn twice in one tick, possible only when the
     * tick's quota exceeds the guest's size, is scanned once). The scan order decides which pages a
     * tick covers; within the tick, ascending order lets the hypervisor and the index walk their
     * per-page arrays forward instead of jumping. Returns the new end.
     */
    private int takeNext(int g, int count, long[] pages, int at) {
        if (count == 0) {
            return at;
        }
        int size = guestPages[g];
        if ((long) count * RUN < size / 64) {
            // few pages: sort them
            int[] ppns = new int[count];
            for (int i = 0; i < count; i++) {
                ppns[i] = nextPpn(g);
            }
            Arrays.sort(ppns);
            for (int i = 0; i < count; i++) {
                if (i == 0 || ppns[i] != ppns[i - 1]) {
                    pages[at++] = SharingWork.page(g, ppns[i]);
                }
            }
            return at;
        }
        // many pages: mark them in a bitmap and walk it
        int words = (size + 63) >>> 6;
        if (marks.length < words) {
            marks = new long[words];
        }
        for (int i = 0; i < count; i++) {
            int ppn = nextPpn(g);
            marks[ppn >>> 6] |= 1L << ppn;
        }
        for (int w = 0; w < words; w++) {
            long bits = marks[w];
            marks[w] = 0;
            while (bits != 0) {
                pages[at++] = SharingWork.page(g, (w << 6) + Long.numberOfTrailingZeros(bits));
                bits &= bits - 1;
            }
        }
        return at;
    }

    /**
     * The next PPN of guest {@code g}'s current pass. In random order a pass visits the guest's
     * runs of {@link #RUN} PPNs (64 KiB) in a fresh random permutation, each run whole: random
     * coverage, with the per-page arrays touched a cache line at a time rather than a page at a time.
     */
    int nextPpn(int g) {
        int pages = guestPages[g];
        if (settings.order() == SharingSettings.Order.SEQUENTIAL) {
            int ppn = cursor[g];
            if (++cursor[g] == pages) {
                endPass(g);
            }
            return ppn;
        }
        while (true) {
            int c = cursor[g]++;
            if (c % RUN == 0) {
                runFirst[g] = permute(g, c / RUN, (pages + RUN - 1) / RUN) * RUN;
            }
            int ppn = runFirst[g] + c % RUN;
            if (ppn < pages) {
                if (++visited[g] == pages) {
                    endPass(g);
                }
                return ppn;
            }
        }
    }

    private void endPass(int g) {
        cursor[g] = 0;
        visited[g] = 0;
        passes[g]++;
        rekey(g);
    }

    private void rekey(int g) {
        for (int r = 0; r < 4; r++) {
            passKeys[g][r] = Tokens.mix(seed ^ Tokens.mix(g * 0x9E3779B97F4A7C15L + passes[g] * 4 + r));
        }
    }

    /** Position {@code c} of guest {@code g}'s permutation of [0, n): a 4-round Feistel network, cycle-walked. */
    private int permute(int g, int c, int n) {
        int hb = halfBits[g];
        long mask = (1L << hb) - 1;
        long[] keys = passKeys[g];
        long x = c;
        do {
            long l = x >>> hb;
            long r = x & mask;
            for (int round = 0; round < 4; round++) {
                long f = ((r + keys[round]) * 0x9E3779B97F4A7C15L) >>> (64 - hb);
                long t = r;
                r = l ^ f;
                l = t;
            }
            x = (l << hb) | r;
        } while (x >= n);
        return (int) x;
    }

    // ---------------------------------------------------------------- learning a tick's result

    /**
     * Takes in the hypervisor's result for the work last planned: freed shared frames, merge
     * outcomes, then scanned pages. Returns false (and changes nothing) for a result of another tick.
     */
    public boolean take(SharingResult result) {
        SharingWork work = sent;
        if (work == null || result.tick() != work.tick()
                || result.scanStates().length != work.scanPages().length
                || result.mergeOutcomes().length != work.mergePages().length
                || result.mergeShared().length != work.mergeHashes().length) {
            return false;
        }
        sent = null;
        int[] freed = result.freedMpns();
        long[] freedHashes = result.freedHashes();
        for (int i = 0; i < freed.length; i++) {
            removeShared(freedHashes[i], freed[i]);
        }
        takeMerges(work, result);
        takeScans(work, result);
        return true;
    }

    private void takeMerges(SharingWork work, SharingResult result) {
        long[] pages = work.mergePages();
        byte[] outcomes = result.mergeOutcomes();
        int start = 0;
        for (int k = 0; k < work.groups(); k++) {
            long hash = work.mergeHashes()[k];
            int target = work.mergeTargets()[k];
            int end = work.mergeEnds()[k];
            int sharedMpn = result.mergeShared()[k];
            if (sharedMpn >= 0) {
                index.put(hash, SharingIndex.shared(sharedMpn));
            }
            for (int i = start; i < end; i++) {
                int page = pageId(pages[i]);
                if (page < 0) {
                    continue;
                }
                switch (outcomes[i]) {
                    case MergeOutcome.MERGED:
                        lastHash[page] = hash;
                        // stamped only while the entry is a shared frame (it is, unless the result is malformed)
                        setState(page, SharingIndex.isShared(index.get(hash)) ? sharedState(hash) : SHARED);
                        break;
                    case MergeOutcome.FALSE_MATCH:
                        lastHash[page] = hash;
                        setState(page, SEEN);
                        break;
                    case MergeOutcome.TARGET_GONE:
                        removeShared(hash, target);
                        lastHash[page] = hash;
                        setState(page, SEEN);
                        break;
                    case MergeOutcome.KEPT:
                        break; // below, once the stale ones are out
                    default: // STALE, INVALID: forget the page until it is scanned again
                        index.remove(hash, SharingIndex.hint(page));
                        setState(page, UNSEEN);
                        break;
                }
            }
            for (int i = start; i < end; i++) {
                int page = pageId(pages[i]);
                if (page >= 0 && outcomes[i] == MergeOutcome.KEPT) {
                    if (index.get(hash) == SharingIndex.ABSENT) {
                        index.put(hash, SharingIndex.hint(page));
                    }
                    lastHash[page] = hash;
                    setState(page, index.get(hash) == SharingIndex.hint(page) ? HINT : SEEN);
                }
            }
            start = end;
        }
    }

    private void takeScans(SharingWork work, SharingResult result) {
        long[] pages = work.scanPages();
        byte[] states = result.scanStates();
        int[] mpns = result.scanMpns();
        long[] hashes = result.scanHashes();
        pagesScanned += pages.length;
        for (int i = 0; i < pages.length; i++) {
            if (i % WARM_BATCH == 0) {
                warmLookups(pages, states, hashes, i, Math.min(pages.length, i + WARM_BATCH));
            }
            int page = pageId(pages[i]);
            if (page < 0 || state[page] == PROPOSED) {
                continue;
            }
            byte found = states[i];
            if (found == ScanState.PRIVATE) {
                scanPrivate(page, pages[i], mpns[i], hashes[i]);
            } else if (found == ScanState.SHARED) {
                if (unchangedShared(page, hashes[i])) {
                    lookupsSkipped++;
                } else {
                    scanShared(page, mpns[i], hashes[i]);
                }
            } else {
                dropHint(page);
                setState(page, UNSEEN);
            }
        }
    }

    /**
     * Reads ahead the index slots of the pages of {@code [from, to)} that will most likely be looked
     * up (not the unbacked, nor those that were a hint or a verified shared page and are found so
     * again: most of them are unchanged and skip the lookup), so that their cache misses overlap.
     * Reads only the state byte of a page, and changes nothing: whether a page is looked up is
     * decided when its turn comes.
     */
    private void warmLookups(long[] pages, byte[] states, long[] hashes, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int page = pageId(pages[i]);
            byte found = states[i];
            if (page < 0 || found == ScanState.UNBACKED || found == ScanState.INVALID
                    || found == ScanState.PRIVATE && state[page] == HINT
                    || found == ScanState.SHARED && state[page] < 0) {
                continue;
            }
            warmHashes[n++] = hashes[i];
        }
        index.warm(warmHashes, 0, n);
    }

    /**
     * Whether a page found on a shared frame with {@code hash} needs no index lookup: it was shared
     * with the same hash when last seen, its hash's entry was a shared frame then, and no
     * shared-frame entry of its hash's bucket has been removed since; so the entry is still a shared
     * frame, and {@link #scanShared} would change nothing.
     */
    private boolean unchangedShared(int page, long hash) {
        return skipUnchangedShared && state[page] == sharedState(hash) && lastHash[page] == hash;
    }

    /** The state of a page that becomes shared with {@code hash} while the index holds a shared frame for it. */
    private byte sharedState(long hash) {
        return (byte) (STAMPED | bucketRemovals[bucket(hash)]);
    }

    static int bucket(long hash) {
        return (int) ((hash * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(BUCKETS)));
    }

    /**
     * Removes {@code hash}'s entry if it is shared frame {@code mpn}, and then bumps the hash's
     * bucket counter, so that the pages that became shared with a hash of that bucket before are
     * looked up again. A counter at 127 is not bumped: every page's stamp is dropped instead (each
     * shared page is looked up at its next scan) and every counter starts again from 0.
     */
    private void removeShared(long hash, int mpn) {
        if (!index.remove(hash, SharingIndex.shared(mpn))) {
            return;
        }
        int b = bucket(hash);
        if (bucketRemovals[b] < Byte.MAX_VALUE) {
            bucketRemovals[b]++;
            return;
        }
        for (int page = 0; page < state.length; page++) {
            if (state[page] < 0) {
                state[page] = SHARED;
            }
        }
        Arrays.fill(bucketRemovals, (byte) 0);
    }

    /**
     * For comparison tests: with {@code false}, every page found shared is looked up in the index,
     * as before unchanged shared pages skipped their lookup. The proposals and merges must be the same.
     */
    public void setSkipUnchangedShared(boolean skip) {
        this.skipUnchangedShared = skip;
    }

    /** A page on a private frame: volatile, a new hint, or a merge proposal. */
    private void scanPrivate(int page, long packed, int mpn, long hash) {
        byte prev = state[page];
        if (prev != UNSEEN && lastHash[page] != hash) {
            dropHint(page);
            lastHash[page] = hash;
            setState(page, VOLATILE);
            return;
        }
        if (prev == HINT) {
            return; // unchanged, and still the index's hint for its hash (a HINT page always is)
        }
        lastHash[page] = hash;
        int entry = index.get(hash);
        if (entry == SharingIndex.ABSENT) {
            index.put(hash, SharingIndex.hint(page));
            setState(page, HINT);
        } else if (entry == SharingIndex.hint(page)) {
            setState(page, HINT);
        } else if (SharingIndex.isHint(entry)) {
            int other = SharingIndex.pageOf(entry);
            if (state[other] != PROPOSED) {
                propose(hash, FRAME_NONE, packedPage(other), FRAME_NONE);
                setState(other, PROPOSED);
            }
            propose(hash, FRAME_NONE, packed, mpn);
            setState(page, PROPOSED);
        } else {
            propose(hash, SharingIndex.mpnOf(entry), packed, mpn);
            setState(page, PROPOSED);
        }
    }

    /** A page already on a shared frame: make sure the index knows the frame; a hint of the same hash may join it. */
    private void scanShared(int page, int mpn, long hash) {
        dropHint(page);
        lastHash[page] = hash;
        setState(page, sharedState(hash)); // the entry is a shared frame once this returns
        int entry = index.get(hash);
        if (entry == SharingIndex.ABSENT) {
            index.put(hash, SharingIndex.shared(mpn));
        } else if (SharingIndex.isHint(entry)) {
            int other = SharingIndex.pageOf(entry);
            index.put(hash, SharingIndex.shared(mpn));
            if (state[other] != PROPOSED) {
                propose(hash, mpn, packedPage(other), FRAME_NONE);
                setState(other, PROPOSED);
            } else {
                propose(hash, mpn, -1L, FRAME_NONE); // only retargets the pending group
            }
        }
    }

    private static final int FRAME_NONE = -1;

    /** Adds a page to the pending group of {@code hash} (made if needed); {@code packed} -1 only sets the target. */
    private void propose(long hash, int target, long packed, int mpn) {
        int group = groupOfHash.get(hash);
        if (group < 0) {
            group = groupHashes.size();
            groupHashes.add(hash);
            groupTargets.add(target);
            groupOfHash.put(hash, group);
        } else if (target != FRAME_NONE && groupTargets.getInt(group) == FRAME_NONE) {
            groupTargets.set(group, target);
        }
        if (packed != -1L) {
            proposedGroup.add(group);
            proposedPage.add(packed);
            proposedMpn.add(mpn);
        }
    }

    /** Removes the page's hint from the index; only a HINT (or PROPOSED) page has one. */
    private void dropHint(int page) {
        byte s = state[page];
        if (s == HINT || s == PROPOSED) {
            index.remove(lastHash[page], SharingIndex.hint(page));
        }
    }

    /**
     * Checks that the index and the per-page states agree: a page is HINT exactly when the index
     * holds its hint under its last hash (a PROPOSED page may or may not be a hint: the hint a new
     * page matched is, the new page is not); every hint in the index is a page's; a shared page
     * whose stamp matches its bucket's counter (one that would skip its lookup) has a shared-frame
     * entry under its last hash.
     * Returns a description of the first disagreement, or null. For tests: a pass over every page.
     */
    public String checkConsistency() {
        long hinted = 0;
        for (int page = 0; page < state.length; page++) {
            byte s = state[page];
            boolean indexed = s != UNSEEN && index.get(lastHash[page]) == SharingIndex.hint(page);
            if (s != PROPOSED && indexed != (s == HINT)) {
                return "page " + page + " is in state " + s + " but the index " + (indexed ? "holds" : "lacks") + " its hint";
            }
            if (s == sharedState(lastHash[page]) && !SharingIndex.isShared(index.get(lastHash[page]))) {
                return "page " + page + " would skip its lookup but the index holds " + index.get(lastHash[page])
                        + " for its hash";
            }
            if (indexed) {
                hinted++;
            }
        }
        if (hinted != index.hints()) {
            return hinted + " pages are hints, the index holds " + index.hints();
        }
        long volatileCount = 0;
        for (byte b : state) {
            if (b == VOLATILE) {
                volatileCount++;
            }
        }
        return volatileCount == volatilePages ? null : "counted " + volatilePages + " volatile pages, found " + volatileCount;
    }

    private void setState(int page, byte next) {
        if (state[page] == VOLATILE) {
            volatilePages--;
        }
        if (next == VOLATILE) {
            volatilePages++;
        }
        state[page] = next;
    }

    /** The host-wide page id of a packed (guest, PPN), or -1 when it names no page. */
    private int pageId(long packed) {
        int g = SharingWork.guestOf(packed);
        int ppn = SharingWork.ppnOf(packed);
        if (g < 0 || g >= guestPages.length || ppn < 0 || ppn >= guestPages[g]) {
            return -1;
        }
        return base[g] + ppn;
    }

    private long packedPage(int page) {
        // the last guest whose first id is <= page (a guest without pages owns no id)
        int lo = 0;
        int hi = base.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (base[mid] <= page) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return SharingWork.page(lo, page - base[lo]);
    }

    // ---------------------------------------------------------------- figures

    public SharingCounters counters() {
        return new SharingCounters(pagesScanned, index.hints(), volatilePages, fullScans());
    }

    /** Completed passes of the slowest guest (guests without pages do not count). */
    public long fullScans() {
        long min = Long.MAX_VALUE;
        for (int g = 0; g < guestPages.length; g++) {
            if (guestPages[g] > 0) {
                min = Math.min(min, passes[g]);
            }
        }
        return min == Long.MAX_VALUE ? 0 : min;
    }

    /** Scanned pages found shared and unchanged whose index lookup was skipped. */
    public long lookupsSkipped() {
        return lookupsSkipped;
    }

    public SharingIndex index() {
        return index;
    }

    /** Bytes of the daemon's state: the index, the per-page arrays and the buckets' counters. */
    public long bytes() {
        return index.bytes() + (long) lastHash.length * (Long.BYTES + 1) + BUCKETS;
    }

    public int totalPages() {
        return lastHash.length;
    }
}
