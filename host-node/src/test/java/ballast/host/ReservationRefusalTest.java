package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.host.cpu.CpuSpec;
import ballast.abi.TranslationMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad reservation call is refused whole with its typed reason, listed with index -1, its
 * status bit set, counted against the guest, and changes nothing else (the whole host's state is
 * compared before and after). A good call in the same tick is applied.
 */
class ReservationRefusalTest {
    static final int PAGES = 64;
    /** Balloon cap of the guests: 10 pages. */
    static final int CAP = 10;

    /** A host with a full guest (0) and a para-virtual guest (1), some pages ballooned, some swapped. */
    static final class Primed {
        final HypervisorCore core;
        final ModelGuest full;
        final ModelGuest para;
        final long[] probes = new long[PAGES];

        Primed(int frames) {
            GuestAllocation allocation = new GuestAllocation(0, 640, CAP);
            core = new HypervisorCore(host(frames, 16, quiet(), false,
                    new GuestSpec(0, "g0", TranslationMode.FULL, PAGES, 1, CpuSpec.DEFAULT, allocation),
                    new GuestSpec(1, "g1", TranslationMode.PARA, PAGES, 1, CpuSpec.DEFAULT, allocation)));
            full = new ModelGuest(core, 0);
            para = new ModelGuest(core, 1);
            full.touch(0, 40, true).play();
            para.touch(0, 40, true).play();
            full.inflate(50, 51, 52).play();
            para.inflate(50, 51, 52).play();
            full.memory().paging().swapOutPage(7, false);
            for (int i = 0; i < PAGES; i++) {
                probes[i] = ModelGuest.key(i);
            }
            assertThat(core.checkInvariants()).isEmpty();
        }
    }

    static Stream<Arguments> badCalls() {
        int[] none = new int[0];
        return Stream.of(
                Arguments.of("inflate out of range", 0, new Reservation(none, new int[] {1, PAGES}, none),
                        RefusalReason.PPN_OUT_OF_RANGE, TickResult.INFLATE_REFUSED),
                Arguments.of("inflate negative PPN", 1, new Reservation(none, new int[] {-1}, none),
                        RefusalReason.PPN_OUT_OF_RANGE, TickResult.INFLATE_REFUSED),
                Arguments.of("inflate already ballooned", 0, new Reservation(none, new int[] {1, 51}, none),
                        RefusalReason.ALREADY_BALLOONED, TickResult.INFLATE_REFUSED),
                Arguments.of("inflate twice in one call", 1, new Reservation(none, new int[] {2, 3, 2}, none),
                        RefusalReason.ALREADY_BALLOONED, TickResult.INFLATE_REFUSED),
                Arguments.of("inflate beyond the cap", 0, new Reservation(none, new int[] {1, 2, 3, 4, 5, 6, 8, 9}, none),
                        RefusalReason.BALLOON_CAP, TickResult.INFLATE_REFUSED),
                Arguments.of("para inflate beyond the cap", 1, new Reservation(none, new int[] {1, 2, 3, 4, 5, 6, 8, 9}, none),
                        RefusalReason.BALLOON_CAP, TickResult.INFLATE_REFUSED),
                Arguments.of("deflate not ballooned", 0, new Reservation(none, none, new int[] {50, 3}),
                        RefusalReason.NOT_BALLOONED, TickResult.DEFLATE_REFUSED),
                Arguments.of("deflate twice in one call", 1, new Reservation(none, none, new int[] {50, 51, 50}),
                        RefusalReason.NOT_BALLOONED, TickResult.DEFLATE_REFUSED),
                Arguments.of("deflate out of range", 1, new Reservation(none, none, new int[] {50, Integer.MAX_VALUE}),
                        RefusalReason.PPN_OUT_OF_RANGE, TickResult.DEFLATE_REFUSED),
                Arguments.of("page-out out of range", 0, new Reservation(new int[] {7, PAGES + 5}, none, none),
                        RefusalReason.PPN_OUT_OF_RANGE, 0),
                Arguments.of("page-out of a ballooned page", 0, new Reservation(new int[] {7, 50}, none, none),
                        RefusalReason.ALREADY_BALLOONED, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void aBadCallIsRefusedWholeAndChangesNothing(String what, int guest, Reservation call, RefusalReason reason, int bit) {
        Primed p = new Primed(1024);
        List<String> before = StateFingerprint.of(p.core, p.probes);
        long refusedBefore = p.core.guest(guest).counters().refusedHypercalls();
        TickResult r = p.core.apply(GuestWork.of(guest, 9, List.of(), new long[0], new long[0], null, call));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(reason);
        assertThat(r.refusals()).extracting(Refusal::index).containsExactly(-1);
        assertThat(r.balloonStatus()).isEqualTo(bit);
        assertThat(p.core.guest(guest).counters().refusedHypercalls() - refusedBefore).isEqualTo(1);
        assertThat(p.core.guestStats(guest, null).refusedHypercallsByReason()).containsKey(reason.name());
        assertThat(StateFingerprint.of(p.core, p.probes)).isEqualTo(before);
        assertThat(p.core.takeNotice(guest)).isNull();
    }

    @Test
    void aParaVirtualDeflateWithoutFreeFramesIsRefused() {
        // 16 reserved + 40 + 40 touched, 3 + 3 ballooned (freed): 3 frames left after taking 3 more
        Primed p = new Primed(16 + 40 + 64 + 1);
        ModelGuest hog = p.full;
        while (p.core.frames().freeFrames() > 2) {
            int ppn = firstUnbacked(hog);
            hog.write(ppn);
            hog.play();
        }
        List<String> before = StateFingerprint.of(p.core, p.probes);
        TickResult r = p.core.apply(GuestWork.of(1, 9, List.of(), new long[0], new long[0], null,
                new Reservation(new int[0], new int[0], new int[] {50, 51, 52})));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.OUT_OF_MEMORY);
        assertThat(r.balloonStatus()).isEqualTo(TickResult.DEFLATE_REFUSED);
        assertThat(StateFingerprint.of(p.core, p.probes)).isEqualTo(before);
        assertThat(p.core.takeNotice(1)).isNull();
        // a deflate that fits is applied, and the guest learns its frames
        r = p.core.apply(GuestWork.of(1, 10, List.of(), new long[0], new long[0], null,
                new Reservation(new int[0], new int[0], new int[] {50, 51})));
        assertThat(r.refusals()).isEmpty();
        int[][] notice = p.core.takeNotice(1);
        assertThat(notice[0]).containsExactly(50, 51);
        assertThat(notice[1][0]).isEqualTo(p.core.guest(1).pmap().mpn(50));
        assertThat(p.core.checkInvariants()).isEmpty();
    }

    private static int firstUnbacked(ModelGuest g) {
        for (int ppn = 0; ppn < g.pages; ppn++) {
            if (!g.inBalloon[ppn] && g.memory().pmap().mpn(ppn) < 0 && g.memory().pmap().state(ppn) == 0) {
                return ppn;
            }
        }
        throw new AssertionError("no unbacked page left");
    }

    @Test
    void aRefusedInflateLeavesAGoodDeflateOfTheSameTickApplied() {
        Primed p = new Primed(1024);
        TickResult r = p.core.apply(GuestWork.of(0, 9, List.of(), new long[0], new long[0], null,
                new Reservation(new int[0], new int[] {1, 1}, new int[] {50})));
        assertThat(r.balloonStatus()).isEqualTo(TickResult.INFLATE_REFUSED);
        assertThat(p.core.guest(0).pmap().balloonedPages()).isEqualTo(2);
        assertThat(p.core.guest(0).pmap().state(1)).isEqualTo(ballast.host.memory.Pmap.BACKED);
        assertThat(p.core.checkInvariants()).isEmpty();
    }

    @Test
    void balloonCallsAreAppliedEvenWhenTheOperationsAreRefused() {
        Primed p = new Primed(1024);
        long[] badOps = {-1L};
        TickResult r = p.core.apply(GuestWork.of(0, 9, List.of(), badOps, new long[0], null,
                new Reservation(new int[0], new int[] {20}, new int[0])));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.MALFORMED);
        assertThat(r.balloonStatus()).isZero();
        assertThat(p.core.guest(0).pmap().balloonedPages()).isEqualTo(4);
        List<String> problems = new ArrayList<>(p.core.checkInvariants());
        assertThat(problems).isEmpty();
    }

    @Test
    void theCapCountsWhatIsAlreadyInTheBalloon() {
        Primed p = new Primed(1024);
        int[] seven = {1, 2, 3, 4, 5, 6, 8};
        TickResult r = p.core.apply(GuestWork.of(0, 9, List.of(), new long[0], new long[0], null,
                new Reservation(new int[0], seven, new int[0])));
        assertThat(r.refusals()).isEmpty();
        assertThat(p.core.guest(0).pmap().balloonedPages()).isEqualTo(CAP);
        r = p.core.apply(GuestWork.of(0, 10, List.of(), new long[0], new long[0], null,
                new Reservation(new int[0], new int[] {9}, new int[0])));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.BALLOON_CAP);
    }
}
