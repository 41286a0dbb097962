package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.FreePageReport;
import ballast.abi.MemoryHotplug;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.host.ReclaimHosts.Kind;
import ballast.host.hotplug.HotplugSpec;
import ballast.host.memory.Pmap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hypervisor's side of memory hotplug: a plug within the requested size backs nothing until
 * touched; an unplug frees whatever backs its blocks (frames, swap slots) through the free page
 * report's path and the host refuses any later touch, balloon call or report of an unplugged PPN;
 * a bad request is refused whole with its typed reason and changes nothing; the invariants hold and
 * catch an unplugged PPN that is backed.
 */
class HotplugCallsTest {
    static final int PAGES = 64;
    static final int BLOCK = 8;

    /** A host with guest 0 (a hotplug device of 8-page blocks, 32 pages plugged) and guest 1 (none). */
    static HypervisorCore core(Kind kind) {
        return new HypervisorCore(host(16 + 2 * PAGES, 16, quiet(), false,
                kind.spec(0, PAGES).withHotplug(new HotplugSpec(BLOCK, 32)), Kind.FULL.spec(1, PAGES)));
    }

    static TickResult apply(HypervisorCore core, int guest, long tick, long[] ops, long[] values, Reservation r,
                            List<FreePageReport> reports, List<MemoryHotplug> hotplug) {
        return core.apply(new GuestWork(guest, tick, List.of(), ops, ops.length, values, values.length, null, r, null,
                reports, hotplug));
    }

    static TickResult hotplug(HypervisorCore core, long tick, MemoryHotplug... requests) {
        return apply(core, 0, tick, new long[0], new long[0], null, List.of(), List.of(requests));
    }

    static MemoryHotplug plug(int... firsts) {
        return new MemoryHotplug(true, BLOCK, firsts);
    }

    static MemoryHotplug unplug(int... firsts) {
        return new MemoryHotplug(false, BLOCK, firsts);
    }

    /** Ops mapping PPN {@code ppn} at key(ppn) and writing a token there. */
    static long[][] mapAndWrite(int... ppns) {
        long[] ops = new long[2 * ppns.length];
        long[] values = new long[2 * ppns.length];
        for (int i = 0; i < ppns.length; i++) {
            ops[2 * i] = Ops.op(Ops.MAP, ModelGuest.key(ppns[i]));
            values[2 * i] = ppns[i];
            ops[2 * i + 1] = Ops.op(Ops.WRITE, ModelGuest.key(ppns[i]));
            values[2 * i + 1] = 0x5000L + ppns[i];
        }
        return new long[][] {ops, values};
    }

    static long[] unmapOps(int from, int to) {
        long[] ops = new long[to - from];
        for (int i = from; i < to; i++) {
            ops[i - from] = Ops.op(Ops.UNMAP, ModelGuest.key(i));
        }
        return ops;
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "NESTED_SHADOW"})
    void aPlugWithinTheRequestedSizeBacksNothingAndItsPagesAreBackedOnFirstTouch(Kind kind) {
        HypervisorCore core = core(kind);
        new ModelGuest(core, 0).touch(0, 32, true).play();
        assertThat(core.tickStart(0, 1, false).requestedPages()).isEqualTo(32);
        assertThat(core.tickStart(1, 1, false).requestedPages()).as("a guest without a device").isEqualTo(-1);
        assertThat(core.resize(0, 48)).isNull();
        assertThat(core.tickStart(0, 1, false).requestedPages()).isEqualTo(48);
        long free = core.frames().freeFrames();

        TickResult r = hotplug(core, 1, plug(32, 40));
        assertThat(r.refusals()).isEmpty();
        assertThat(r.refusedHotplug()).isZero();
        assertThat(core.frames().freeFrames()).as("a plug allocates nothing").isEqualTo(free);
        assertThat(core.guest(0).hotplug().pluggedPages()).isEqualTo(48);
        assertThat(core.checkInvariants()).isEmpty();

        long[][] w = mapAndWrite(33, 47);
        r = apply(core, 0, 2, w[0], w[1], null, List.of(), List.of());
        assertThat(r.refusals()).isEmpty();
        assertThat(core.guest(0).pmap().state(33)).isEqualTo(Pmap.BACKED);
        assertThat(core.frames().freeFrames()).isEqualTo(free - 2);
        assertThat(core.checkInvariants()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "NESTED_SHADOW"})
    void anUnplugFreesEveryBackingOfItsBlocksAndTheHostRefusesAnyLaterTouchOfThem(Kind kind) {
        HypervisorCore core = core(kind);
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, 32, true).play();
        g.memory().paging().swapOutPage(26, false);
        assertThat(core.swap().used()).isEqualTo(1);
        // the guest moved its pages out of 16..31 (unmapped here), then unplugs those blocks
        apply(core, 0, 1, unmapOps(16, 32), new long[0], null, List.of(), List.of());
        long free = core.frames().freeFrames();
        assertThat(core.resize(0, 16)).isNull();
        TickResult r = hotplug(core, 2, unplug(24, 16));
        assertThat(r.refusals()).isEmpty();
        assertThat(core.frames().freeFrames() - free).as("frames back to the host").isEqualTo(15);
        assertThat(core.swap().used()).as("the swapped page's slot is freed too").isZero();
        for (int ppn = 16; ppn < 32; ppn++) {
            assertThat(core.guest(0).pmap().state(ppn)).as("PPN %d", ppn).isEqualTo(Pmap.UNBACKED);
        }
        assertThat(core.guest(0).hotplug().pluggedPages()).isEqualTo(16);
        assertThat(core.guest(0).hotplug().blocksUnplugged()).isEqualTo(2);
        assertThat(core.checkInvariants()).isEmpty();

        // forged touches of unplugged PPNs: a mapping, a balloon inflate, a page-out, a free page report
        long[] probes = new long[PAGES];
        for (int i = 0; i < PAGES; i++) {
            probes[i] = ModelGuest.key(i);
        }
        List<String> before = StateFingerprint.of(core, probes);
        long[][] w = mapAndWrite(20);
        r = apply(core, 0, 3, w[0], w[1], null, List.of(), List.of());
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.BLOCK_UNPLUGGED);
        assertThat(r.reads()).isZero();
        r = apply(core, 0, 4, new long[0], new long[0], new Reservation(new int[0], new int[] {21}, new int[0]),
                List.of(), List.of());
        assertThat(r.balloonStatus() & TickResult.INFLATE_REFUSED).isNotZero();
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.BLOCK_UNPLUGGED);
        r = apply(core, 0, 5, new long[0], new long[0], new Reservation(new int[] {22}, new int[0], new int[0]),
                List.of(), List.of());
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.BLOCK_UNPLUGGED);
        r = apply(core, 0, 6, new long[0], new long[0], null, List.of(new FreePageReport(3, new int[] {16})), List.of());
        assertThat(r.refusedReports()).isEqualTo(1L);
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.BLOCK_UNPLUGGED);
        assertThat(StateFingerprint.of(core, probes)).isEqualTo(before);
        assertThat(core.checkInvariants()).isEmpty();

        // the pages still plugged read back what was written
        assertThat(g.read(3).read(15).play().refusals()).isEmpty();
        assertThat(core.checkInvariants()).isEmpty();
    }

    /** Guest 0: pages 0..31 written; 30 in the balloon; resized to 40 pages (one block may be plugged). */
    static HypervisorCore primed() {
        HypervisorCore core = core(Kind.FULL);
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, 32, true).play();
        g.inflate(30).play();
        assertThat(core.resize(0, 40)).isNull();
        return core;
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("a plug beyond the requested size", 0, plug(32, 40), RefusalReason.OVER_REQUESTED),
                Arguments.of("a plug of a plugged block", 0, plug(8), RefusalReason.BLOCK_PLUGGED),
                Arguments.of("an unplug of an unplugged block", 0, unplug(48), RefusalReason.BLOCK_UNPLUGGED),
                Arguments.of("an unplug of a block a page still maps", 0, unplug(8), RefusalReason.BLOCK_IN_USE),
                Arguments.of("an unplug of a block holding a ballooned page", 0, unplug(24), RefusalReason.BLOCK_IN_USE),
                Arguments.of("a block size other than the device's", 0, new MemoryHotplug(true, 4, new int[] {32}),
                        RefusalReason.BLOCK_NOT_ALIGNED),
                Arguments.of("a block not at a multiple of its size", 0, plug(36), RefusalReason.BLOCK_NOT_ALIGNED),
                Arguments.of("a block named twice", 0, plug(32, 32), RefusalReason.BLOCK_NOT_ALIGNED),
                Arguments.of("a block past the device", 0, plug(PAGES), RefusalReason.PPN_OUT_OF_RANGE),
                Arguments.of("a negative PPN", 0, plug(-8), RefusalReason.PPN_OUT_OF_RANGE),
                Arguments.of("too many blocks", 0, new MemoryHotplug(true, BLOCK, new int[MemoryHotplug.MAX_BLOCKS + 1]),
                        RefusalReason.BATCH_TOO_LARGE),
                Arguments.of("a guest without a device", 1, plug(32), RefusalReason.NO_HOTPLUG_DEVICE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestIsRefusedWholeWithItsReasonAndChangesNothing(String what, int guest, MemoryHotplug bad,
                                                                 RefusalReason reason) {
        HypervisorCore core = primed();
        long[] probes = new long[PAGES];
        for (int i = 0; i < PAGES; i++) {
            probes[i] = ModelGuest.key(i);
        }
        List<String> before = StateFingerprint.of(core, probes);
        long refusedBefore = core.guest(guest).counters().refusedHypercalls();
        TickResult r = apply(core, guest, 2, new long[0], new long[0], null, List.of(), List.of(bad));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(reason);
        assertThat(r.refusals()).extracting(Refusal::index).containsExactly(0);
        assertThat(r.refusedHotplug()).isEqualTo(1L);
        assertThat(core.guest(guest).counters().refusedHypercalls() - refusedBefore).isEqualTo(1);
        assertThat(StateFingerprint.of(core, probes)).isEqualTo(before);
        assertThat(core.guest(0).hotplug().pluggedPages()).isEqualTo(32);
        assertThat(core.checkInvariants()).isEmpty();
    }

    @Test
    void aGoodRequestInTheSameTickIsAppliedWhateverBecameOfABadOne() {
        HypervisorCore core = primed();
        TickResult r = hotplug(core, 2, plug(8), plug(32));
        assertThat(r.refusedHotplug()).isEqualTo(1L);
        assertThat(core.guest(0).hotplug().pluggedPages()).isEqualTo(40);
        assertThat(core.guest(0).hotplug().blocksPlugged()).isEqualTo(1);
    }

    @Test
    void aResizeMustBeAMultipleOfTheBlockWithinTheDeviceOfAGuestThatHasOne() {
        HypervisorCore core = primed();
        assertThat(core.resize(0, 12)).contains("not a multiple of the hotplug block of 8 pages");
        assertThat(core.resize(0, PAGES + BLOCK)).contains("exceeds the device's 64 pages");
        assertThat(core.resize(1, 8)).contains("g1 has no memory hotplug device");
        assertThat(core.guest(0).hotplug().requestedPages()).isEqualTo(40);
    }

    @Test
    void theInvariantsCatchAnUnpluggedPpnThatIsBacked() {
        HypervisorCore core = core(Kind.FULL);
        new ModelGuest(core, 0).touch(0, 8, true).play();
        assertThat(core.checkInvariants()).isEmpty();
        core.guest(0).backing(40); // what a touch the host failed to refuse would do
        assertThat(core.checkInvariants()).anyMatch(v -> v.contains("hotplug: g0 unplugged PPN 40"));
    }

    @Test
    void aParaVirtualGuestCannotHaveAHotplugDevice() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Kind.PARA.spec(0, PAGES).withHotplug(new HotplugSpec(BLOCK, 32)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("para-virtual");
    }
}
