package ballast.host;

import ballast.host.migration.GuestTransfer;
import ballast.host.translation.GuestPaging;
import ballast.host.translation.GuestMemory;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import ballast.host.ReclaimHosts.Kind;
import ballast.host.memory.Pmap;

/** Pre-copy between two hosts' cores: write tracking, rounds, install, release. */
class GuestTransferTest {
    static final int PAGES = 256;

    /** Maps and writes pages 0..n-1 of process 0 (VPN = page), tokens base + page. */
    static TestHosts.Stream fill(int n, long base) {
        TestHosts.Stream s = TestHosts.Stream.of();
        for (int p = 0; p < n; p++) {
            s.map(0, p, p).write(0, p, base + p);
        }
        return s;
    }

    static void run(HypervisorCore core, int guest, long tick, TestHosts.Stream s) {
        assertThat(core.apply(GuestWork.of(guest, tick, List.of(), s.ops(), s.values())).refusals()).isEmpty();
    }

    @Test
    void onlyPagesWrittenSinceTheLastRoundAreSentAgainAndTheGuestArrivesIntact() {
        HypervisorCore source = new HypervisorCore(TestHosts.settings(
                TestHosts.guest(0, "stay", TranslationMode.FULL, PAGES, 1),
                TestHosts.guest(1, "move", TranslationMode.FULL, PAGES, 1)));
        HypervisorCore dest = new HypervisorCore(TestHosts.settings(TestHosts.guest(0, "there", TranslationMode.FULL, PAGES, 1)));
        for (HypervisorCore c : List.of(source, dest)) {
            for (int g = 0; g < c.guestCount(); g++) {
                assertThat(c.boot(g, c.settings().guests().get(g).name(), new Refusal[1])).isNotNull();
            }
        }
        run(source, 1, 0, fill(100, 1000));
        run(source, 0, 0, fill(10, 5000));
        int freeBefore = source.frames().freeFrames();

        GuestTransfer.track(source, 1);
        int index = GuestTransfer.admit(dest, new GuestSpec(1, "move", TranslationMode.FULL, PAGES, 1));
        assertThat(index).isEqualTo(1);
        int[] first = GuestTransfer.takeRound(source, 1, true);
        assertThat(first).hasSize(100);
        assertThat(GuestTransfer.receive(dest, index, GuestTransfer.read(source, 1, first))).isNull();

        // the guest runs on: reads do not dirty, each written page counts once however often it is written
        TestHosts.Stream tick1 = TestHosts.Stream.of();
        for (int p = 0; p < 100; p++) {
            tick1.read(0, p);
        }
        tick1.write(0, 7, 77).write(0, 7, 78).write(0, 42, 4242).map(0, 150, 150).write(0, 150, 1500);
        run(source, 1, 1, tick1);
        assertThat(GuestTransfer.dirtyPages(source, 1)).isEqualTo(3);
        int[] second = GuestTransfer.takeRound(source, 1, false);
        assertThat(second).containsExactly(7, 42, 150);
        assertThat(GuestTransfer.dirtyPages(source, 1)).isZero();
        assertThat(GuestTransfer.receive(dest, index, GuestTransfer.read(source, 1, second))).isNull();

        // a write to a page whose writable entry was cached before the round began is still seen
        run(source, 1, 2, TestHosts.Stream.of().write(0, 42, 4343));
        int[] last = GuestTransfer.takeRound(source, 1, false);
        assertThat(last).containsExactly(42);
        assertThat(GuestTransfer.receive(dest, index, GuestTransfer.read(source, 1, last))).isNull();
        GuestTransfer.PageTables tables = GuestTransfer.tables(source, 1);
        assertThat(tables.keys()).hasSize(101);
        GuestTransfer.depart(source, 1);
        GuestTransfer.install(dest, index, tables.keys(), tables.ppns(), null);

        assertThat(source.frames().freeFrames()).isEqualTo(freeBefore + 100); // page 150 came after
        assertThat(source.isResident(1)).isFalse();
        assertThat(dest.isResident(1)).isTrue();
        assertThat(source.checkInvariants()).isEmpty();
        assertThat(dest.checkInvariants()).isEmpty();
        long[] keys = new long[101];
        long[] tokens = new long[101];
        for (int p = 0; p < 100; p++) {
            keys[p] = Ops.key(0, p);
            tokens[p] = p == 7 ? 78 : p == 42 ? 4343 : 1000 + p;
        }
        keys[100] = Ops.key(0, 150);
        tokens[100] = 1500;
        assertThat(dest.audit(1, keys, tokens)).isZero();
        assertThat(dest.boot(1, "move", new Refusal[1])).isNotNull();
        // it runs on the destination: reads go through hidden faults into the new frames
        TestHosts.Stream after = TestHosts.Stream.of().read(0, 7).write(0, 8, 88);
        run(dest, 1, 3, after);
        assertThat(dest.checkInvariants()).isEmpty();
        assertThat(dest.hostStats().guestPages()).isEqualTo(2L * PAGES);
        assertThat(source.hostStats().guestPages()).isEqualTo(PAGES);
    }

    @Test
    void aParaVirtualGuestsEntriesPointToItsNewFrames() {
        HypervisorCore source = new HypervisorCore(TestHosts.settings(TestHosts.guest(0, "pv", TranslationMode.PARA, 64, 1)));
        HypervisorCore dest = new HypervisorCore(TestHosts.settings());
        int[] p2m = source.boot(0, "pv", new Refusal[1]);
        long[] keys = {Ops.key(0, 3), Ops.key(0, 4)};
        run(source, 0, 0, TestHosts.Stream.of());
        assertThat(source.apply(GuestWork.of(0, 1, List.of(new ballast.abi.MmuUpdate(keys, new int[] {p2m[3], p2m[4]})),
                TestHosts.Stream.of().write(0, 3, 33).write(0, 4, 44).ops(), new long[] {33, 44})).refusals()).isEmpty();
        GuestTransfer.track(source, 0);
        int index = GuestTransfer.admit(dest, new GuestSpec(0, "pv", TranslationMode.PARA, 64, 1));
        int[] all = GuestTransfer.takeRound(source, 0, true);
        assertThat(all).hasSize(64); // a para-virtual guest is backed whole
        assertThat(GuestTransfer.receive(dest, index, GuestTransfer.read(source, 0, all))).isNull();
        GuestTransfer.PageTables tables = GuestTransfer.tables(source, 0);
        assertThat(tables.ppns()).containsExactly(3, 4);
        GuestTransfer.depart(source, 0);
        GuestTransfer.install(dest, index, tables.keys(), tables.ppns(), null);
        int[] newP2m = dest.boot(index, "pv", new Refusal[1]);
        assertThat(newP2m).hasSize(64);
        assertThat(dest.audit(index, keys, new long[] {33, 44})).isZero();
        assertThat(dest.checkInvariants()).isEmpty();
        assertThat(source.frames().freeFrames()).isEqualTo(TestHosts.TOTAL_FRAMES - TestHosts.RESERVED_FRAMES);
        assertThat(newP2m[3]).isNotEqualTo(FramePool.NO_FRAME);
    }

    @Test
    void aDestinationWithoutRoomRefusesABatchWholeAndChangesNothing() {
        HypervisorCore dest = new HypervisorCore(TestHosts.settings(TestHosts.guest(0, "big", TranslationMode.FULL, 3700, 1)));
        dest.boot(0, "big", new Refusal[1]);
        run(dest, 0, 0, fill(400, 1));
        int index = GuestTransfer.admit(dest, new GuestSpec(1, "in", TranslationMode.FULL, 4000, 1));
        int free = dest.frames().freeFrames();
        int[] ppns = new int[free + 1];
        for (int i = 0; i < ppns.length; i++) {
            ppns[i] = i;
        }
        assertThat(GuestTransfer.receive(dest, index, GuestTransfer.Pages.of(ppns, new long[ppns.length]))).contains("free frames");
        assertThat(dest.frames().freeFrames()).isEqualTo(free);
        assertThat(dest.checkInvariants()).isEmpty();
    }

    /** Sends one round of the guest from {@code source} to {@code dest}; returns its PPNs. */
    static int[] round(HypervisorCore source, int guest, HypervisorCore dest, int index, boolean all) {
        int[] ppns = GuestTransfer.takeRound(source, guest, all);
        assertThat(GuestTransfer.receive(dest, index, GuestTransfer.read(source, guest, ppns))).isNull();
        return ppns;
    }

    static int[] ballooned(GuestMemory g) {
        return java.util.stream.IntStream.range(0, g.pmap().pages()).filter(p -> g.pmap().state(p) == Pmap.BALLOONED).toArray();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReclaimedGuestArrivesWithItsBalloonAndItsSwappedPagesAndReadsBackWhatItWrote(Kind kind) {
        boolean para = kind == Kind.PARA;
        HypervisorCore source = new HypervisorCore(ReclaimHosts.host(1024, 16, ReclaimHosts.quiet(), false,
                kind.spec(0, 64)));
        HypervisorCore dest = new HypervisorCore(ReclaimHosts.host(1024, 16, ReclaimHosts.quiet(), false,
                ReclaimHosts.guest(0, TranslationMode.FULL, 32)));
        new ModelGuest(dest, 0).touch(0, 32, true).play();
        ModelGuest g = new ModelGuest(source, 0);
        g.touch(0, 48, true).play();
        g.inflate(40, 41, 42, 43, 44, 45, 46, 47).play();
        GuestMemory mem = g.memory();
        if (!para) {
            for (int ppn = 10; ppn < 16; ppn++) {
                assertThat(mem.paging().swapOutPage(ppn, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
            }
        }
        // the estimator has learnt something the destination should not forget
        mem.estimator().samplePages(64);
        mem.estimator().endPeriod();

        GuestTransfer.track(source, 0);
        int index = GuestTransfer.admit(dest, kind.spec(1, 64));
        int[] first = round(source, 0, dest, index, true);
        assertThat(first).hasSize(para ? 64 : 48); // the balloon's PPNs go as marks; untouched PPNs not at all
        assertThat(ballooned(dest.guest(index))).containsExactly(40, 41, 42, 43, 44, 45, 46, 47);

        // pre-copy: the guest writes, its balloon grows and shrinks, a sent page is swapped out
        g.write(0);
        g.write(1);
        g.inflate(20, 21).deflate(40, 41).play();
        if (!para) {
            assertThat(mem.paging().swapOutPage(5, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        }
        int[] second = round(source, 0, dest, index, false);
        assertThat(second).containsExactly(0, 1, 20, 21, 40, 41); // a swap-out changes no content: not sent
        g.touch(40, 42, true).play(); // the deflated pages are used again
        int[] last = round(source, 0, dest, index, false);
        assertThat(last).containsExactly(40, 41);

        int[] sourceBalloon = ballooned(mem);
        GuestTransfer.PageTables tables = GuestTransfer.tables(source, 0);
        var averages = GuestTransfer.workingSet(source, 0);
        GuestTransfer.depart(source, 0);
        GuestTransfer.install(dest, index, tables.keys(), tables.ppns(), averages);
        assertThat(source.frames().freeFrames()).isEqualTo(1024 - 16);
        assertThat(source.swap().used()).isZero();
        GuestMemory arrived = dest.guest(index);
        assertThat(ballooned(arrived)).containsExactly(sourceBalloon);
        assertThat(arrived.pmap().swappedPages()).isZero(); // what the source had swapped arrived in frames
        assertThat(arrived.estimator().averages()).isEqualTo(averages);
        assertThat(dest.balloonTarget(index)).isEqualTo(sourceBalloon.length); // kept until the next rebalance

        ModelGuest there = new ModelGuest(g, dest, index);
        assertThat(there.audit()).isZero();
        assertThat(dest.checkInvariants()).isEmpty();
        there.touch(0, 64, false).play(); // every page outside the balloon reads back what was written
        there.touch(0, 64, true).play();
        there.touch(0, 64, false).play();
        assertThat(arrived.counters().balloonPops()).isZero();
        assertThat(dest.checkInvariants()).isEmpty();
        assertThat(there.audit()).isZero();
    }

    @Test
    void aReclaimingDestinationPagesItsOwnGuestsOutToTakeAnArrival() {
        HypervisorCore dest = new HypervisorCore(ReclaimHosts.host(256, 16, ReclaimHosts.quiet(), false,
                ReclaimHosts.guest(0, TranslationMode.FULL, 200)));
        ModelGuest resident = new ModelGuest(dest, 0);
        resident.touch(0, 200, true).play();
        int free = dest.frames().freeFrames();
        assertThat(free).isEqualTo(256 - 16 - 200);
        int index = GuestTransfer.admit(dest, new GuestSpec(1, "in", TranslationMode.FULL, 64, 1));
        int[] ppns = java.util.stream.IntStream.range(0, 64).toArray();
        long[] tokens = java.util.stream.LongStream.range(0, 64).map(t -> 1000 + t).toArray();
        assertThat(GuestTransfer.receive(dest, index, GuestTransfer.Pages.of(ppns, tokens))).isNull();
        assertThat(dest.guest(0).pmap().swappedPages()).isEqualTo(64 - free);
        assertThat(dest.frames().freeFrames()).isZero();
        assertThat(dest.checkInvariants()).isEmpty();
        assertThat(resident.audit()).isZero(); // the paged-out pages read from swap
        resident.touch(0, 10, false).play();
    }

    @Test
    void aDestinationThatDoesNotReclaimRefusesWhatDoesNotFitAndChangesNothing() {
        HypervisorCore dest = new HypervisorCore(TestHosts.settings(TestHosts.guest(0, "big", TranslationMode.FULL, 3700, 1)));
        dest.boot(0, "big", new Refusal[1]);
        int index = GuestTransfer.admit(dest, new GuestSpec(1, "in", TranslationMode.FULL, 4000, 1));
        run(dest, 0, 0, fill(400, 1));
        int free = dest.frames().freeFrames();
        int[] ppns = java.util.stream.IntStream.range(0, free + 2).toArray();
        // two of the PPNs are marked ballooned and unbacked: still one frame short
        GuestTransfer.Pages batch = new GuestTransfer.Pages(java.util.Arrays.copyOf(ppns, free + 1), new long[free + 1],
                new int[] {free + 1}, new int[0]);
        assertThat(GuestTransfer.receive(dest, index, batch)).contains("free frames");
        assertThat(dest.frames().freeFrames()).isEqualTo(free);
        assertThat(dest.guest(index).pmap().balloonedPages()).isZero();
        assertThat(GuestTransfer.receive(dest, index, new GuestTransfer.Pages(new int[] {1}, new long[0], new int[0],
                new int[0]))).isEqualTo("malformed page batch");
        assertThat(GuestTransfer.receive(dest, index, new GuestTransfer.Pages(new int[0], new long[0], new int[] {4000},
                new int[0]))).contains("outside");
        assertThat(dest.checkInvariants()).isEmpty();
    }
}
