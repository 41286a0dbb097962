package ballast.host;

import ballast.host.translation.GuestPaging;
import ballast.host.translation.GuestMemory;
import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.abi.MmuUpdate;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.Pmap;
import ballast.abi.Tokens;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * What a guest wrote survives everything reclamation does to its pages: host swap-out and
 * swap-in, share before swap, balloon inflate and deflate, a popped balloon, and double paging.
 * Every read is checked through the read digest, every mapped page through the hypervisor's
 * audit, and the invariants after every step.
 */
class ReclaimContentTest {
    static final int PAGES = 64;

    static ModelGuest oneGuest(Kind kind, boolean sharing) {
        HypervisorCore core = new HypervisorCore(host(1024, 16, quiet(), sharing, kind.spec(0, PAGES)));
        return new ModelGuest(core, 0);
    }

    static void clean(ModelGuest g) {
        assertThat(g.core.checkInvariants()).isEmpty();
        assertThat(g.audit()).as("audit").isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "NESTED_SHADOW"})
    void contentsSurviveHostSwapOutAndSwapIn(Kind kind) {
        ModelGuest g = oneGuest(kind, false);
        g.touch(0, 32, true).play();
        g.touch(0, 32, false).play(); // TLB and shadow entries in place
        GuestMemory mem = g.memory();
        int free = g.core.frames().freeFrames();
        for (int ppn = 0; ppn < 32; ppn += 2) {
            assertThat(mem.paging().swapOutPage(ppn, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        }
        assertThat(mem.pmap().swappedPages()).isEqualTo(16);
        assertThat(mem.pmap().state(4)).isEqualTo(Pmap.SWAPPED);
        assertThat(mem.pmap().mpn(4)).isEqualTo(FramePool.NO_FRAME);
        assertThat(g.core.frames().freeFrames()).isEqualTo(free + 16);
        assertThat(g.core.swap().used()).isEqualTo(16);
        clean(g); // the audit reads the swapped pages from swap

        long overheadBefore = mem.cpu().overheadCyclesByKind()[CpuAccount.HOST_SWAP_IN];
        g.touch(0, 32, false).play();
        assertThat(mem.counters().hostSwapIns()).isEqualTo(16);
        assertThat(mem.paging().hostSwapOuts()).isEqualTo(16);
        assertThat(mem.pmap().swappedPages()).isZero();
        assertThat(g.core.swap().used()).isZero();
        assertThat(mem.cpu().overheadCyclesByKind()[CpuAccount.HOST_SWAP_IN] - overheadBefore)
                .isEqualTo(16 * ReclaimHosts.SWAP_IN_CYCLES);
        clean(g);
        g.touch(0, 32, true).play();
        g.touch(0, 32, false).play();
        clean(g);
    }

    @Test
    void aParaVirtualGuestIsNeverSwappedByTheHost() {
        ModelGuest g = oneGuest(Kind.PARA, false);
        g.touch(0, 8, true).play();
        assertThat(g.memory().paging().swapOutPage(3, false)).isEqualTo(GuestPaging.KEPT);
        assertThat(g.memory().pmap().state(3)).isEqualTo(Pmap.BACKED);
        assertThat(g.core.swap().used()).isZero();
    }

    @Test
    void aFullSwapKeepsThePage() {
        HypervisorCore core = new HypervisorCore(host(1024, 16, ReclaimHosts.reclaim(true, "shares", 0, 1000, 1000, 100, 2, 0),
                false, Kind.FULL.spec(0, PAGES)));
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, 4, true).play();
        assertThat(g.memory().paging().swapOutPage(0, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        assertThat(g.memory().paging().swapOutPage(1, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        assertThat(g.memory().paging().swapOutPage(2, false)).isEqualTo(GuestPaging.KEPT);
        assertThat(g.memory().pmap().state(2)).isEqualTo(Pmap.BACKED);
        clean(g);
        g.touch(0, 4, false).play();
        clean(g);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "NESTED_SHADOW"})
    void shareBeforeSwapMergesIntoASharedFrameWithTheSameContent(Kind kind) {
        ModelGuest g = oneGuest(kind, true);
        long common = Tokens.nonZero(7, 7);
        g.write(0, common).write(1, common).write(2, Tokens.ZERO).write(3, Tokens.ZERO).write(4, common + 1).play();
        GuestMemory mem = g.memory();
        // the page-sharing daemon's earlier work: pages 0 and 2 are shared frames
        mem.makeShared(0, mem.pmap().mpn(0));
        mem.makeShared(2, mem.pmap().mpn(2));
        g.touch(0, 5, false).play();
        int free = g.core.frames().freeFrames();

        assertThat(mem.paging().swapOutPage(1, true)).isEqualTo(GuestPaging.SHARED_INSTEAD);
        assertThat(mem.paging().swapOutPage(3, true)).isEqualTo(GuestPaging.SHARED_INSTEAD);
        assertThat(mem.paging().swapOutPage(4, true)).isEqualTo(GuestPaging.SWAPPED_OUT); // no shared frame holds it
        assertThat(mem.pmap().mpn(1)).isEqualTo(mem.pmap().mpn(0));
        assertThat(mem.pmap().mpn(3)).isEqualTo(mem.pmap().mpn(2));
        assertThat(mem.paging().sharedBeforeSwap()).isEqualTo(2);
        assertThat(g.core.swap().used()).isEqualTo(1);
        assertThat(g.core.frames().freeFrames()).isEqualTo(free + 3);
        assertThat(g.core.hostReclaim().sharedBeforeSwap()).isEqualTo(2);
        clean(g);
        g.touch(0, 5, false).play();
        g.write(1); // breaks copy-on-write
        g.touch(0, 5, false).play();
        clean(g);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void contentsSurviveInflateAndDeflateCycles(Kind kind) {
        ModelGuest g = oneGuest(kind, false);
        GuestMemory mem = g.memory();
        g.touch(0, PAGES, true).play();
        for (int cycle = 0; cycle < 3; cycle++) {
            int free = g.core.frames().freeFrames();
            int[] balloon = new int[16];
            for (int i = 0; i < 16; i++) {
                balloon[i] = (cycle * 16 + i * 3) % PAGES;
            }
            g.inflate(balloon);
            g.touch(0, PAGES, false); // reads the rest (the OS does not touch the pages its driver holds)
            TickResult r = g.play();
            assertThat(r.balloonStatus()).as("status").isZero();
            assertThat(r.refusals()).isEmpty();
            assertThat(mem.pmap().balloonedPages()).isEqualTo(16);
            for (int ppn : balloon) {
                assertThat(mem.pmap().state(ppn)).isEqualTo(Pmap.BALLOONED);
                assertThat(mem.pmap().mpn(ppn)).isEqualTo(FramePool.NO_FRAME);
            }
            assertThat(g.core.frames().freeFrames()).isEqualTo(free + 16);
            clean(g);

            g.deflate(balloon);
            r = g.play();
            assertThat(r.refusals()).isEmpty();
            assertThat(mem.pmap().balloonedPages()).isZero();
            if (kind == Kind.PARA) {
                // a para-virtual guest gets frames at once, and learned them from the remap notice
                for (int ppn : balloon) {
                    assertThat(mem.pmap().state(ppn)).isEqualTo(Pmap.BACKED);
                    assertThat(g.p2m[ppn]).isEqualTo(mem.pmap().mpn(ppn));
                }
                assertThat(g.core.frames().freeFrames()).isEqualTo(free);
            } else {
                for (int ppn : balloon) {
                    assertThat(mem.pmap().state(ppn)).isEqualTo(Pmap.UNBACKED);
                }
                assertThat(g.core.frames().freeFrames()).isEqualTo(free + 16);
            }
            clean(g);
            g.touch(0, PAGES, false).play(); // the deflated pages read as zero pages
            g.touch(0, PAGES, true).play();
            clean(g);
        }
        assertThat(mem.counters().balloonPops()).isZero();
    }

    @Test
    void inflateOfSharedAndSwappedPagesFreesWhatTheyHeld() {
        ModelGuest g = oneGuest(Kind.FULL, true);
        GuestMemory mem = g.memory();
        long common = Tokens.nonZero(9, 9);
        g.write(0, common).write(1, common).touch(2, 8, true).play();
        mem.makeShared(0, mem.pmap().mpn(0));
        assertThat(mem.paging().swapOutPage(1, true)).isEqualTo(GuestPaging.SHARED_INSTEAD);
        assertThat(mem.paging().swapOutPage(2, true)).isEqualTo(GuestPaging.SWAPPED_OUT);
        int sharedMpn = mem.pmap().mpn(0);
        g.inflate(1, 2).play();
        assertThat(g.core.frames().refcount(sharedMpn)).isEqualTo(1);
        assertThat(g.core.swap().used()).isZero();
        clean(g);
        g.inflate(0).play(); // the shared frame's last reference: freed
        assertThat(g.core.frames().owner(sharedMpn)).isEqualTo(FramePool.FREE);
        clean(g);
        g.touch(3, 8, false).play();
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "NESTED_SHADOW"})
    void aTouchOfABalloonedPagePopsTheBalloon(Kind kind) {
        ModelGuest g = oneGuest(kind, false);
        GuestMemory mem = g.memory();
        g.touch(0, 32, true).play();
        g.inflate(10, 11, 12, 13, 14, 15).play();
        assertThat(mem.pmap().balloonedPages()).isEqualTo(6);
        int free = g.core.frames().freeFrames();

        // the guest OS uses page 12 although its driver gave it away: it reads a fresh zero page
        g.read(12);
        g.write(20);
        TickResult r = g.play();
        assertThat(r.balloonStatus() & TickResult.POPPED).isEqualTo(TickResult.POPPED);
        assertThat(mem.counters().balloonPops()).isEqualTo(1);
        assertThat(mem.pmap().balloonedPages()).isZero();
        assertThat(mem.pmap().state(12)).isEqualTo(Pmap.BACKED);
        assertThat(g.core.frames().token(mem.pmap().mpn(12))).isEqualTo(Tokens.ZERO);
        for (int ppn : new int[] {10, 11, 13, 14, 15}) {
            assertThat(mem.pmap().state(ppn)).isEqualTo(Pmap.UNBACKED);
        }
        assertThat(g.core.frames().freeFrames()).isEqualTo(free - 1);
        assertThat(g.balloonSize).isZero(); // the driver reset
        assertThat(g.core.guestStats(0, null).reclaim().balloonPops()).isEqualTo(1);
        clean(g);
        g.touch(0, 32, false).play();
        g.touch(0, 32, true).play();
        clean(g);
        // the balloon works again after a pop
        g.inflate(1, 2).play();
        assertThat(mem.pmap().balloonedPages()).isEqualTo(2);
        clean(g);
    }

    @Test
    void aPopInTheSameTickAsAnInflateEmptiesTheBalloonBeforeItAndTheInflateIsTheNewBalloon() {
        ModelGuest g = oneGuest(Kind.NESTED, false);
        GuestMemory mem = g.memory();
        g.touch(0, 16, true).play();
        g.inflate(3, 4, 7).play();
        int free = g.core.frames().freeFrames();
        g.read(3).inflate(5, 6).deflate(7);
        TickResult r = g.play();
        assertThat(r.balloonStatus()).isEqualTo(TickResult.POPPED); // the deflate found 7 out already: no refusal
        assertThat(r.refusals()).isEmpty();
        assertThat(mem.pmap().balloonedPages()).isEqualTo(2);
        assertThat(mem.pmap().state(5)).isEqualTo(Pmap.BALLOONED); // inflated after the pop: the new balloon
        assertThat(mem.pmap().state(6)).isEqualTo(Pmap.BALLOONED);
        assertThat(mem.pmap().state(4)).isEqualTo(Pmap.UNBACKED);
        assertThat(mem.pmap().state(7)).isEqualTo(Pmap.UNBACKED);
        assertThat(g.balloonSize).isEqualTo(2); // the driver's count agrees
        assertThat(g.core.frames().freeFrames()).isEqualTo(free + 2 - 1); // 5 and 6 freed, 3 backed afresh
        clean(g);
        g.deflate(5, 6).play();
        assertThat(mem.pmap().balloonedPages()).isZero();
        clean(g);
    }

    @Test
    void aParaVirtualGuestCannotMapABalloonedPage() {
        ModelGuest g = oneGuest(Kind.PARA, false);
        g.touch(0, 8, true).play();
        int oldMpn = g.p2m[5];
        g.inflate(5).play();
        long[] keys = {ModelGuest.key(5)};
        TickResult r = g.core.apply(GuestWork.of(0, 99, List.of(new MmuUpdate(keys, new int[] {oldMpn}, new int[] {5})), new long[0],
                new long[0]));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.FRAME_NOT_OWNED);
        assertThat(g.memory().counters().balloonPops()).isZero();
        clean(g);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "NESTED_SHADOW"})
    void doublePagingIsCountedExactlyWhenAPageOutNamesASwappedPage(Kind kind) {
        ModelGuest g = oneGuest(kind, false);
        GuestMemory mem = g.memory();
        g.touch(0, 16, true).play();
        mem.paging().swapOutPage(2, false);
        mem.paging().swapOutPage(5, false);
        mem.paging().swapOutPage(9, false);
        g.pageOut(2).pageOut(3).pageOut(4).play(); // only 2 was swapped
        assertThat(mem.paging().doublePagings()).isEqualTo(1);
        assertThat(mem.counters().hostSwapIns()).isEqualTo(1);
        assertThat(mem.pmap().state(2)).isEqualTo(Pmap.BACKED);
        clean(g);
        g.pageOut(5).pageOut(5).pageOut(6).play(); // 5 twice: swapped in by the first, resident for the second
        assertThat(mem.paging().doublePagings()).isEqualTo(2);
        g.pageOut(7).play();
        assertThat(mem.paging().doublePagings()).isEqualTo(2);
        assertThat(g.core.guestStats(0, null).reclaim().doublePagings()).isEqualTo(2);
        assertThat(g.core.hostReclaim().doublePagings()).isEqualTo(2);
        assertThat(mem.pmap().state(9)).isEqualTo(Pmap.SWAPPED);
        clean(g);
        g.touch(0, 16, false).play();
        clean(g);
    }

    @Test
    void theAuditCountsAMappedBalloonedPageAsADifference() {
        ModelGuest g = oneGuest(Kind.FULL, false);
        g.touch(0, 8, true).play();
        // hand page 3 over without unmapping it (a guest bug): the hypervisor drops its shadow entries
        g.core.apply(GuestWork.of(0, 50, List.of(), new long[0], new long[0], null,
                new ballast.abi.Reservation(new int[0], new int[] {3}, new int[0])));
        assertThat(g.core.checkInvariants()).isEmpty();
        assertThat(g.audit()).isEqualTo(1);
    }

    @Test
    void releasingAGuestFreesItsSwapSlotsAndForgetsItsBalloon() {
        ModelGuest g = oneGuest(Kind.FULL, false);
        g.touch(0, 16, true).play();
        g.memory().paging().swapOutPage(1, false);
        g.memory().paging().swapOutPage(2, false);
        g.inflate(3, 4).play();
        g.core.releaseGuest(0);
        assertThat(g.core.swap().used()).isZero();
        assertThat(g.memory().pmap().balloonedPages()).isZero();
        assertThat(g.memory().pmap().swappedPages()).isZero();
        assertThat(g.core.checkInvariants()).isEmpty();
        assertThat(g.core.frames().freeFrames()).isEqualTo(1024 - 16);
    }

    @Test
    void guestModesAreCoveredByKinds() {
        assertThat(Kind.NESTED_SHADOW.spec(0, 8).technique().shadowPaging()).isTrue();
        assertThat(Kind.NESTED.spec(0, 8).technique().shadowPaging()).isFalse();
        assertThat(Kind.PARA.spec(0, 8).mode()).isEqualTo(TranslationMode.PARA);
    }
}
