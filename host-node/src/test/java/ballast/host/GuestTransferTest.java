package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.abi.Ops;
import ballast.host.abi.Refusal;
import ballast.host.abi.TranslationMode;
import ballast.host.memory.FramePool;
import java.util.List;
import org.junit.jupiter.api.Test;

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
        assertThat(core.apply(guest, tick, List.of(), s.ops(), s.values()).refusals()).isEmpty();
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
        assertThat(GuestTransfer.receive(dest, index, first, GuestTransfer.read(source, 1, first))).isNull();

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
        assertThat(GuestTransfer.receive(dest, index, second, GuestTransfer.read(source, 1, second))).isNull();

        // a write to a page whose writable entry was cached before the round began is still seen
        run(source, 1, 2, TestHosts.Stream.of().write(0, 42, 4343));
        int[] last = GuestTransfer.takeRound(source, 1, false);
        assertThat(last).containsExactly(42);
        assertThat(GuestTransfer.receive(dest, index, last, GuestTransfer.read(source, 1, last))).isNull();
        GuestTransfer.PageTables tables = GuestTransfer.tables(source, 1);
        assertThat(tables.keys()).hasSize(101);
        GuestTransfer.depart(source, 1);
        GuestTransfer.install(dest, index, tables.keys(), tables.ppns());

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
        assertThat(source.apply(0, 1, List.of(new ballast.host.abi.MmuUpdate(keys, new int[] {p2m[3], p2m[4]})),
                TestHosts.Stream.of().write(0, 3, 33).write(0, 4, 44).ops(), new long[] {33, 44}).refusals()).isEmpty();
        GuestTransfer.track(source, 0);
        int index = GuestTransfer.admit(dest, new GuestSpec(0, "pv", TranslationMode.PARA, 64, 1));
        int[] all = GuestTransfer.takeRound(source, 0, true);
        assertThat(all).hasSize(64); // a para-virtual guest is backed whole
        assertThat(GuestTransfer.receive(dest, index, all, GuestTransfer.read(source, 0, all))).isNull();
        GuestTransfer.PageTables tables = GuestTransfer.tables(source, 0);
        assertThat(tables.ppns()).containsExactly(3, 4);
        GuestTransfer.depart(source, 0);
        GuestTransfer.install(dest, index, tables.keys(), tables.ppns());
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
        assertThat(GuestTransfer.receive(dest, index, ppns, new long[ppns.length])).contains("free frames");
        assertThat(dest.frames().freeFrames()).isEqualTo(free);
        assertThat(dest.checkInvariants()).isEmpty();
    }
}
