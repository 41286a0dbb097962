package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.GuestCounters;
import ballast.abi.MmuUpdate;
import ballast.abi.TickResult;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.OsProfile;
import ballast.guest.workload.Phase;
import ballast.guest.workload.TraceFormat;
import ballast.guest.workload.TraceScan;
import ballast.guest.workload.TraceSpec;
import ballast.guest.workload.WorkloadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the guests generate is fixed: every tick's operations and values, its mmu_update batches,
 * page-outs and pins, the read digest a perfect memory computes for it, and the guest's counters,
 * folded into one fingerprint per guest, are the ones recorded when the per-access path made one
 * access at a time. A change made for speed must keep every operation, value and order (the raw
 * kernel's recorded work and every golden summary depend on it); these guests cover what the
 * bench scenarios do not: memory pressure (the clock's page-outs and page-ins, ticks stopped for
 * want of a PPN in about half the hot-cold guests' ticks), the balloon, three processes, pages
 * freed when a working set shrinks, paced ticks, a para-virtual guest's mmu_update batches, and a
 * trace replayed under pressure.
 */
class GenerationFingerprintTest {
    @TempDir
    Path dir;

    static final int[] NONE = new int[0];

    static GuestSettings settings(TranslationMode mode, int pages, int processes, long seed, WorkloadSettings workload,
                                  GuestMemorySettings memory) {
        return new GuestSettings("g", "h", 0, "linux", mode, pages, processes, seed, 0.1,
                new ContentSettings("linux", 0.25, 0.1), workload, OsProfile.NONE, memory);
    }

    static WorkloadSettings hotCold(int workingSet, double rate, double writes) {
        return new WorkloadSettings("hot-cold",
                List.of(new Phase(Double.POSITIVE_INFINITY, workingSet, rate, writes, 0.2, 0.8)));
    }

    static GuestMemorySettings memory(boolean freeOnShrink) {
        return new GuestMemorySettings(true, 64, 2, 400, 1.0).withReporting(false, 0, 20, 32, freeOnShrink);
    }

    /**
     * Plays {@code ticks} ticks of {@code settings}' guest against a perfect memory, with seeded
     * balloon orders (pins, then releases and deflates of what it pinned) and allowances when
     * {@code pressure}, and returns the fingerprint of everything it generated.
     */
    static long play(GuestSettings settings, int ticks, boolean pressure) {
        GuestOs os = new GuestOs(settings);
        PerfectHost host = new PerfectHost(settings.mode(), settings.configuredPages());
        os.booted(host.bootP2m());
        SplittableRandom random = new SplittableRandom(settings.seed() * 31 + ticks);
        List<Integer> held = new ArrayList<>();
        int[] pendingDeflate = NONE;
        long f = Tokens.EMPTY_DIGEST;
        for (long tick = 0; tick < ticks; tick++) {
            GuestOs.BalloonOrders orders = GuestOs.BalloonOrders.NONE;
            long allowance = Long.MAX_VALUE;
            if (pressure) {
                int[] deflate = NONE;
                int pin = 0;
                if (tick % 20 < 8) {
                    pin = random.nextInt(settings.configuredPages() / 4 + 1);
                } else if (tick % 20 >= 12 && !held.isEmpty()) {
                    int n = Math.min(held.size(), 1 + random.nextInt(40));
                    deflate = new int[n];
                    for (int i = 0; i < n; i++) {
                        deflate[i] = held.remove(held.size() - 1);
                    }
                }
                orders = new GuestOs.BalloonOrders(pendingDeflate, pin, deflate);
                pendingDeflate = deflate;
                allowance = tick % 7 == 3 ? random.nextInt(3_000) : Long.MAX_VALUE;
            }
            GuestOs.Work w = os.generate(tick, 50, orders, false, allowance);
            for (int ppn : w.pinned()) {
                held.add(ppn);
            }
            for (long op : w.ops()) {
                f = Tokens.fold(f, op);
            }
            for (long v : w.values()) {
                f = Tokens.fold(f, v);
            }
            for (MmuUpdate u : w.mmuUpdates()) {
                for (int i = 0; i < u.entries(); i++) {
                    f = Tokens.fold(Tokens.fold(Tokens.fold(f, u.keys()[i]), u.mpns()[i]), u.ppns()[i]);
                }
            }
            if (w.reservation() != null) {
                for (int ppn : w.reservation().pageOuts()) {
                    f = Tokens.fold(f, ppn);
                }
            }
            for (int ppn : w.pinned()) {
                f = Tokens.fold(f, ppn);
            }
            f = Tokens.fold(Tokens.fold(f, w.load().demand()), w.load().workAccesses());
            TickResult result = host.apply(tick, w);
            int[][] notice = host.takeNotice();
            if (notice != null) {
                os.remapped(notice[0], notice[1]);
            }
            assertThat(os.verify(result)).as("tick %d reads", tick).isTrue();
            f = Tokens.fold(Tokens.fold(f, result.readDigest()), result.reads());
        }
        GuestCounters c = os.counters();
        assertThat(c.readMismatches()).isZero();
        if (pressure && settings.configuredPages() > 16) {
            // the clock paged out and in, and ticks stopped for want of a PPN
            assertThat(c.guestPageOuts()).isPositive();
            assertThat(c.guestPageIns()).isPositive();
        }
        for (long x : new long[] {c.accesses(), c.reads(), c.writes(), c.pagesTouched(), c.readsVerified(),
                c.guestSwappedPages(), c.guestPageIns(), c.guestPageOuts(), c.balloonPages(), c.workingSetTruePages(),
                c.pageFills(), os.pagesFreed(), os.migratable() ? os.snapshot().workloadRandom() : 0}) {
            f = Tokens.fold(f, x);
        }
        os.close();
        return f;
    }

    @Test
    void aHotColdGuestUnderPressureGeneratesWhatItDidOneAccessAtATime() {
        assertThat(List.of(
                play(settings(TranslationMode.FULL, 512, 2, 11, hotCold(400, 20_000, 0.3), memory(false)), 80, true),
                play(settings(TranslationMode.PARA, 512, 2, 12, hotCold(400, 20_000, 0.3), memory(false)), 80, true),
                play(settings(TranslationMode.NESTED, 512, 2, 13, hotCold(400, 20_000, 0.3), memory(false)), 80, true)))
                .containsExactly(-669991636502429465L, -4117315420315404315L, 3984263946397797025L);
    }

    @Test
    void threeProcessesAndAFivePageWorkingSetGenerateWhatTheyDidOneAccessAtATime() {
        assertThat(List.of(
                play(settings(TranslationMode.FULL, 4096, 3, 21, hotCold(3000, 30_000, 0.2), memory(false)), 30, false),
                play(settings(TranslationMode.PARA, 2048, 3, 22, hotCold(2000, 30_000, 0.2), memory(false)), 30, true),
                play(settings(TranslationMode.FULL, 16, 2, 23, hotCold(5, 20_000, 0.3), memory(false)), 40, true)))
                .containsExactly(7833911909938067495L, 2185627590637470036L, 7748320410881037130L);
    }

    @Test
    void pagesFreedWhenTheWorkingSetShrinksAreFilledAfreshAsBefore() {
        WorkloadSettings phases = new WorkloadSettings("phases", List.of(
                new Phase(0.5, 1500, 40_000, 0.3, 1.0, 1.0),
                new Phase(0.5, 200, 10_000, 0.3, 1.0, 1.0),
                new Phase(Double.POSITIVE_INFINITY, 1200, 40_000, 0.4, 0.1, 0.9)));
        assertThat(List.of(
                play(settings(TranslationMode.FULL, 2048, 1, 31, phases, memory(true)), 30, false),
                play(settings(TranslationMode.PARA, 1600, 2, 32, phases, memory(true)), 30, true)))
                .containsExactly(5039213667070609418L, 3793784685813531107L);
    }

    @Test
    void aTraceReplayedUnderPressureGeneratesWhatItDidOneAccessAtATime() throws Exception {
        SplittableRandom random = new SplittableRandom(41);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            csv.append(0x1000 + random.nextInt(300)).append(random.nextInt(4) == 0 ? ",w\n" : ",r\n");
        }
        Path file = Files.writeString(dir.resolve("t.csv"), csv);
        TraceScan scan = TraceScan.of(TraceFormat.CSV, file);
        WorkloadSettings trace = WorkloadSettings.trace(List.of(
                new TraceSpec(TraceFormat.CSV, file, 2_000, false, scan.records(), scan.distinctPages())));
        assertThat(List.of(
                play(settings(TranslationMode.FULL, 320, 1, 42, trace, memory(false)), 30, true),
                play(settings(TranslationMode.PARA, 4096, 1, 43, trace, memory(false)), 30, false)))
                .containsExactly(8583405587778455179L, 4142814595912111853L);
    }
}
