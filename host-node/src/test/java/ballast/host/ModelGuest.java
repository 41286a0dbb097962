package ballast.host;

import ballast.host.translation.GuestMemory;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.List;

/**
 * A guest played at the core's level, without actors, for the reclamation tests: its page
 * {@code p} is PPN {@code p} at VPN {@code 0x1000 + p} of process 0; it keeps its own record of
 * what each page holds and predicts every read, and plays a balloon driver (inflate unmaps the
 * pages and hands them over, deflate takes them back; a pop or a refusal is followed as the ABI
 * says) and an OS that pages out to its virtual disk. {@link #play} applies the tick and checks
 * the read digest; {@link #audit} runs the hypervisor's audit over every mapped page.
 */
final class ModelGuest {
    static final long VPN_BASE = 0x1000;

    final HypervisorCore core;
    final int index;
    final TranslationMode mode;
    final int pages;
    /** The para-virtual guest's p2m (kept up to date from remap notices). */
    int[] p2m;
    final long[] expected;
    final boolean[] mapped;
    /** The driver's balloon: PPNs it handed over (and the hypervisor accepted or not yet answered). */
    final boolean[] inBalloon;
    int balloonSize;
    private final LongArrayList ops = new LongArrayList();
    private final LongArrayList values = new LongArrayList();
    private final LongArrayList mmuKeys = new LongArrayList();
    private final IntArrayList mmuMpns = new IntArrayList();
    private final IntArrayList mmuPpns = new IntArrayList();
    private final IntArrayList inflate = new IntArrayList();
    private final IntArrayList deflate = new IntArrayList();
    private final IntArrayList pageOuts = new IntArrayList();
    /** What the pages of this tick's balloon calls held before, to restore when a call is refused. */
    private final LongArrayList inflatePrevious = new LongArrayList();
    private final LongArrayList deflatePrevious = new LongArrayList();
    private final it.unimi.dsi.fastutil.booleans.BooleanArrayList inflateWasIn = new it.unimi.dsi.fastutil.booleans.BooleanArrayList();
    private final it.unimi.dsi.fastutil.booleans.BooleanArrayList deflateWasIn = new it.unimi.dsi.fastutil.booleans.BooleanArrayList();
    /** This tick's free page reports, and per report the PPNs it unmapped with what they held. */
    private final List<ballast.abi.FreePageReport> reports = new java.util.ArrayList<>();
    private final List<int[]> reportPpns = new java.util.ArrayList<>();
    private final List<long[]> reportPrevious = new java.util.ArrayList<>();
    private long digest = Tokens.EMPTY_DIGEST;
    private int reads;
    private long nextToken;
    long tick;
    TickResult last;

    ModelGuest(HypervisorCore core, int index) {
        this.core = core;
        this.index = index;
        this.mode = core.settings().guests().get(index).mode();
        this.pages = core.settings().guests().get(index).configuredPages();
        this.expected = new long[pages];
        this.mapped = new boolean[pages];
        this.inBalloon = new boolean[pages];
        this.nextToken = Tokens.mix(0xC0FFEEL + index);
        Refusal[] refusal = new Refusal[1];
        this.p2m = core.boot(index, core.settings().guests().get(index).name(), refusal);
        assertThat(p2m).as("boot: %s", refusal[0]).isNotNull();
    }

    /**
     * The same guest after a live migration to {@code core}, where it was installed as
     * {@code index}: its record, mappings and balloon go on; it boots there (a para-virtual guest
     * learns its new p2m).
     */
    ModelGuest(ModelGuest moved, HypervisorCore core, int index) {
        this.core = core;
        this.index = index;
        this.mode = moved.mode;
        this.pages = moved.pages;
        this.expected = moved.expected.clone();
        this.mapped = moved.mapped.clone();
        this.inBalloon = moved.inBalloon.clone();
        this.balloonSize = moved.balloonSize;
        this.nextToken = moved.nextToken;
        this.tick = moved.tick;
        Refusal[] refusal = new Refusal[1];
        this.p2m = core.boot(index, core.settings().guests().get(index).name(), refusal);
        assertThat(p2m).as("boot after migration: %s", refusal[0]).isNotNull();
    }

    static long key(int ppn) {
        return Ops.key(0, VPN_BASE + ppn);
    }

    private void map(int ppn) {
        if (mapped[ppn]) {
            return;
        }
        mapped[ppn] = true;
        if (mode == TranslationMode.PARA) {
            mmuKeys.add(key(ppn));
            mmuMpns.add(p2m[ppn]);
            mmuPpns.add(ppn);
        } else {
            ops.add(Ops.op(Ops.MAP, key(ppn)));
            values.add(ppn);
        }
    }

    private void unmap(int ppn) {
        if (!mapped[ppn]) {
            return;
        }
        mapped[ppn] = false;
        if (mode == TranslationMode.PARA) {
            mmuKeys.add(key(ppn));
            mmuMpns.add(MmuUpdate.CLEAR);
            mmuPpns.add(-1);
        } else {
            ops.add(Ops.op(Ops.UNMAP, key(ppn)));
        }
    }

    /** Writes fresh content to page {@code ppn} (mapping it first); returns the token. */
    long write(int ppn) {
        long token = Tokens.nonZero(nextToken++, ppn);
        map(ppn);
        ops.add(Ops.op(Ops.WRITE, key(ppn)));
        values.add(token);
        expected[ppn] = token;
        return token;
    }

    /** Writes {@code token} to page {@code ppn} (mapping it first). */
    ModelGuest write(int ppn, long token) {
        map(ppn);
        ops.add(Ops.op(Ops.WRITE, key(ppn)));
        values.add(token);
        expected[ppn] = token;
        return this;
    }

    /** Reads page {@code ppn} (mapping it first); the read is predicted from the record. */
    ModelGuest read(int ppn) {
        map(ppn);
        ops.add(Ops.op(Ops.READ, key(ppn)));
        digest = Tokens.fold(digest, expected[ppn]);
        reads++;
        return this;
    }

    /** Reads or writes each page of {@code [from, to)} that is not in the driver's balloon. */
    ModelGuest touch(int from, int to, boolean write) {
        for (int p = from; p < to; p++) {
            if (inBalloon[p]) {
                continue;
            }
            if (write) {
                write(p);
            } else {
                read(p);
            }
        }
        return this;
    }

    /** The driver hands these pages over: the OS unmaps them (their content is forgotten). */
    ModelGuest inflate(int... ppns) {
        for (int ppn : ppns) {
            unmap(ppn);
            inflatePrevious.add(expected[ppn]);
            inflateWasIn.add(inBalloon[ppn]);
            if (!inBalloon[ppn]) {
                inBalloon[ppn] = true;
                balloonSize++;
            }
            expected[ppn] = Tokens.ZERO;
            inflate.add(ppn);
        }
        return this;
    }

    /** The driver takes these pages back: they read as zero pages when touched. */
    ModelGuest deflate(int... ppns) {
        for (int ppn : ppns) {
            deflatePrevious.add(expected[ppn]);
            deflateWasIn.add(inBalloon[ppn]);
            if (inBalloon[ppn]) {
                inBalloon[ppn] = false;
                balloonSize--;
            }
            expected[ppn] = Tokens.ZERO;
            deflate.add(ppn);
        }
        return this;
    }

    /**
     * The OS reports these blocks of {@code 2^order} pages free: it unmaps every page of them not in
     * the balloon (their content is forgotten: a page touched again reads as a zero page, once the
     * report is applied) and sends one free page report. A refused report leaves the pages as they
     * were at the hypervisor (unmapped, their content kept). A para-virtual guest's report (always
     * refused) unmaps nothing: its clear entries would go before the tick's reads.
     */
    ModelGuest report(int order, int... blocks) {
        IntArrayList ppns = new IntArrayList();
        LongArrayList previous = new LongArrayList();
        for (int first : mode == TranslationMode.PARA ? new int[0] : blocks) {
            for (int ppn = first; ppn < first + (1 << order) && ppn < pages; ppn++) {
                if (ppn >= 0 && !inBalloon[ppn]) {
                    unmap(ppn);
                    ppns.add(ppn);
                    previous.add(expected[ppn]);
                    expected[ppn] = Tokens.ZERO;
                }
            }
        }
        reports.add(new ballast.abi.FreePageReport(order, blocks.clone()));
        reportPpns.add(ppns.toIntArray());
        reportPrevious.add(previous.toLongArray());
        return this;
    }

    /** The OS writes page {@code ppn} to its virtual disk (its content stays). */
    ModelGuest pageOut(int ppn) {
        pageOuts.add(ppn);
        return this;
    }

    /** Sends the tick as it is; checks the digest when nothing was refused. */
    TickResult play() {
        List<MmuUpdate> mmu = new java.util.ArrayList<>();
        int batch = core.settings().maxMmuUpdateEntries();
        for (int from = 0; from < mmuKeys.size(); from += batch) {
            int to = Math.min(mmuKeys.size(), from + batch);
            mmu.add(new MmuUpdate(java.util.Arrays.copyOfRange(mmuKeys.elements(), from, to),
                    java.util.Arrays.copyOfRange(mmuMpns.elements(), from, to),
                    java.util.Arrays.copyOfRange(mmuPpns.elements(), from, to)));
        }
        Reservation reservation = inflate.isEmpty() && deflate.isEmpty() && pageOuts.isEmpty() ? null
                : new Reservation(pageOuts.toIntArray(), inflate.toIntArray(), deflate.toIntArray());
        long[] opArray = ops.toLongArray();
        long[] valueArray = values.toLongArray();
        TickResult r = core.apply(new GuestWork(index, tick++, mmu, opArray, opArray.length, valueArray,
                valueArray.length, null, reservation, null, List.copyOf(reports)));
        last = r;
        assertThat(r.refusals()).as("the guest's work (only balloon calls and free page reports may be refused)")
                .allMatch(x -> isBalloonRefusal(x) || isReportRefusal(x, reports.size()));
        java.util.BitSet discarded = new java.util.BitSet(pages);
        for (int i = 0; i < reports.size(); i++) {
            if ((r.refusedReports() & (1L << i)) == 0) {
                // every page of an accepted report is gone (one the model skipped as ballooned too: its inflate may have been refused)
                ballast.abi.FreePageReport report = reports.get(i);
                for (int first : report.blocks()) {
                    discarded.set(first, first + report.blockPages());
                }
            }
        }
        for (int i = reports.size() - 1; i >= 0; i--) {
            if ((r.refusedReports() & (1L << i)) != 0) {
                int[] ppns = reportPpns.get(i);
                long[] previous = reportPrevious.get(i);
                for (int k = 0; k < ppns.length; k++) {
                    expected[ppns[k]] = previous[k]; // undone before the balloon calls made earlier in the tick
                }
            }
        }
        assertThat(r.reads()).as("reads").isEqualTo(reads);
        assertThat(r.readDigest()).as("%s reads back what it wrote", mode).isEqualTo(digest);
        // a refused call changed nothing: the pages hold what they held (restored last call first)
        if ((r.balloonStatus() & TickResult.DEFLATE_REFUSED) != 0) {
            for (int i = deflate.size() - 1; i >= 0; i--) {
                int ppn = deflate.getInt(i);
                expected[ppn] = deflatePrevious.getLong(i);
                setInBalloon(ppn, deflateWasIn.getBoolean(i));
            }
        }
        if ((r.balloonStatus() & TickResult.INFLATE_REFUSED) != 0) {
            for (int i = inflate.size() - 1; i >= 0; i--) {
                int ppn = inflate.getInt(i);
                expected[ppn] = inflatePrevious.getLong(i);
                setInBalloon(ppn, inflateWasIn.getBoolean(i));
            }
        }
        if ((r.balloonStatus() & TickResult.POPPED) != 0) {
            // the hypervisor emptied the balloon after the operations: the driver resets, every page is
            // the OS's again but for this tick's inflate (applied after the pop: the new balloon)
            java.util.Arrays.fill(inBalloon, false);
            balloonSize = 0;
            // the tick's deflate was not applied: a page it named that was not in the balloon keeps its content
            for (int i = deflate.size() - 1; i >= 0; i--) {
                if (!deflateWasIn.getBoolean(i)) {
                    expected[deflate.getInt(i)] = deflatePrevious.getLong(i);
                }
            }
            if ((r.balloonStatus() & TickResult.INFLATE_REFUSED) == 0) {
                for (int i = 0; i < inflate.size(); i++) {
                    setInBalloon(inflate.getInt(i), true);
                }
            }
        }
        for (int ppn = discarded.nextSetBit(0); ppn >= 0; ppn = discarded.nextSetBit(ppn + 1)) {
            expected[ppn] = Tokens.ZERO; // applied last: whatever the balloon calls did, the page is gone
        }
        int[][] notice = core.takeNotice(index);
        if (notice != null) {
            for (int i = 0; i < notice[0].length; i++) {
                p2m[notice[0][i]] = notice[1][i];
            }
        }
        ops.clear();
        values.clear();
        mmuKeys.clear();
        mmuMpns.clear();
        mmuPpns.clear();
        inflate.clear();
        deflate.clear();
        pageOuts.clear();
        inflatePrevious.clear();
        deflatePrevious.clear();
        reports.clear();
        reportPpns.clear();
        reportPrevious.clear();
        inflateWasIn.clear();
        deflateWasIn.clear();
        digest = Tokens.EMPTY_DIGEST;
        reads = 0;
        return r;
    }

    private void setInBalloon(int ppn, boolean in) {
        if (inBalloon[ppn] != in) {
            inBalloon[ppn] = in;
            balloonSize += in ? 1 : -1;
        }
    }

    private static boolean isBalloonRefusal(Refusal r) {
        return r.index() == -1 && switch (r.reason()) {
            case ALREADY_BALLOONED, NOT_BALLOONED, BALLOON_CAP, OUT_OF_MEMORY, PPN_OUT_OF_RANGE -> true;
            default -> false;
        };
    }

    private static boolean isReportRefusal(Refusal r, int reports) {
        return r.index() >= 0 && r.index() < reports && switch (r.reason()) {
            case BLOCK_NOT_ALIGNED, PARAVIRTUAL_REPORT, ALREADY_BALLOONED, PPN_OUT_OF_RANGE, BATCH_TOO_LARGE -> true;
            default -> false;
        };
    }

    /** The hypervisor's audit of every mapped page against the record: the number of differences. */
    long audit() {
        LongArrayList keys = new LongArrayList();
        LongArrayList tokens = new LongArrayList();
        for (int p = 0; p < pages; p++) {
            if (mapped[p]) {
                keys.add(key(p));
                tokens.add(expected[p]);
            }
        }
        return core.audit(index, keys.toLongArray(), tokens.toLongArray());
    }

    GuestMemory memory() {
        return core.guest(index);
    }
}
