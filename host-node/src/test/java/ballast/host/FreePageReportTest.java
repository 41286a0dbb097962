package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.FreePageReport;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.host.ReclaimHosts.Kind;
import ballast.host.memory.Pmap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hypervisor's side of free page reporting: an accepted report frees every frame (and swap
 * slot, and share of a shared frame) behind its blocks, leaving the PPNs the guest's, unbacked; the
 * next touch backs a page again (a zero page: the reported content is gone, and the guest wrote
 * nothing it expects back); frame counts, invariants and the audit agree all along. A bad report
 * is refused whole with its typed reason and changes nothing.
 */
class FreePageReportTest {
    static final int PAGES = 64;

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "NESTED_SHADOW"})
    void aReportFreesTheFramesBehindItsBlocksAndTheNextTouchBacksThemAgain(Kind kind) {
        HypervisorCore core = new HypervisorCore(host(16 + 2 * PAGES, 16, quiet(), false, kind.spec(0, PAGES)));
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, 48, true).play();
        g.memory().paging().swapOutPage(9, false); // one page of a reported block is in host swap
        assertThat(core.swap().used()).isEqualTo(1);
        long free = core.frames().freeFrames();
        assertThat(core.guest(0).pmap().backedPages()).isEqualTo(47);

        // blocks of 8 pages at 8 and 24 (pages 8..15 and 24..31 are free in the guest), and 40..47 of order 3
        TickResult r = g.report(3, 8, 24).report(2, 44).play();
        assertThat(r.refusals()).isEmpty();
        assertThat(r.refusedReports()).isZero();
        assertThat(core.frames().freeFrames() - free).as("frames back to the host").isEqualTo(7 + 8 + 4);
        assertThat(core.swap().used()).as("the swapped page's slot is freed too").isZero();
        Pmap pmap = core.guest(0).pmap();
        for (int ppn : new int[] {8, 9, 15, 24, 31, 44, 47}) {
            assertThat(pmap.state(ppn)).as("PPN %d", ppn).isEqualTo(Pmap.UNBACKED);
        }
        assertThat(pmap.state(7)).isEqualTo(Pmap.BACKED);
        assertThat(pmap.state(43)).isEqualTo(Pmap.BACKED);
        assertThat(core.guest(0).counters().pagesReported()).isEqualTo(20);
        assertThat(core.guest(0).counters().freePageReports()).isEqualTo(2);
        assertThat(core.guestStats(0, null).pagesReported()).isEqualTo(20);
        assertThat(core.hostStats().pagesReported()).isEqualTo(20);
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(g.audit()).isZero();

        // the guest reads some reported pages (zero pages now) and rewrites others: backed again
        g.read(8).read(9).write(24);
        g.write(45);
        g.play();
        assertThat(core.frames().freeFrames() - free).isEqualTo(19 - 4);
        assertThat(pmap.state(8)).isEqualTo(Pmap.BACKED);
        assertThat(pmap.state(24)).isEqualTo(Pmap.BACKED);
        g.touch(0, 8, false).touch(16, 24, false).read(24).read(45).play();
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(g.audit()).isZero();
    }

    /** A host with a full guest (0) and a para-virtual guest (1): pages touched, 50..52 ballooned, 7 swapped. */
    static final class Primed {
        final HypervisorCore core;
        final long[] probes = new long[PAGES];

        Primed() {
            core = new HypervisorCore(host(1024, 16, quiet(), false, Kind.FULL.spec(0, PAGES), Kind.PARA.spec(1, PAGES)));
            ModelGuest full = new ModelGuest(core, 0);
            ModelGuest para = new ModelGuest(core, 1);
            full.touch(0, 40, true).play();
            para.touch(0, 40, true).play();
            full.inflate(50, 51, 52).play();
            full.memory().paging().swapOutPage(7, false);
            for (int i = 0; i < PAGES; i++) {
                probes[i] = ModelGuest.key(i);
            }
        }
    }

    static Stream<Arguments> badReports() {
        return Stream.of(
                Arguments.of("a block not aligned to its size", 0, new FreePageReport(2, new int[] {0, 6}),
                        RefusalReason.BLOCK_NOT_ALIGNED),
                Arguments.of("an order above the largest", 0, new FreePageReport(FreePageReport.MAX_ORDER + 1, new int[] {0}),
                        RefusalReason.BLOCK_NOT_ALIGNED),
                Arguments.of("a negative order", 0, new FreePageReport(-1, new int[] {0}), RefusalReason.BLOCK_NOT_ALIGNED),
                Arguments.of("a block named twice", 0, new FreePageReport(1, new int[] {4, 8, 4}),
                        RefusalReason.BLOCK_NOT_ALIGNED),
                Arguments.of("a block past the guest's memory", 0, new FreePageReport(3, new int[] {8, PAGES}),
                        RefusalReason.PPN_OUT_OF_RANGE),
                Arguments.of("a negative PPN", 0, new FreePageReport(0, new int[] {-1}), RefusalReason.PPN_OUT_OF_RANGE),
                Arguments.of("a block holding a ballooned page", 0, new FreePageReport(2, new int[] {4, 48}),
                        RefusalReason.ALREADY_BALLOONED),
                Arguments.of("too many blocks", 0, new FreePageReport(0, new int[FreePageReport.MAX_BLOCKS + 1]),
                        RefusalReason.BATCH_TOO_LARGE),
                Arguments.of("a para-virtual guest's report", 1, new FreePageReport(3, new int[] {40}),
                        RefusalReason.PARAVIRTUAL_REPORT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badReports")
    void aBadReportIsRefusedWholeWithItsReasonAndChangesNothing(String what, int guest, FreePageReport bad,
                                                                RefusalReason reason) {
        Primed p = new Primed();
        List<String> before = StateFingerprint.of(p.core, p.probes);
        long refusedBefore = p.core.guest(guest).counters().refusedHypercalls();
        TickResult r = p.core.apply(new GuestWork(guest, 9, List.of(), new long[0], 0, new long[0], 0, null, null, null,
                List.of(bad)));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(reason);
        assertThat(r.refusals()).extracting(Refusal::index).containsExactly(0);
        assertThat(r.refusedReports()).isEqualTo(1L);
        assertThat(p.core.guest(guest).counters().refusedHypercalls() - refusedBefore).isEqualTo(1);
        assertThat(p.core.guest(guest).counters().pagesReported()).isZero();
        assertThat(StateFingerprint.of(p.core, p.probes)).isEqualTo(before);
        assertThat(p.core.checkInvariants()).isEmpty();
    }

    @ParameterizedTest(name = "{0}, next to a good one")
    @MethodSource("badReports")
    void aGoodReportInTheSameTickIsAppliedWhateverBecameOfABadOne(String what, int guest, FreePageReport bad,
                                                                  RefusalReason reason) {
        if (guest != 0) {
            return;
        }
        Primed p = new Primed();
        long free = p.core.frames().freeFrames();
        TickResult r = p.core.apply(new GuestWork(0, 9, List.of(), new long[0], 0, new long[0], 0, null, null, null,
                List.of(new FreePageReport(3, new int[] {32}), bad)));
        assertThat(r.refusedReports()).isEqualTo(2L);
        assertThat(r.refusals()).extracting(Refusal::index).containsExactly(1);
        assertThat(p.core.frames().freeFrames() - free).isEqualTo(8);
        assertThat(p.core.guest(0).counters().pagesReported()).isEqualTo(8);
        assertThat(p.core.checkInvariants()).isEmpty();
    }
}
