package ballast.guest;

import ballast.guest.workload.Workload;
import ballast.host.abi.Audit;
import ballast.host.abi.GuestCounters;
import ballast.host.abi.MmuUpdate;
import ballast.host.abi.Ops;
import ballast.host.abi.TickResult;
import ballast.host.abi.TranslationMode;
import ballast.host.memory.Tokens;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The guest operating system as a plain object: it runs the workload, keeps its own bookkeeping of
 * which guest-physical page (PPN) backs each of its pages, allocates PPNs on first touch, writes
 * its page-table entries (as trapped writes, plain writes, or batched {@code mmu_update} entries
 * depending on the mode), fills new pages (zeroing them or reading them in), and keeps an
 * independent record of what it wrote so that every read can be checked.
 *
 * <p>Page index {@code i} of the workload belongs to process {@code i % processes}; within the
 * process, even and odd local indices live in two regions far apart (a low heap at 4 MiB and an
 * mmap region near 0x7f00_0000_0000), so the page tables are sparse as a real program's are.
 *
 * <p>A tick's work is one stream of operations (see {@link Ops}); the guest folds the tokens it
 * expects to read, in order, into a digest and compares it with the hypervisor's.
 *
 * <p>Owned by one {@link GuestVm}, not thread-safe.
 */
public final class GuestOs {
    static final long LOW_REGION_VPN = 0x400L;
    static final long HIGH_REGION_VPN = 0x7f0000000L;

    private final GuestSettings settings;
    private final int processes;
    private final Workload workload;
    private final ContentModel content;
    /** PPN backing each workload page, or -1: the guest's own page bookkeeping. */
    private final int[] ppnOfPage;
    /** The token the guest last wrote to each workload page: its integrity record. */
    private final long[] expected;
    /** Pages in first-touch order, for audits. */
    private final IntArrayList touched = new IntArrayList();
    private final int[] freePpns;
    private int freeTop;
    private int[] p2m = new int[0];

    private long accesses;
    private long reads;
    private long writes;
    private long readsVerified;
    private long readMismatches;

    private long pendingDigest;
    private int pendingReads;
    private long pendingTick = -1;

    public GuestOs(GuestSettings settings) {
        this.settings = settings;
        this.processes = settings.processes();
        this.workload = new Workload(settings.workload(), Tokens.derive(settings.seed(), "workload"));
        this.content = new ContentModel(settings.content(), settings.seed());
        int pages = settings.workload().maxWorkingSetPages();
        if (pages > settings.configuredPages()) {
            throw new IllegalArgumentException(settings.name() + ": working set of " + pages
                    + " pages exceeds its memory of " + settings.configuredPages() + " pages");
        }
        this.ppnOfPage = new int[pages];
        Arrays.fill(ppnOfPage, -1);
        this.expected = new long[pages];
        // The guest's page allocator hands out PPNs in ascending order.
        this.freePpns = new int[settings.configuredPages()];
        for (int i = 0; i < freePpns.length; i++) {
            freePpns[i] = freePpns.length - 1 - i;
        }
        this.freeTop = freePpns.length;
    }

    /** The hypervisor accepted the boot; a para-virtual guest learns its machine frames. */
    public void booted(int[] p2m) {
        if (settings.mode() == TranslationMode.PARA && p2m.length != settings.configuredPages()) {
            throw new IllegalStateException(settings.name() + ": p2m of " + p2m.length + " entries for "
                    + settings.configuredPages() + " pages");
        }
        this.p2m = p2m;
    }

    /** The (process, VPN) key of workload page {@code page}. */
    public long keyOf(int page) {
        int process = page % processes;
        int local = page / processes;
        long vpn = ((local & 1) == 0 ? LOW_REGION_VPN : HIGH_REGION_VPN) + (local >>> 1);
        return Ops.key(process, vpn);
    }

    /** The work of one tick: the ops and values streams and, for para guests, the mmu_update batch. */
    public record Work(List<MmuUpdate> mmuUpdates, long[] ops, long[] values) {
    }

    /** Generates tick {@code tick}'s work and remembers the digest its reads must produce. */
    public Work generate(long tick, int maxMmuUpdateEntries) {
        double dt = settings.tickSeconds();
        int count = workload.beginTick(tick * dt, dt);
        LongArrayList ops = new LongArrayList(count + 16);
        LongArrayList values = new LongArrayList(count / 2 + 16);
        LongArrayList mmuKeys = new LongArrayList();
        IntArrayList mmuMpns = new IntArrayList();
        boolean para = settings.mode() == TranslationMode.PARA;
        long digest = Tokens.EMPTY_DIGEST;
        int tickReads = 0;
        int ws = workload.workingSetPages();
        for (int process = 0; process < processes && count > 0; process++) {
            int slice = count / processes + (process < count % processes ? 1 : 0);
            if (slice == 0 || ws <= process) {
                continue;
            }
            if (processes > 1) {
                ops.add(Ops.op(Ops.SWITCH, process, 0));
            }
            for (int k = 0; k < slice; k++) {
                int page = workload.nextPage();
                if (processes > 1) {
                    page = page - page % processes + process;
                    if (page >= ws) {
                        page -= processes;
                    }
                }
                long key = keyOf(page);
                if (ppnOfPage[page] < 0) {
                    firstTouch(page, key, para, ops, values, mmuKeys, mmuMpns);
                }
                if (workload.nextIsWrite()) {
                    long token = content.nextWriteToken();
                    ops.add(Ops.op(Ops.WRITE, key));
                    values.add(token);
                    expected[page] = token;
                    writes++;
                } else {
                    ops.add(Ops.op(Ops.READ, key));
                    digest = Tokens.fold(digest, expected[page]);
                    tickReads++;
                }
                accesses++;
            }
        }
        reads += tickReads;
        pendingDigest = digest;
        pendingReads = tickReads;
        pendingTick = tick;
        List<MmuUpdate> mmu = List.of();
        if (!mmuKeys.isEmpty()) {
            mmu = splitMmuUpdates(mmuKeys.toLongArray(), mmuMpns.toIntArray(), maxMmuUpdateEntries);
        }
        return new Work(mmu, ops.toLongArray(), values.toLongArray());
    }

    private void firstTouch(int page, long key, boolean para, LongArrayList ops, LongArrayList values,
                            LongArrayList mmuKeys, IntArrayList mmuMpns) {
        if (freeTop == 0) {
            throw new IllegalStateException(settings.name() + ": out of guest-physical pages");
        }
        int ppn = freePpns[--freeTop];
        ppnOfPage[page] = ppn;
        if (para) {
            mmuKeys.add(key);
            mmuMpns.add(p2m[ppn]);
        } else {
            ops.add(Ops.op(Ops.MAP, key));
            values.add(ppn);
        }
        // The OS fills the new page: zeroes it, or reads it in from the image.
        long token = content.initialToken(page);
        ops.add(Ops.op(Ops.WRITE, key));
        values.add(token);
        expected[page] = token;
        touched.add(page);
        accesses++;
        writes++;
    }

    private static List<MmuUpdate> splitMmuUpdates(long[] keys, int[] mpns, int max) {
        if (keys.length <= max) {
            return List.of(new MmuUpdate(keys, mpns));
        }
        MmuUpdate[] batches = new MmuUpdate[(keys.length + max - 1) / max];
        for (int b = 0; b < batches.length; b++) {
            int from = b * max;
            int to = Math.min(keys.length, from + max);
            batches[b] = new MmuUpdate(Arrays.copyOfRange(keys, from, to), Arrays.copyOfRange(mpns, from, to));
        }
        return List.of(batches);
    }

    /** Checks the hypervisor's digest of this tick's reads against the guest's own record. */
    public boolean verify(TickResult result) {
        if (result.tick() != pendingTick) {
            return false;
        }
        boolean ok = result.readDigest() == pendingDigest && result.reads() == pendingReads;
        if (ok) {
            readsVerified += pendingReads;
        } else {
            readMismatches += pendingReads;
        }
        pendingTick = -1;
        return ok;
    }

    /** The guest's full integrity record: every touched page's key and expected token. */
    public Audit audit() {
        int n = touched.size();
        long[] keys = new long[n];
        long[] tokens = new long[n];
        for (int i = 0; i < n; i++) {
            int page = touched.getInt(i);
            keys[i] = keyOf(page);
            tokens[i] = expected[page];
        }
        return new Audit(keys, tokens);
    }

    public GuestCounters counters() {
        return new GuestCounters(accesses, reads, writes, touched.size(), readsVerified, readMismatches);
    }

    public GuestSettings settings() {
        return settings;
    }
}
