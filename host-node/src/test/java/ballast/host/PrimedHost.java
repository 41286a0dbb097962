package ballast.host;

import static ballast.host.TestHosts.guest;
import static ballast.host.TestHosts.mmu;
import static ballast.host.TestHosts.settings;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.TestHosts.Stream;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import java.util.List;

/**
 * A host with a booted guest of every mode (full, nested, two para) that has mapped, written and
 * read a few pages, so that TLBs, shadow tables and reverse maps hold entries: the state that
 * hostile calls and corruptions are tried against.
 */
final class PrimedHost {
    static final int FULL = 0;
    static final int NESTED = 1;
    static final int PARA_A = 2;
    static final int PARA_B = 3;
    static final int PAGES = 64;
    static final int PARA_PAGES = 32;
    static final int PROCESSES = 2;

    final HypervisorCore core;
    final int[] p2mA;
    final int[] p2mB;
    final int fullMpn;
    final int freeMpn;
    final int reservedMpn;

    PrimedHost() {
        core = new HypervisorCore(settings(
                guest(FULL, "full", TranslationMode.FULL, PAGES, PROCESSES),
                guest(NESTED, "nested", TranslationMode.NESTED, PAGES, PROCESSES),
                guest(PARA_A, "para-a", TranslationMode.PARA, PARA_PAGES, PROCESSES),
                guest(PARA_B, "para-b", TranslationMode.PARA, PARA_PAGES, PROCESSES)));
        Refusal[] refusal = new Refusal[1];
        core.boot(FULL, "full", refusal);
        core.boot(NESTED, "nested", refusal);
        p2mA = core.boot(PARA_A, "para-a", refusal);
        p2mB = core.boot(PARA_B, "para-b", refusal);
        Stream prime = Stream.of().map(0, 0x10, 3).map(0, 0x11, 4).map(1, 0x10, 5)
                .write(0, 0x10, 11).write(0, 0x11, 12).read(1, 0x10).read(0, 0x10);
        ok(core.apply(GuestWork.of(FULL, 0, List.of(), prime.ops(), prime.values())));
        ok(core.apply(GuestWork.of(NESTED, 0, List.of(), prime.ops(), prime.values())));
        Stream paraPrime = Stream.of().write(0, 0x10, 21).write(0, 0x11, 22).read(1, 0x10).read(0, 0x10);
        ok(core.apply(GuestWork.of(PARA_A, 0, List.of(mmu(new long[] {Ops.key(0, 0x10), Ops.key(0, 0x11), Ops.key(1, 0x10)},
                new int[] {p2mA[0], p2mA[1], p2mA[2]})), paraPrime.ops(), paraPrime.values())));
        ok(core.apply(GuestWork.of(PARA_B, 0, List.of(mmu(new long[] {Ops.key(0, 0x10), Ops.key(0, 0x11), Ops.key(1, 0x10)},
                new int[] {p2mB[0], p2mB[1], p2mB[2]})), paraPrime.ops(), paraPrime.values())));
        fullMpn = core.guest(FULL).pmap().mpn(3);
        freeMpn = firstWithOwner(core.frames(), FramePool.FREE);
        reservedMpn = firstWithOwner(core.frames(), FramePool.HOST_RESERVED);
        assertThat(core.checkInvariants()).isEmpty();
    }

    private static void ok(TickResult r) {
        assertThat(r.refusals()).isEmpty();
    }

    private static int firstWithOwner(FramePool frames, int owner) {
        for (int mpn = 0; mpn < frames.totalFrames(); mpn++) {
            if (frames.owner(mpn) == owner) {
                return mpn;
            }
        }
        throw new AssertionError("no frame with owner " + owner);
    }
}
