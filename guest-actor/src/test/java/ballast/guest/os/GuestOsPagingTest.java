package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.guest.ContentSettings;
import ballast.guest.GuestSettings;
import ballast.guest.workload.Phase;
import ballast.guest.workload.TraceFormat;
import ballast.guest.workload.TraceScan;
import ballast.guest.workload.TraceSpec;
import ballast.guest.workload.Workload;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.GuestCounters;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guest OS under memory pressure: its page allocator, pages pinned for the balloon, its own
 * clock paging and page-ins, checked against a hand-worked example and a perfect memory.
 */
class GuestOsPagingTest {
    @TempDir
    Path dir;

    static final int[] NONE = new int[0];

    static GuestOs.BalloonOrders pin(int pages) {
        return new GuestOs.BalloonOrders(NONE, pages, NONE);
    }

    /** A guest of {@code pages} PPNs replaying {@code vpns} as reads, 4 records a tick (0.1 s ticks at 40 a second). */
    GuestOs traceGuest(TranslationMode mode, int pages, int... vpns) throws Exception {
        return traceGuestAtRate(mode, pages, 40, vpns);
    }

    GuestOs traceGuestAtRate(TranslationMode mode, int pages, double rate, int... vpns) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int vpn : vpns) {
            csv.append(0x1000 + vpn).append(",r\n");
        }
        Path file = Files.writeString(dir.resolve("t.csv"), csv);
        TraceScan scan = TraceScan.of(TraceFormat.CSV, file);
        WorkloadSettings workload = WorkloadSettings.trace(List.of(
                new TraceSpec(TraceFormat.CSV, file, rate, false, scan.records(), scan.distinctPages())));
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", mode, pages, 1, 5, 0.1,
                new ContentSettings("linux", 0.25, 0.1), workload);
        return new GuestOs(settings);
    }

    static long key(int vpn) {
        return Ops.key(0, 0x1000 + vpn);
    }

    static long op(int kind, int vpn) {
        return Ops.op(kind, key(vpn));
    }

    static TickResult run(PerfectHost host, GuestOs os, long tick, GuestOs.Work work) {
        TickResult result = host.apply(tick, work);
        int[][] notice = host.takeNotice();
        if (notice != null) {
            os.remapped(notice[0], notice[1]);
        }
        assertThat(os.verify(result)).as("tick %d reads", tick).isTrue();
        return result;
    }

    /**
     * Ten PPNs, two of them pinned by the balloon in tick 0 (the first free ones, 0 and 1); pages
     * v0..v3 are touched in tick 0 (PPNs 2..5), v4..v7 in tick 1 (PPNs 6..9), so memory is full.
     * Tick 2: the balloon asks for 2 pages but every page was referenced since the hand last passed:
     * one round of the hand clears them all and pins nothing; v8 and v9 then page out v2 and v3 (v0
     * and v1, used in this tick, are passed). Tick 3: the balloon gets PPNs 6 and 7 (v4, v5 paged
     * out), and reading v2 and v3 pages them back in on PPNs 8 and 9 (paging out v6, v7), each
     * rewritten with what the guest last wrote there. Tick 4 deflates 6 and 7, tick 5 frees them,
     * and the page-ins of v4 and v5 use them: no paging while a PPN is free.
     */
    @Test
    void pagesOutColdPagesInClockOrderAndPagesThemBackIn() throws Exception {
        GuestOs os = traceGuest(TranslationMode.FULL, 10,
                0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 8, 9, 2, 3, 0, 1, 0, 1, 8, 9, 4, 5, 0, 1);
        os.booted(new int[0]);
        PerfectHost host = new PerfectHost(TranslationMode.FULL, 10);
        GuestOs.Work t0 = os.generate(0, 100, pin(2), false);
        GuestOs.Work t1 = os.generate(1, 100);
        run(host, os, 0, t0);
        run(host, os, 1, t1);
        assertThat(t0.reservation().inflate()).containsExactly(0, 1);
        assertThat(t0.reservation().pageOuts()).isEmpty();
        assertThat(t1.reservation()).isNull();
        assertThat(os.freePages()).isZero();
        assertThat(os.residentPages()).isEqualTo(8);
        long[] tokens = new long[10];
        for (int v = 0; v < 8; v++) {
            tokens[v] = host.read(key(v));
        }

        GuestOs.Work t2 = os.generate(2, 100, pin(2), false);
        assertThat(t2.pinned()).isEmpty();
        assertThat(t2.ops()).containsExactly(
                op(Ops.READ, 0), op(Ops.READ, 1),
                op(Ops.UNMAP, 2), op(Ops.MAP, 8), op(Ops.WRITE, 8), op(Ops.READ, 8),
                op(Ops.UNMAP, 3), op(Ops.MAP, 9), op(Ops.WRITE, 9), op(Ops.READ, 9));
        assertThat(t2.values()[0]).isEqualTo(4); // v8 on v2's PPN
        assertThat(t2.values()[2]).isEqualTo(5);
        assertThat(t2.reservation().pageOuts()).containsExactly(4, 5);
        assertThat(t2.reservation().inflate()).isEmpty();
        run(host, os, 2, t2);
        assertThat(host.diskReads).containsExactly(tokens[2], tokens[3]);

        GuestOs.Work t3 = os.generate(3, 100, pin(2), false);
        assertThat(t3.pinned()).containsExactly(6, 7);
        assertThat(t3.ops()).containsExactly(
                op(Ops.UNMAP, 4), op(Ops.UNMAP, 5),
                op(Ops.UNMAP, 6), op(Ops.MAP, 2), op(Ops.WRITE, 2), op(Ops.READ, 2),
                op(Ops.UNMAP, 7), op(Ops.MAP, 3), op(Ops.WRITE, 3), op(Ops.READ, 3),
                op(Ops.READ, 0), op(Ops.READ, 1));
        // page-ins write back exactly what the guest last wrote there
        assertThat(t3.values()).containsExactly(8, tokens[2], 9, tokens[3]);
        assertThat(t3.reservation().pageOuts()).containsExactly(6, 7, 8, 9);
        assertThat(t3.reservation().inflate()).containsExactly(6, 7);
        run(host, os, 3, t3);
        assertThat(host.balloonSize()).isEqualTo(4);
        GuestCounters c = os.counters();
        assertThat(c.guestPageOuts()).isEqualTo(6);
        assertThat(c.guestPageIns()).isEqualTo(2);
        assertThat(c.guestSwappedPages()).isEqualTo(4); // v4 .. v7
        assertThat(c.balloonPages()).isEqualTo(4);
        assertThat(c.pagesTouched()).isEqualTo(10);
        assertThat(os.residentPages() + os.freePages() + os.balloonPages()).isEqualTo(10);

        GuestOs.Work t4 = os.generate(4, 100, new GuestOs.BalloonOrders(NONE, 0, new int[] {6, 7}), false);
        assertThat(t4.reservation().deflate()).containsExactly(6, 7);
        assertThat(t4.reservation().pageOuts()).isEmpty();
        run(host, os, 4, t4);
        assertThat(os.balloonPages()).isEqualTo(4); // pinned until the driver frees them

        GuestOs.Work t5 = os.generate(5, 100, new GuestOs.BalloonOrders(new int[] {6, 7}, 0, NONE), false);
        assertThat(t5.reservation()).isNull(); // the freed PPNs served both page-ins: nothing paged out
        assertThat(t5.ops()).containsExactly(
                op(Ops.MAP, 4), op(Ops.WRITE, 4), op(Ops.READ, 4),
                op(Ops.MAP, 5), op(Ops.WRITE, 5), op(Ops.READ, 5),
                op(Ops.READ, 0), op(Ops.READ, 1));
        assertThat(t5.values()).containsExactly(7, tokens[4], 6, tokens[5]);
        run(host, os, 5, t5);
        c = os.counters();
        assertThat(c.guestPageIns()).isEqualTo(4);
        assertThat(c.guestPageOuts()).isEqualTo(6);
        assertThat(c.guestSwappedPages()).isEqualTo(2); // v6, v7
        assertThat(c.balloonPages()).isEqualTo(2);
        assertThat(c.readMismatches()).isZero();
        assertThat(c.readsVerified()).isEqualTo(24);
        // the audit holds exactly the pages in memory, each with what the perfect memory holds
        var audit = os.audit();
        assertThat(audit.keys()).hasSize(8);
        for (int i = 0; i < audit.keys().length; i++) {
            assertThat(host.read(audit.keys()[i])).isEqualTo(audit.tokens()[i]);
        }
        os.close();
    }

    @Test
    void freePpnsGoToTheBalloonBeforeAnyPageIsPagedOut() throws Exception {
        GuestOs os = traceGuest(TranslationMode.NESTED, 16, 0, 1, 2, 3, 4, 5);
        os.booted(new int[0]);
        PerfectHost host = new PerfectHost(TranslationMode.NESTED, 16);
        run(host, os, 0, os.generate(0, 100));
        GuestOs.Work w = os.generate(1, 100, pin(10), false);
        // PPNs 0..3 hold v0..v3; the balloon takes the next ten free PPNs, in allocator order
        assertThat(w.pinned()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        assertThat(w.reservation().pageOuts()).isEmpty();
        run(host, os, 1, w);
        // v4, v5 take the last two free PPNs
        assertThat(host.table).containsEntry(key(4), 14).containsEntry(key(5), 15);
        assertThat(os.counters().guestPageOuts()).isZero();
        // memory is full and every page was used since the hand last passed: none for the balloon now
        GuestOs.Work more = os.generate(2, 100, pin(3), false);
        assertThat(more.reservation()).isNull();
        run(host, os, 2, more);
        // the trace has ended, nothing was used in tick 2: the hand finds v0, v1, v2 cold now
        GuestOs.Work cold = os.generate(3, 100, pin(3), false);
        assertThat(cold.pinned()).containsExactly(0, 1, 2);
        assertThat(cold.reservation().pageOuts()).containsExactly(0, 1, 2);
        run(host, os, 3, cold);
        os.close();
    }

    /** The balloon never takes the guest's last usable PPN, and pins no PPN twice. */
    @Test
    void theBalloonLeavesTheGuestOnePpn() throws Exception {
        GuestOs os = traceGuest(TranslationMode.FULL, 8, 0, 1, 2, 3);
        os.booted(new int[0]);
        PerfectHost host = new PerfectHost(TranslationMode.FULL, 8);
        run(host, os, 0, os.generate(0, 100));
        GuestOs.Work w = os.generate(1, 100, pin(100), false);
        assertThat(w.pinned()).hasSize(4 + 0); // the four free PPNs; v0..v3 were all referenced
        run(host, os, 1, w);
        GuestOs.Work w2 = os.generate(2, 100, pin(100), false);
        assertThat(w2.pinned()).hasSize(3); // cold now: all but the last PPN
        run(host, os, 2, w2);
        assertThat(os.balloonPages()).isEqualTo(7);
        assertThat(os.residentPages() + os.freePages()).isEqualTo(1);
        os.close();
    }

    @Test
    void ordersNamingAPpnOutsideTheBalloonAreRejected() throws Exception {
        GuestOs os = traceGuest(TranslationMode.FULL, 8, 0, 1);
        os.booted(new int[0]);
        assertThatThrownBy(() -> os.generate(0, 100, new GuestOs.BalloonOrders(new int[] {3}, 0, NONE), false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PPN 3");
        os.close();
    }

    static List<Integer> asList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) {
            l.add(x);
        }
        return l;
    }

    static GuestSettings hotCold(TranslationMode mode, int pages, int workingSet, double rate, long seed) {
        return new GuestSettings("g", "h", 0, "linux", mode, pages, 2, seed, 0.1,
                new ContentSettings("linux", 0.25, 0.1),
                new WorkloadSettings("hot-cold", List.of(
                        new Phase(Double.POSITIVE_INFINITY, workingSet, rate, 0.3, 0.2, 0.8))));
    }

    /**
     * A hot-cold guest whose balloon grows to 70% and shrinks back, against the perfect memory:
     * every pinned PPN is unmapped and free of content, no read or write ever reaches an unmapped
     * or ballooned page (the perfect host checks each), every read verifies, and the counters add up.
     */
    @ParameterizedTest
    @EnumSource(TranslationMode.class)
    void underAShrinkingMemoryEveryReadStillVerifies(TranslationMode mode) {
        int pages = 512;
        GuestOs os = new GuestOs(hotCold(mode, pages, 400, 20_000, 11));
        PerfectHost host = new PerfectHost(mode, pages);
        os.booted(host.bootP2m());
        Set<Integer> held = new HashSet<>();
        long pinnedTotal = 0;
        int[] pendingDeflate = NONE;
        for (long tick = 0; tick < 80; tick++) {
            GuestOs.BalloonOrders orders;
            if (tick >= 10 && tick < 40) {
                orders = pin(15); // inflate toward 450 pages
            } else if (tick >= 50 && !held.isEmpty()) {
                int[] deflate = held.stream().sorted().limit(40).mapToInt(Integer::intValue).toArray();
                orders = new GuestOs.BalloonOrders(pendingDeflate, 0, deflate);
                deflate = Arrays.stream(deflate).toArray();
                for (int p : deflate) {
                    held.remove(p);
                }
                pendingDeflate = deflate;
            } else {
                orders = new GuestOs.BalloonOrders(pendingDeflate, 0, NONE);
                pendingDeflate = NONE;
            }
            Set<Integer> mappedBefore = host.mappedPpns();
            GuestOs.Work w = os.generate(tick, 64, orders, false);
            for (int ppn : w.pinned()) {
                assertThat(held.add(ppn)).as("PPN %d pinned twice", ppn).isTrue();
            }
            pinnedTotal += w.pinned().length;
            // a pinned PPN was either unmapped or is unmapped by this very work (its page paged out)
            Set<Integer> pagedOut = new HashSet<>(asList(w.reservation() == null ? NONE : w.reservation().pageOuts()));
            for (int ppn : w.pinned()) {
                assertThat(!mappedBefore.contains(ppn) || pagedOut.contains(ppn)).isTrue();
            }
            run(host, os, tick, w);
            if (mode == TranslationMode.PARA) {
                for (MmuUpdate u : w.mmuUpdates()) {
                    assertThat(u.entries()).isLessThanOrEqualTo(64);
                }
            }
        }
        GuestCounters c = os.counters();
        // the balloon grew as far as the guest could give (a step gets fewer pages when the hand
        // finds every page in use), and every pinned PPN came back
        assertThat(pinnedTotal).isGreaterThan(200);
        assertThat(c.readMismatches()).isZero();
        assertThat(c.readsVerified()).isEqualTo(c.reads()).isPositive();
        assertThat(c.guestPageOuts()).isPositive();
        assertThat(c.guestPageIns()).isPositive();
        assertThat(c.guestSwappedPages()).isEqualTo(c.guestPageOuts() - c.guestPageIns()).isEqualTo(os.pagesOnDisk());
        assertThat(c.balloonPages()).isZero();
        assertThat(os.residentPages() + os.pagesOnDisk()).isEqualTo(c.pagesTouched());
        assertThat(os.residentPages() + os.freePages() + os.balloonPages()).isEqualTo(pages);
        var audit = os.audit();
        for (int i = 0; i < audit.keys().length; i++) {
            assertThat(host.read(audit.keys()[i])).isEqualTo(audit.tokens()[i]);
        }
        // the pages on disk are exactly those the guest does not map
        assertThat(host.table).hasSize(os.residentPages());
    }

    /** Same seed, same orders: the same work, byte for byte. */
    @Test
    void theSameSeedAndOrdersGiveTheSameWork() {
        List<String> a = workStream(7);
        List<String> b = workStream(7);
        List<String> c = workStream(8);
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    private static List<String> workStream(long seed) {
        GuestOs os = new GuestOs(hotCold(TranslationMode.PARA, 256, 200, 10_000, seed));
        PerfectHost host = new PerfectHost(TranslationMode.PARA, 256);
        os.booted(host.bootP2m());
        List<String> out = new ArrayList<>();
        for (long tick = 0; tick < 30; tick++) {
            GuestOs.Work w = os.generate(tick, 100, tick < 20 ? pin(10) : GuestOs.BalloonOrders.NONE, tick % 7 == 3);
            out.add(describe(w));
            run(host, os, tick, w);
        }
        return out;
    }

    static String describe(GuestOs.Work w) {
        StringBuilder s = new StringBuilder(Arrays.toString(w.ops())).append(Arrays.toString(w.values()));
        for (MmuUpdate u : w.mmuUpdates()) {
            s.append(Arrays.toString(u.keys())).append(Arrays.toString(u.mpns())).append(Arrays.toString(u.ppns()));
        }
        Reservation r = w.reservation();
        if (r != null) {
            s.append(Arrays.toString(r.pageOuts())).append(Arrays.toString(r.inflate())).append(Arrays.toString(r.deflate()));
        }
        return s.append(w.kernel()).toString();
    }

    /**
     * A stalled tick carries no workload accesses (nor kernel activity); its balloon pins still go.
     */
    @Test
    void aStalledTickMakesNoAccessesButStillPins() {
        GuestOs os = new GuestOs(hotCold(TranslationMode.FULL, 256, 100, 10_000, 3));
        PerfectHost host = new PerfectHost(TranslationMode.FULL, 256);
        os.booted(new int[0]);
        run(host, os, 0, os.generate(0, 100));
        long before = os.counters().accesses();
        GuestOs.Work stalled = os.generate(1, 100, pin(5), true);
        assertThat(stalled.ops()).isEmpty();
        assertThat(stalled.kernel()).isNull();
        assertThat(stalled.pinned()).hasSize(5);
        run(host, os, 1, stalled);
        assertThat(os.counters().stalledTicks()).isEqualTo(1);
        assertThat(os.counters().accesses()).isEqualTo(before);
        GuestOs.Work next = os.generate(2, 100);
        assertThat(next.ops()).isNotEmpty();
        run(host, os, 2, next);
        assertThat(os.counters().stalledTicks()).isEqualTo(1);
    }

    /**
     * With a usable memory smaller than what one tick touches, the tick stops where no PPN can be
     * had (every page in memory was used in this tick): the guest thrashes but stays correct.
     * Sixteen PPNs, twelve in the balloon; five pages a tick.
     */
    @Test
    void aTickStopsWhenEveryPageInMemoryWasUsedInIt() throws Exception {
        GuestOs os = traceGuestAtRate(TranslationMode.FULL, 16, 50, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        PerfectHost host = new PerfectHost(TranslationMode.FULL, 16);
        os.booted(new int[0]);
        GuestOs.Work t0 = os.generate(0, 100, pin(12), false);
        assertThat(t0.pinned()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        // v0..v3 fill the four usable PPNs; v4 finds none (v0..v3 were used in this tick): the tick ends
        assertThat(t0.ops()).hasSize(4 * 3);
        assertThat(t0.ops()[t0.ops().length - 1]).isEqualTo(op(Ops.READ, 3));
        run(host, os, 0, t0);
        // next tick v0..v3 are cold: v5..v8 page them out, and v9 waits again
        GuestOs.Work t1 = os.generate(1, 100);
        assertThat(t1.ops()).hasSize(4 * 4);
        assertThat(t1.ops()).startsWith(op(Ops.UNMAP, 0), op(Ops.MAP, 5), op(Ops.WRITE, 5), op(Ops.READ, 5));
        assertThat(t1.reservation().pageOuts()).containsExactly(12, 13, 14, 15);
        run(host, os, 1, t1);
        GuestCounters c = os.counters();
        assertThat(c.reads()).isEqualTo(8);
        assertThat(c.guestPageOuts()).isEqualTo(4);
        assertThat(c.guestSwappedPages()).isEqualTo(4);
        assertThat(c.readMismatches()).isZero();
        os.close();
    }

    /**
     * A synthetic workload's tick that stops early (no PPN for the next page: four usable PPNs,
     * five pages) or is cut by an allowance moves the workload's random stream exactly past the
     * accesses made, plus the refused one's page and write draws, as drawing them one by one did:
     * the guest's saved stream is the one-by-one reference's after every tick. Its accesses are
     * drawn in batches, and a stop falls past the first batch too. Two processes.
     */
    @Test
    void aTickStoppedEarlyLeavesTheWorkloadStreamPastTheAccessesDrawn() {
        for (long seed = 1; seed <= 4; seed++) {
            WorkloadSettings workload = new WorkloadSettings("hot-cold", List.of(
                    new Phase(Double.POSITIVE_INFINITY, 5, 20_000, 0.3, 0.6, 0.999)));
            GuestSettings settings = new GuestSettings("g", "h", 0, "linux", TranslationMode.FULL, 16, 2, seed, 0.1,
                    new ContentSettings("linux", 0.25, 0.1), workload);
            GuestOs os = new GuestOs(settings);
            PerfectHost host = new PerfectHost(TranslationMode.FULL, 16);
            os.booted(new int[0]);
            Workload reference = new Workload(workload, Tokens.derive(seed, "workload"));
            int stopsPastFirstBatch = 0;
            int cut = 0;
            for (long tick = 0; tick < 12; tick++) {
                long allowance = tick % 5 == 4 ? 100 + tick : Long.MAX_VALUE;
                GuestOs.Work w = os.generate(tick, 100, tick == 0 ? pin(12) : GuestOs.BalloonOrders.NONE, false, allowance);
                int demand = reference.beginTick(tick * 0.1, 0.1);
                assertThat(w.load().demand()).isEqualTo(demand);
                long made = w.load().workAccesses();
                boolean stopped = made < Math.min(demand, allowance);
                for (long i = 0; i < made + (stopped ? 1 : 0); i++) {
                    reference.nextPage();
                    reference.nextIsWrite();
                }
                run(host, os, tick, w);
                assertThat(os.snapshot().workloadRandom()).as("seed %d tick %d", seed, tick)
                        .isEqualTo(reference.randomState());
                stopsPastFirstBatch += stopped && made > Workload.MAX_BATCH ? 1 : 0;
                cut += allowance < demand && made == allowance ? 1 : 0;
            }
            assertThat(stopsPastFirstBatch).as("seed %d", seed).isPositive();
            assertThat(cut).as("seed %d", seed).isPositive();
            assertThat(os.counters().readMismatches()).isZero();
            os.close();
        }
    }

    /**
     * A workload change takes effect from the tick given, its phases timed from there, and may
     * use more pages than the old one; a trace guest's workload and a working set beyond the
     * guest's memory are refused.
     */
    @Test
    void aWorkloadChangeRunsFromItsTickWithItsPhasesTimedFromThere() throws Exception {
        GuestOs os = new GuestOs(hotCold(TranslationMode.FULL, 512, 50, 5_000, 4));
        PerfectHost host = new PerfectHost(TranslationMode.FULL, 512);
        os.booted(new int[0]);
        WorkloadSettings later = new WorkloadSettings("phases", List.of(Phase.idle(1.0),
                Phase.uniform(Double.POSITIVE_INFINITY, 400, 20_000, 0.5)));
        assertThat(os.workloadProblem(later)).isNull();
        for (long tick = 0; tick < 30; tick++) {
            if (tick == 5) {
                os.changeWorkload(later, 5);
            }
            GuestOs.Work w = os.generate(tick, 100);
            boolean accesses = Arrays.stream(w.ops()).anyMatch(op -> Ops.kind(op) == Ops.READ || Ops.kind(op) == Ops.WRITE);
            // ticks 5 .. 14 are the new workload's idle second
            assertThat(accesses).as("tick %d", tick).isEqualTo(tick < 5 || tick >= 15);
            run(host, os, tick, w);
        }
        assertThat(os.counters().pagesTouched()).isGreaterThan(350);
        assertThat(os.counters().readMismatches()).isZero();
        assertThat(os.workloadProblem(new WorkloadSettings("uniform",
                List.of(Phase.uniform(Double.POSITIVE_INFINITY, 513, 10, 0))))).contains("513 pages");
        assertThatThrownBy(() -> os.changeWorkload(new WorkloadSettings("uniform",
                List.of(Phase.uniform(Double.POSITIVE_INFINITY, 600, 10, 0))), 40)).isInstanceOf(IllegalArgumentException.class);
        GuestOs trace = traceGuest(TranslationMode.FULL, 16, 0, 1);
        assertThat(trace.workloadProblem(later)).contains("traces");
        trace.close();
    }
}
