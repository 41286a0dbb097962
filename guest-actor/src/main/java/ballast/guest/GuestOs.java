package ballast.guest;

import ballast.guest.workload.FileImage;
import ballast.guest.workload.TraceWorkload;
import ballast.guest.workload.Workload;
import ballast.host.abi.Audit;
import ballast.host.abi.GuestCounters;
import ballast.host.abi.KernelActivity;
import ballast.host.abi.MmuUpdate;
import ballast.host.abi.Ops;
import ballast.host.abi.Refusal;
import ballast.host.abi.RefusalReason;
import ballast.host.abi.TickResult;
import ballast.host.abi.TranslationMode;
import ballast.host.memory.Tokens;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * <p>A trace workload ({@link TraceWorkload}) replays each trace as its own process at its real
 * VPNs: page indices are handed out densely in first-seen order, and the per-page arrays grow as
 * pages appear (up to the guest's memory).
 *
 * <p>A tick's work is one stream of operations (see {@link Ops}); the guest folds the tokens it
 * expects to read, in order, into a digest and compares it with the hypervisor's. The kernel's
 * other activity (system calls, interrupt masking, sensitive code blocks, ...) travels as counts
 * ({@link KernelActivityGenerator}), one unit of work per 1000 of the workload's accesses.
 *
 * <p>A file-backed guest ({@code image { files }}) reads its files into PPN 0 upward in its first
 * tick (page i is PPN i); its other pages start zeroed when first touched.
 *
 * <p>A para-virtual guest keeps its p2m current from the hypervisor's remap notices (page
 * sharing moves its PPNs between frames). Should an {@code mmu_update} batch still be refused as
 * naming a frame that no longer backs its PPN, the guest re-issues those mappings from its updated
 * p2m in its next tick and rewrites what it expects there, so its memory and its record agree
 * again.
 *
 * <p>Owned by one {@link GuestVm}, not thread-safe.
 */
public final class GuestOs {
    static final long LOW_REGION_VPN = 0x400L;
    static final long HIGH_REGION_VPN = 0x7f0000000L;
    private static final int[] NO_PAGES = new int[0];

    private final GuestSettings settings;
    private final int processes;
    /** log2(processes) when it is a power of two (no division on the hot path), else -1. */
    private final int processShift;
    /** Operation and value streams, reused from tick to tick; each message gets an exact-length copy. */
    private final LongBuffer opBuffer = new LongBuffer();
    private final LongBuffer valueBuffer = new LongBuffer();
    private final Workload workload;
    /** The traces replayed, or null for a synthetic workload. */
    private final TraceWorkload traces;
    private final ContentModel content;
    private final KernelActivityGenerator kernel;
    /** PPN backing each workload page, or -1: the guest's own page bookkeeping. */
    private int[] ppnOfPage;
    /** The token the guest last wrote to each workload page: its integrity record. */
    private long[] expected;
    /** Pages in first-touch order, for audits. */
    private final IntArrayList touched = new IntArrayList();
    private final int[] freePpns;
    private int freeTop;
    private int[] p2m = new int[0];
    /** File-backed image: the token of each chunk, filling PPN 0 upward at boot; empty otherwise. */
    private final long[] imageTokens;
    private boolean imageLoaded;
    /** Pages whose mmu_update was refused, to map again (and rewrite) next tick. */
    private final IntArrayList remapPages = new IntArrayList(0);

    private long accesses;
    private long reads;
    private long writes;
    private long readsVerified;
    private long readMismatches;

    /**
     * Ticks generated but not yet verified: at most two, because a guest may generate tick n + 1
     * while the hypervisor applies tick n. Each keeps the digest its reads must produce and the
     * guest's counters as they stood when the tick was generated.
     */
    private final Pending[] pending = {new Pending(), new Pending()};
    /** The tick being generated: the fold of the tokens its reads must return, and how many reads. */
    private long tickDigest;
    private int tickReads;
    /** Counters as of the last verified tick. */
    private GuestCounters verifiedCounters = GuestCounters.ZERO;

    private static final class Pending {
        long tick = -1;
        long digest;
        int reads;
        long accesses;
        long readsTotal;
        long writes;
        long touched;
        /** Pages of this tick's mmu_update entries, in order, and the batch size they were split by. */
        int[] mmuPages = new int[0];
        int mmuBatch = 1;
    }

    public GuestOs(GuestSettings settings) {
        this.settings = settings;
        this.processes = settings.processes();
        this.processShift = Integer.bitCount(processes) == 1 ? Integer.numberOfTrailingZeros(processes) : -1;
        this.workload = new Workload(settings.workload(), Tokens.derive(settings.seed(), "workload"));
        if (settings.workload().isTrace() && settings.workload().traces().size() != processes) {
            throw new IllegalArgumentException(settings.name() + ": " + settings.workload().traces().size()
                    + " traces for " + processes + " processes (one process per trace)");
        }
        this.traces = settings.workload().isTrace() ? new TraceWorkload(settings.workload().traces()) : null;
        int workingSet = settings.workload().maxWorkingSetPages();
        this.content = new ContentModel(settings.content(), settings.seed(), workingSet);
        this.kernel = new KernelActivityGenerator(settings.osProfile(), Tokens.derive(settings.seed(), "kernel"));
        this.imageTokens = loadImage(settings);
        int pages = Math.max(workingSet, imageTokens.length);
        if (pages > settings.configuredPages()) {
            throw new IllegalArgumentException(settings.name() + ": working set or image of " + pages
                    + " pages exceeds its memory of " + settings.configuredPages() + " pages");
        }
        this.ppnOfPage = new int[pages];
        Arrays.fill(ppnOfPage, -1);
        this.expected = new long[pages];
        // The guest's page allocator hands out PPNs in ascending order, after the image's.
        this.freePpns = new int[settings.configuredPages()];
        for (int i = 0; i < freePpns.length; i++) {
            freePpns[i] = freePpns.length - 1 - i;
        }
        this.freeTop = freePpns.length - imageTokens.length;
    }

    private static long[] loadImage(GuestSettings settings) {
        if (!settings.content().fileBacked()) {
            return new long[0];
        }
        List<Path> files = new ArrayList<>();
        for (String f : settings.content().imageFiles()) {
            files.add(Path.of(f));
        }
        try {
            return FileImage.tokens(files);
        } catch (IOException e) {
            throw new UncheckedIOException(settings.name() + ": cannot read its image: " + e.getMessage(), e);
        }
    }

    /** The hypervisor moved these PPNs to these MPNs (a merge or a copy-on-write break): update the p2m. */
    public void remapped(int[] ppns, int[] mpns) {
        int n = Math.min(ppns.length, mpns.length);
        for (int i = 0; i < n; i++) {
            if (ppns[i] >= 0 && ppns[i] < p2m.length) {
                p2m[ppns[i]] = mpns[i];
            }
        }
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
        if (traces != null) {
            return traces.keyOf(page);
        }
        int process;
        int local;
        if (processShift >= 0) {
            process = page & (processes - 1);
            local = page >>> processShift;
        } else {
            process = page % processes;
            local = page / processes;
        }
        long vpn = ((local & 1) == 0 ? LOW_REGION_VPN : HIGH_REGION_VPN) + (local >>> 1);
        return Ops.key(process, vpn);
    }

    /**
     * The work of one tick: the ops and values streams, for para guests the mmu_update batch, and
     * the kernel's activity (null when it did nothing).
     */
    public record Work(List<MmuUpdate> mmuUpdates, long[] ops, long[] values, KernelActivity kernel) {
    }

    /** Generates tick {@code tick}'s work and remembers the digest its reads must produce. */
    public Work generate(long tick, int maxMmuUpdateEntries) {
        boolean para = settings.mode() == TranslationMode.PARA;
        Mmu mmu = new Mmu(new LongArrayList(), new IntArrayList(), new IntArrayList(), new IntArrayList());
        LongBuffer ops = opBuffer.clear();
        LongBuffer values = valueBuffer.clear();
        tickDigest = Tokens.EMPTY_DIGEST;
        tickReads = 0;
        beginTick(para, ops, values, mmu);
        int count = traces != null ? replayTraces(para, ops, values, mmu) : runWorkload(tick, para, ops, values, mmu);
        return finishTick(tick, ops, values, mmu, maxMmuUpdateEntries, count);
    }

    /**
     * What the guest OS does before the tick's accesses: load its file-backed image on the first
     * tick, and re-issue the page-table writes of pages whose mmu_update was refused as stale (with
     * their content, from the guest's own record).
     */
    private void beginTick(boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        if (!imageLoaded) {
            imageLoaded = true;
            for (int page = 0; page < imageTokens.length; page++) {
                fill(page, page, keyOf(page), imageTokens[page], para, ops, values, mmu);
            }
        }
        for (int i = 0; i < remapPages.size(); i++) {
            int page = remapPages.getInt(i);
            long key = keyOf(page);
            mmu.add(key, p2m[ppnOfPage[page]], ppnOfPage[page], page);
            ops.add(Ops.op(Ops.WRITE, key));
            values.add(expected[page]);
            writes++;
            accesses++;
        }
        remapPages.clear();
    }

    /** A synthetic workload's tick: its accesses, process by process; returns how many. */
    private int runWorkload(long tick, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        double dt = settings.tickSeconds();
        int count = workload.beginTick(tick * dt, dt);
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
                access(page, keyOf(page), workload.nextIsWrite(), para, ops, values, mmu);
            }
        }
        return count;
    }

    /**
     * A trace workload's tick: for each process, as many records of its trace as the tick holds,
     * each one access to the page of its VPN; returns how many.
     */
    private int replayTraces(boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        double dt = settings.tickSeconds();
        int total = 0;
        for (int process = 0; process < processes; process++) {
            int count = traces.beginTick(process, dt);
            boolean switched = false;
            for (int k = 0; k < count && traces.next(process); k++) {
                if (processes > 1 && !switched) {
                    ops.add(Ops.op(Ops.SWITCH, process, 0));
                    switched = true;
                }
                int page = traces.page();
                if (page >= ppnOfPage.length) {
                    growPages(page + 1);
                }
                access(page, traces.key(), traces.isWrite(), para, ops, values, mmu);
                total++;
            }
        }
        return total;
    }

    /**
     * One access of the workload to {@code page}: first touches map and fill the page; a write
     * records its fresh token, a read folds the token the guest expects into the tick's digest.
     */
    private void access(int page, long key, boolean write, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        if (ppnOfPage[page] < 0) {
            firstTouch(page, key, para, ops, values, mmu);
        }
        if (write) {
            long token = content.nextWriteToken();
            ops.add(Ops.op(Ops.WRITE, key));
            values.add(token);
            expected[page] = token;
            writes++;
        } else {
            ops.add(Ops.op(Ops.READ, key));
            tickDigest = Tokens.fold(tickDigest, expected[page]);
            tickReads++;
        }
        accesses++;
    }

    /** The per-page arrays grow when a trace shows more pages than it did when it was scanned. */
    private void growPages(int pages) {
        int size = Math.min(settings.configuredPages(), Math.max(pages, ppnOfPage.length * 2));
        if (size < pages) {
            throw new IllegalStateException(settings.name() + ": its traces touch more than its "
                    + settings.configuredPages() + " pages of memory");
        }
        int old = ppnOfPage.length;
        ppnOfPage = Arrays.copyOf(ppnOfPage, size);
        Arrays.fill(ppnOfPage, old, size, -1);
        expected = Arrays.copyOf(expected, size);
    }

    /** Ends a tick's generation: remembers what its reads must produce, packs its mmu_update batches and kernel activity. */
    private Work finishTick(long tick, LongBuffer ops, LongBuffer values, Mmu mmu, int maxMmuUpdateEntries, int count) {
        reads += tickReads;
        Pending p = pending[(int) (tick & 1)];
        if (p.tick >= 0) {
            throw new IllegalStateException(settings.name() + ": tick " + tick + " generated while tick " + p.tick
                    + " is still unverified");
        }
        p.tick = tick;
        p.digest = tickDigest;
        p.reads = tickReads;
        p.accesses = accesses;
        p.readsTotal = reads;
        p.writes = writes;
        p.touched = touched.size();
        p.mmuPages = mmu.pages().toIntArray();
        p.mmuBatch = Math.max(1, maxMmuUpdateEntries);
        List<MmuUpdate> batches = List.of();
        if (!mmu.keys().isEmpty()) {
            batches = splitMmuUpdates(mmu.keys().toLongArray(), mmu.mpns().toIntArray(), mmu.ppns().toIntArray(),
                    maxMmuUpdateEntries);
        }
        return new Work(batches, ops.toArray(), values.toArray(), kernel.next(count));
    }

    /** A tick's mmu_update entries being gathered, with the workload page of each. */
    private record Mmu(LongArrayList keys, IntArrayList mpns, IntArrayList ppns, IntArrayList pages) {
        void add(long key, int mpn, int ppn, int page) {
            keys.add(key);
            mpns.add(mpn);
            ppns.add(ppn);
            pages.add(page);
        }
    }

    private void firstTouch(int page, long key, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        if (freeTop == 0) {
            throw new IllegalStateException(settings.name() + ": out of guest-physical pages");
        }
        int ppn = freePpns[--freeTop];
        // The OS fills the new page: zeroes it, or reads it in from the image.
        long token = settings.content().fileBacked() ? Tokens.ZERO : content.initialToken(page);
        fill(page, ppn, key, token, para, ops, values, mmu);
    }

    /** Maps {@code page} to {@code ppn} and fills it with {@code token}. */
    private void fill(int page, int ppn, long key, long token, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        ppnOfPage[page] = ppn;
        if (para) {
            mmu.add(key, p2m[ppn], ppn, page);
        } else {
            ops.add(Ops.op(Ops.MAP, key));
            values.add(ppn);
        }
        ops.add(Ops.op(Ops.WRITE, key));
        values.add(token);
        expected[page] = token;
        touched.add(page);
        accesses++;
        writes++;
    }

    private static List<MmuUpdate> splitMmuUpdates(long[] keys, int[] mpns, int[] ppns, int max) {
        if (keys.length <= max) {
            return List.of(new MmuUpdate(keys, mpns, ppns));
        }
        MmuUpdate[] batches = new MmuUpdate[(keys.length + max - 1) / max];
        for (int b = 0; b < batches.length; b++) {
            int from = b * max;
            int to = Math.min(keys.length, from + max);
            batches[b] = new MmuUpdate(Arrays.copyOfRange(keys, from, to), Arrays.copyOfRange(mpns, from, to),
                    Arrays.copyOfRange(ppns, from, to));
        }
        return List.of(batches);
    }

    /**
     * Checks the hypervisor's digest of a tick's reads against the guest's own record; a result for
     * a tick this guest did not generate (or already verified) is counted as no reads and fails.
     */
    public boolean verify(TickResult result) {
        if (result.tick() < 0) {
            return false;
        }
        Pending p = pending[(int) (result.tick() & 1)];
        if (p.tick != result.tick()) {
            return false;
        }
        for (Refusal r : result.refusals()) {
            if (r.reason() == RefusalReason.FRAME_NOT_OWNED && r.index() >= 0) {
                // A stale MPN in this batch: map its pages again from the updated p2m next tick.
                int from = r.index() * p.mmuBatch;
                for (int i = from; i < Math.min(p.mmuPages.length, from + p.mmuBatch); i++) {
                    remapPages.add(p.mmuPages[i]);
                }
            }
        }
        boolean ok = result.readDigest() == p.digest && result.reads() == p.reads;
        if (ok) {
            readsVerified += p.reads;
        } else {
            readMismatches += p.reads;
        }
        verifiedCounters = new GuestCounters(p.accesses, p.readsTotal, p.writes, p.touched, readsVerified, readMismatches);
        p.tick = -1;
        p.mmuPages = NO_PAGES;
        return ok;
    }

    /**
     * The guest's full integrity record: every touched page's key and expected token. Only valid when
     * every generated tick has been verified (no tick generated ahead).
     */
    public Audit audit() {
        for (Pending p : pending) {
            if (p.tick >= 0) {
                throw new IllegalStateException(settings.name() + ": audit while tick " + p.tick + " is generated ahead");
            }
        }
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

    /** The guest's counters as of its last verified tick (a tick generated ahead is not counted yet). */
    public GuestCounters counters() {
        return verifiedCounters;
    }

    public GuestSettings settings() {
        return settings;
    }

    /** Why one of the guest's traces ended early since the last call (a read error), or null. */
    public String takeTraceError() {
        return traces == null ? null : traces.takeError();
    }

    /** Releases what the workload holds open (trace files). */
    public void close() {
        if (traces != null) {
            traces.close();
        }
    }

    // ---------------------------------------------------------------- live migration

    /** Whether this guest can be saved and restored elsewhere (trace replay holds open files: not yet). */
    public boolean migratable() {
        return traces == null;
    }

    /**
     * The guest's whole state between two ticks (see {@link GuestOsSnapshot}). Only valid when every
     * generated tick has been verified (no tick generated ahead).
     */
    public GuestOsSnapshot snapshot() {
        if (!migratable()) {
            throw new IllegalStateException(settings.name() + ": a trace-replaying guest cannot be migrated");
        }
        for (Pending p : pending) {
            if (p.tick >= 0) {
                throw new IllegalStateException(settings.name() + ": snapshot while tick " + p.tick + " is generated ahead");
            }
        }
        return new GuestOsSnapshot(ppnOfPage.clone(), expected.clone(), touched.toIntArray(),
                Arrays.copyOf(freePpns, freeTop), imageLoaded, remapPages.toIntArray(), accesses, reads, writes,
                readsVerified, readMismatches, verifiedCounters, workload.randomState(), workload.carry(),
                kernel.randomState(), kernel.workRemainder(), content.writes());
    }

    /**
     * Takes over a snapshot of a guest made from the same settings (on another host: its host and
     * index may differ). Call on a fresh guest OS, before its first tick and before its boot reply.
     */
    public void restore(GuestOsSnapshot s) {
        if (s.ppnOfPage().length != s.expected().length || s.freePpns().length > freePpns.length
                || s.ppnOfPage().length > settings.configuredPages()) {
            throw new IllegalArgumentException(settings.name() + ": snapshot does not fit this guest");
        }
        ppnOfPage = s.ppnOfPage().clone();
        expected = s.expected().clone();
        touched.clear();
        touched.addElements(0, s.touched());
        System.arraycopy(s.freePpns(), 0, freePpns, 0, s.freePpns().length);
        freeTop = s.freePpns().length;
        imageLoaded = s.imageLoaded();
        remapPages.clear();
        remapPages.addElements(0, s.remapPages());
        accesses = s.accesses();
        reads = s.reads();
        writes = s.writes();
        readsVerified = s.readsVerified();
        readMismatches = s.readMismatches();
        verifiedCounters = s.verifiedCounters();
        workload.restore(s.workloadRandom(), s.workloadCarry());
        kernel.restore(s.kernelRandom(), s.kernelWorkRemainder());
        content.restoreWrites(s.contentWrites());
    }

    /** A growable long array reused across ticks: no zeroing, no per-add indirection. */
    private static final class LongBuffer {
        private long[] data = new long[1024];
        private int size;

        LongBuffer clear() {
            size = 0;
            return this;
        }

        void add(long value) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
