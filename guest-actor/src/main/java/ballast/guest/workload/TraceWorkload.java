package ballast.guest.workload;

import ballast.abi.Ops;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.util.List;

/**
 * Replays trace files, one per process, tick by tick: each tick reads exactly as many records of
 * each trace as the tick holds at the trace's rate (fractions carry over), so nothing is read
 * ahead and nothing runs in the background. Each distinct (process, VPN) gets a dense page index
 * on first sight (a fastutil {@link Long2IntOpenHashMap}), so the guest OS keeps its per-page
 * arrays; {@link #keyOf(int)} gives the page's real (process, VPN) key back. A trace that ends
 * leaves its process idle, or starts again when it loops. A trace that cannot be read any more (its
 * file removed or damaged after the scenario was read) ends there too, and {@link #takeError()}
 * says why, so that the run goes on and the guest can report it.
 *
 * <p>Owned by one guest, not thread-safe.
 */
public final class TraceWorkload implements AutoCloseable {
    private final List<TraceSpec> traces;
    private final TraceReader[] readers;
    private final double[] carry;
    private final boolean[] ended;
    private final Long2IntOpenHashMap pageOfKey;
    private final LongArrayList keyOfPage;
    /** Records each reader has handed out since it was opened or last rewound. */
    private final long[] consumed;

    private int page;
    private boolean write;
    private String error;

    public TraceWorkload(List<TraceSpec> traces) {
        this.traces = List.copyOf(traces);
        this.readers = new TraceReader[traces.size()];
        this.carry = new double[traces.size()];
        this.ended = new boolean[traces.size()];
        this.consumed = new long[traces.size()];
        int expected = 0;
        for (TraceSpec t : traces) {
            expected += t.distinctPages();
        }
        this.pageOfKey = new Long2IntOpenHashMap(Math.max(16, expected));
        this.pageOfKey.defaultReturnValue(-1);
        this.keyOfPage = new LongArrayList(Math.max(16, expected));
        for (int i = 0; i < readers.length; i++) {
            try {
                readers[i] = new TraceReader(traces.get(i).format(), traces.get(i).path());
            } catch (IOException e) {
                ended[i] = true;
                error = "trace " + traces.get(i).path() + " cannot be opened any more: " + e;
            }
        }
    }

    public int processes() {
        return traces.size();
    }

    /** The records process {@code process} replays in a tick of {@code dt} simulated seconds. */
    public int beginTick(int process, double dt) {
        if (ended[process]) {
            return 0;
        }
        double exact = traces.get(process).accessesPerSecond() * dt + carry[process];
        long whole = (long) Math.floor(exact);
        carry[process] = exact - whole;
        return (int) Math.min(Integer.MAX_VALUE, whole);
    }

    /**
     * Reads the next record of {@code process}; false when its trace has ended (for good, unless
     * it loops). After true, {@link #page()}, {@link #key()} and {@link #isWrite()} describe it.
     */
    public boolean next(int process) {
        if (ended[process]) {
            return false;
        }
        try {
            TraceReader r = readers[process];
            if (!r.next()) {
                if (!traces.get(process).loop()) {
                    ended[process] = true;
                    return false;
                }
                r.rewind();
                consumed[process] = 0;
                if (!r.next()) {
                    ended[process] = true;
                    return false;
                }
            }
            consumed[process]++;
            long key = Ops.key(process, r.vpn());
            int p = pageOfKey.get(key);
            if (p < 0) {
                p = keyOfPage.size();
                keyOfPage.add(key);
                pageOfKey.put(key, p);
            }
            page = p;
            write = r.isWrite();
            return true;
        } catch (IOException e) {
            ended[process] = true;
            error = "trace " + traces.get(process).path() + " ended early, at line " + readers[process].lineNumber()
                    + ": " + e;
            return false;
        }
    }

    /**
     * Where the replay stands, as it travels with a migrating guest: each trace's records handed
     * out since it was opened or last rewound, its fraction of a record carried to the next tick,
     * whether it ended (1) or not (0), and the pages seen in first-seen order (their dense indices).
     */
    public record State(long[] consumed, double[] carry, byte[] ended, long[] keyOfPage) {
    }

    public State state() {
        byte[] done = new byte[ended.length];
        for (int i = 0; i < done.length; i++) {
            done[i] = (byte) (ended[i] ? 1 : 0);
        }
        return new State(consumed.clone(), carry.clone(), done, keyOfPage.toLongArray());
    }

    /**
     * Goes on from {@code s} (taken on the guest's previous host): each trace still playing is read
     * again up to where it stood (the files must be readable here at the same paths; a trace that
     * cannot be is ended, and {@link #takeError()} says why). Call on a fresh replay.
     */
    public void restore(State s) {
        if (s.consumed().length != readers.length || s.carry().length != readers.length
                || s.ended().length != readers.length) {
            throw new IllegalArgumentException("a trace state of " + s.consumed().length + " traces for "
                    + readers.length);
        }
        keyOfPage.clear();
        pageOfKey.clear();
        for (long key : s.keyOfPage()) {
            pageOfKey.put(key, keyOfPage.size());
            keyOfPage.add(key);
        }
        for (int i = 0; i < readers.length; i++) {
            carry[i] = s.carry()[i];
            ended[i] = ended[i] || s.ended()[i] != 0;
            if (ended[i]) {
                continue;
            }
            try {
                for (long k = 0; k < s.consumed()[i]; k++) {
                    if (!readers[i].next()) {
                        throw new IOException("it has fewer records than the " + s.consumed()[i] + " already replayed");
                    }
                }
                consumed[i] = s.consumed()[i];
            } catch (IOException e) {
                ended[i] = true;
                error = "trace " + traces.get(i).path() + " cannot be resumed here: " + e.getMessage();
            }
        }
    }

    /** Why a trace ended early since the last call, or null. */
    public String takeError() {
        String e = error;
        error = null;
        return e;
    }

    /** The dense page index of the record read last. */
    public int page() {
        return page;
    }

    /** The (process, VPN) key of the record read last. */
    public long key() {
        return keyOfPage.getLong(page);
    }

    public boolean isWrite() {
        return write;
    }

    /** The (process, VPN) key of page index {@code page}. */
    public long keyOf(int page) {
        return keyOfPage.getLong(page);
    }

    /** Distinct pages seen so far. */
    public int pagesSeen() {
        return keyOfPage.size();
    }

    /** Whether every trace has ended. */
    public boolean allEnded() {
        for (boolean e : ended) {
            if (!e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (TraceReader r : readers) {
            if (r != null) {
                try {
                    r.close();
                } catch (IOException e) {
                    // nothing left to read from it
                }
            }
        }
    }
}
