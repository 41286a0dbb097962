package ballast.host;

import ballast.host.translation.GuestMemory;
import ballast.host.translation.TranslationInternals;
import static ballast.host.TestHosts.mmu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.host.TestHosts.Stream;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.host.memory.FramePool;
import ballast.abi.Tokens;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "done means" of the foundation: every kind of bad input is refused with the right reason,
 * counted, and changes nothing else (compared through {@link StateFingerprint}).
 */
class HostileInputTest {
    static final int FULL = PrimedHost.FULL;
    static final int NESTED = PrimedHost.NESTED;
    static final int PARA_A = PrimedHost.PARA_A;
    static final int PARA_B = PrimedHost.PARA_B;
    static final int PAGES = PrimedHost.PAGES;
    static final int PROCESSES = PrimedHost.PROCESSES;

    /** Every key the tests use: the fingerprint records what each guest would read there. */
    static final long[] PROBES = {
        Ops.key(0, 0x10), Ops.key(0, 0x11), Ops.key(1, 0x10), Ops.key(0, 0x20), Ops.key(1, 0x20), Ops.key(0, 0x30),
    };

    /** One tick's worth of a guest's calls. */
    record Call(int guest, List<MmuUpdate> updates, long[] ops, long[] values) {
        static Call mmuOnly(int guest, MmuUpdate... updates) {
            return new Call(guest, Arrays.asList(updates), new long[0], new long[0]);
        }

        static Call stream(int guest, Stream s) {
            return new Call(guest, List.of(), s.ops(), s.values());
        }
    }

    PrimedHost f;

    @BeforeEach
    void setUp() {
        f = new PrimedHost();
    }

    static Arguments refused(String name, Function<PrimedHost, Call> call, RefusalReason reason, int index) {
        return Arguments.of(name, call, reason, index);
    }

    static long k(int process, long vpn) {
        return Ops.key(process, vpn);
    }

    /** Valid, state-changing operations that must not run when something after them is refused. */
    static Stream validPrefix() {
        return Stream.of().write(0, 0x10, 0xBADL).map(0, 0x20, 9).write(0, 0x20, 0xBAD2L).unmap(0, 0x11)
                .switchTo(1).read(0, 0x10);
    }

    static Stream validParaPrefix() {
        return Stream.of().write(0, 0x10, 0xBADL).read(0, 0x11).switchTo(1).write(1, 0x10, 0xBAD3L);
    }

    static List<Arguments> hostileCalls() {
        int prefix = validPrefix().ops().length;
        int paraPrefix = validParaPrefix().ops().length;
        return List.of(
                // mmu_update naming frames the guest does not own
                refused("mmu_update maps another para guest's frame",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {x.p2mB[5]})),
                        RefusalReason.FRAME_NOT_OWNED, 0),
                refused("mmu_update maps a full guest's private frame",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {x.fullMpn})),
                        RefusalReason.FRAME_NOT_OWNED, 0),
                refused("mmu_update maps a free frame",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {x.freeMpn})),
                        RefusalReason.FRAME_NOT_OWNED, 0),
                refused("mmu_update maps a host-reserved frame",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {x.reservedMpn})),
                        RefusalReason.FRAME_NOT_OWNED, 0),
                refused("mmu_update remaps a mapped VPN onto another guest's frame",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x10)}, new int[] {x.p2mB[0]})),
                        RefusalReason.FRAME_NOT_OWNED, 0),
                refused("mmu_update whose last entry is bad applies none of the valid ones before it",
                        x -> Call.mmuOnly(PARA_A, mmu(
                                new long[] {k(0, 0x10), k(0, 0x11), k(0, 0x20), k(1, 0x20), k(0, 0x30)},
                                new int[] {MmuUpdate.CLEAR, x.p2mA[9], x.p2mA[10], x.p2mA[11], x.p2mB[12]})),
                        RefusalReason.FRAME_NOT_OWNED, 0),
                // out-of-range MPNs
                refused("mmu_update names MPN == total frames",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {TestHosts.TOTAL_FRAMES})),
                        RefusalReason.FRAME_OUT_OF_RANGE, 0),
                refused("mmu_update names MPN Integer.MAX_VALUE",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {Integer.MAX_VALUE})),
                        RefusalReason.FRAME_OUT_OF_RANGE, 0),
                refused("mmu_update names MPN -2",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {-2})),
                        RefusalReason.FRAME_OUT_OF_RANGE, 0),
                refused("mmu_update names MPN Integer.MIN_VALUE",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {Integer.MIN_VALUE})),
                        RefusalReason.FRAME_OUT_OF_RANGE, 0),
                // out-of-range keys
                refused("mmu_update key beyond the 46-bit key space",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {1L << 46}, new int[] {x.p2mA[9]})),
                        RefusalReason.VPN_OUT_OF_RANGE, 0),
                refused("mmu_update negative key",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {-1L}, new int[] {x.p2mA[9]})),
                        RefusalReason.VPN_OUT_OF_RANGE, 0),
                refused("mmu_update key with operation bits set",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {Ops.op(Ops.WRITE, k(0, 0x20))}, new int[] {x.p2mA[9]})),
                        RefusalReason.VPN_OUT_OF_RANGE, 0),
                refused("mmu_update key of a process the guest does not have",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(PROCESSES, 0x20)}, new int[] {x.p2mA[9]})),
                        RefusalReason.PROCESS_OUT_OF_RANGE, 0),
                refused("mmu_update key of process 1023",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(Ops.MAX_PROCESSES - 1, 0x20)}, new int[] {MmuUpdate.CLEAR})),
                        RefusalReason.PROCESS_OUT_OF_RANGE, 0),
                // malformed batches
                refused("mmu_update longer than max-mmu-update-entries",
                        x -> Call.mmuOnly(PARA_A, oversized(x)), RefusalReason.BATCH_TOO_LARGE, 0),
                refused("mmu_update with more keys than MPNs",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20), k(0, 0x30)}, new int[] {x.p2mA[9]})),
                        RefusalReason.MALFORMED, 0),
                refused("mmu_update with more MPNs than keys",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, new int[] {x.p2mA[9], x.p2mA[10]})),
                        RefusalReason.MALFORMED, 0),
                refused("mmu_update with null keys",
                        x -> Call.mmuOnly(PARA_A, mmu(null, new int[] {x.p2mA[9]})), RefusalReason.MALFORMED, 0),
                refused("mmu_update with null MPNs",
                        x -> Call.mmuOnly(PARA_A, mmu(new long[] {k(0, 0x20)}, null)), RefusalReason.MALFORMED, 0),
                refused("a null mmu_update",
                        x -> new Call(PARA_A, Collections.singletonList(null), new long[0], new long[0]),
                        RefusalReason.MALFORMED, 0),
                // mmu_update from guests that are not para-virtual
                refused("mmu_update from a full guest",
                        x -> Call.mmuOnly(FULL, mmu(new long[] {k(0, 0x20)}, new int[] {x.fullMpn})),
                        RefusalReason.NOT_PARAVIRTUAL, 0),
                refused("mmu_update from a nested guest",
                        x -> Call.mmuOnly(NESTED, mmu(new long[] {k(0, 0x10)}, new int[] {MmuUpdate.CLEAR})),
                        RefusalReason.NOT_PARAVIRTUAL, 0),
                // malformed operation streams: valid work first, the bad operation last
                refused("operation of kind 5",
                        x -> Call.stream(FULL, validPrefix().raw(Ops.op(5, k(0, 0x10)), null)), RefusalReason.MALFORMED, prefix),
                refused("operation of kind 15",
                        x -> Call.stream(NESTED, validPrefix().raw(Ops.op(15, k(0, 0x10)), null)), RefusalReason.MALFORMED, prefix),
                refused("operation with a stray bit in the unused field",
                        x -> Call.stream(FULL, validPrefix().raw(Ops.op(Ops.READ, k(0, 0x10)) | (1L << 50), null)),
                        RefusalReason.MALFORMED, prefix),
                refused("operation of a process the guest does not have",
                        x -> Call.stream(FULL, validPrefix().read(PROCESSES, 0x10)), RefusalReason.PROCESS_OUT_OF_RANGE, prefix),
                refused("operation of process 1023 from a para guest",
                        x -> Call.stream(PARA_A, validParaPrefix().write(Ops.MAX_PROCESSES - 1, 0x10, 5)),
                        RefusalReason.PROCESS_OUT_OF_RANGE, paraPrefix),
                refused("MAP to the PPN just past the guest's memory",
                        x -> Call.stream(FULL, validPrefix().map(0, 0x30, PAGES)), RefusalReason.PPN_OUT_OF_RANGE, prefix),
                refused("MAP to a negative PPN",
                        x -> Call.stream(NESTED, validPrefix().map(0, 0x30, -1)), RefusalReason.PPN_OUT_OF_RANGE, prefix),
                refused("MAP to a PPN beyond int range",
                        x -> Call.stream(FULL, validPrefix().raw(Ops.op(Ops.MAP, k(0, 0x30)), 1L << 32)),
                        RefusalReason.PPN_OUT_OF_RANGE, prefix),
                refused("values stream too short",
                        x -> Call.stream(FULL, validPrefix().raw(Ops.op(Ops.WRITE, k(0, 0x10)), null)),
                        RefusalReason.VALUES_MISMATCH, prefix),
                refused("values stream too long",
                        x -> Call.stream(FULL, validPrefix().raw(Ops.op(Ops.READ, k(0, 0x10)), 77L)),
                        RefusalReason.VALUES_MISMATCH, -1),
                refused("values stream too long for a para guest",
                        x -> Call.stream(PARA_A, validParaPrefix().raw(Ops.op(Ops.SWITCH, k(0, 0)), 77L)),
                        RefusalReason.VALUES_MISMATCH, -1),
                refused("MAP operation from a para guest",
                        x -> Call.stream(PARA_A, validParaPrefix().map(0, 0x20, 1)), RefusalReason.MALFORMED, paraPrefix),
                refused("UNMAP operation from a para guest",
                        x -> Call.stream(PARA_B, validParaPrefix().unmap(0, 0x10)), RefusalReason.MALFORMED, paraPrefix),
                refused("more operations than max-batch-ops",
                        x -> Call.stream(FULL, tooMany()), RefusalReason.BATCH_TOO_LARGE, -1),
                refused("missing operation stream",
                        x -> new Call(FULL, List.of(), null, new long[0]), RefusalReason.MALFORMED, -1),
                refused("missing values stream",
                        x -> new Call(NESTED, List.of(), validPrefix().ops(), null), RefusalReason.MALFORMED, -1));
    }

    static MmuUpdate oversized(PrimedHost x) {
        int n = TestHosts.MAX_MMU_UPDATE_ENTRIES + 1;
        long[] keys = new long[n];
        int[] mpns = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = k(i % PROCESSES, 0x100 + i);
            mpns[i] = x.p2mA[i];
        }
        return mmu(keys, mpns);
    }

    static Stream tooMany() {
        Stream s = validPrefix();
        while (s.ops().length <= TestHosts.MAX_BATCH_OPS) {
            s.write(0, 0x10, 5);
        }
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCalls")
    void isRefusedCountedAndChangesNothing(String name, Function<PrimedHost, Call> build, RefusalReason reason, int index) {
        Call call = build.apply(f);
        List<String> before = StateFingerprint.of(f.core, PROBES);
        long[] refusedBefore = StateFingerprint.refused(f.core);

        TickResult result = f.core.apply(GuestWork.of(call.guest(), 7, call.updates(), call.ops(), call.values()));

        assertThat(result.refusals()).as(name).hasSize(1);
        Refusal refusal = result.refusals().get(0);
        assertThat(refusal.reason()).as(name + ": " + refusal.detail()).isEqualTo(reason);
        assertThat(refusal.index()).as(name + ": " + refusal.detail()).isEqualTo(index);
        assertThat(refusal.detail()).isNotBlank();
        assertThat(result.tick()).isEqualTo(7);
        assertThat(result.readDigest()).isEqualTo(Tokens.EMPTY_DIGEST);
        assertThat(result.reads()).isZero();

        assertThat(StateFingerprint.of(f.core, PROBES)).as(name).containsExactlyElementsOf(before);
        long[] expected = refusedBefore.clone();
        expected[call.guest()]++;
        assertThat(StateFingerprint.refused(f.core)).as("refused calls per guest").containsExactly(expected);
        assertThat(f.core.guestStats(call.guest(), null).refusedHypercalls()).isEqualTo(expected[call.guest()]);
        assertThat(f.core.checkInvariants()).isEmpty();
    }

    @Test
    void theValidPrefixesAloneAreAccepted() {
        // Guards the cases above: their prefixes are valid, so only the last operation is refused.
        assertThat(f.core.apply(GuestWork.of(FULL, 7, List.of(), validPrefix().ops(), validPrefix().values())).refusals()).isEmpty();
        assertThat(f.core.apply(GuestWork.of(NESTED, 7, List.of(), validPrefix().ops(), validPrefix().values())).refusals()).isEmpty();
        assertThat(f.core.apply(GuestWork.of(PARA_A, 7, List.of(), validParaPrefix().ops(), validParaPrefix().values())).refusals()).isEmpty();
        Stream most = Stream.of();
        while (most.ops().length < TestHosts.MAX_BATCH_OPS) {
            most.read(0, 0x10);
        }
        assertThat(f.core.apply(GuestWork.of(FULL, 8, List.of(), most.ops(), most.values())).refusals()).isEmpty();
        assertThat(f.core.checkInvariants()).isEmpty();
    }

    @Test
    void eachHypercallOfATickIsAppliedOrRefusedWhole() {
        long before = f.core.guestStats(PARA_A, null).hypercalls();
        TickResult r = f.core.apply(GuestWork.of(PARA_A, 7, List.of(
                mmu(new long[] {k(0, 0x20)}, new int[] {f.p2mA[9]}),
                mmu(new long[] {k(0, 0x30), k(1, 0x20)}, new int[] {f.p2mA[10], f.p2mB[3]}),
                mmu(new long[] {k(1, 0x20)}, new int[] {f.p2mA[11]})), new long[0], new long[0]));
        assertThat(r.refusals()).extracting(Refusal::reason, Refusal::index)
                .containsExactly(tuple(RefusalReason.FRAME_NOT_OWNED, 1));
        GuestMemory g = f.core.guest(PARA_A);
        assertThat(g.view().peekMpn(k(0, 0x20))).isEqualTo(f.p2mA[9]);
        assertThat(g.view().peekMpn(k(0, 0x30))).as("refused hypercall").isEqualTo(FramePool.NO_FRAME);
        assertThat(g.view().peekMpn(k(1, 0x20))).isEqualTo(f.p2mA[11]);
        assertThat(f.core.guestStats(PARA_A, null).hypercalls()).isEqualTo(before + 2);
        assertThat(f.core.guestStats(PARA_A, null).refusedHypercalls()).isEqualTo(1);
        assertThat(f.core.checkInvariants()).isEmpty();
    }

    @Test
    void aRefusedStreamDoesNotUndoTheTicksAcceptedHypercalls() {
        TickResult r = f.core.apply(GuestWork.of(PARA_A, 7, List.of(mmu(new long[] {k(0, 0x20)}, new int[] {f.p2mA[9]})),
                Stream.of().write(0, 0x20, 99).map(0, 0x20, 1).ops(), Stream.of().write(0, 0x20, 99).map(0, 0x20, 1).values()));
        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.MALFORMED);
        assertThat(f.core.guest(PARA_A).view().peekMpn(k(0, 0x20))).isEqualTo(f.p2mA[9]);
        assertThat(f.core.frames().token(f.p2mA[9])).as("the stream's write did not run").isEqualTo(Tokens.ZERO);
    }

    @Test
    void theFingerprintSeesAcceptedWork() {
        // Guards the comparisons above against a fingerprint that cannot see change.
        List<String> start = StateFingerprint.of(f.core, PROBES);
        f.core.apply(GuestWork.of(FULL, 7, List.of(), Stream.of().read(0, 0x10).ops(), new long[0]));
        List<String> afterHit = StateFingerprint.of(f.core, PROBES);
        assertThat(afterHit).as("a TLB hit is counted").isNotEqualTo(start);
        f.core.apply(GuestWork.of(PARA_A, 7, List.of(), Stream.of().write(0, 0x11, 5).ops(), new long[] {5}));
        List<String> afterWrite = StateFingerprint.of(f.core, PROBES);
        assertThat(afterWrite).as("a token changed").isNotEqualTo(afterHit);
        TranslationInternals.tlb(f.core.guest(NESTED)).flush();
        assertThat(StateFingerprint.of(f.core, PROBES)).as("TLB contents").isNotEqualTo(afterWrite);
    }

    @Test
    void refusedBootsChangeNothing() {
        List<String> before = StateFingerprint.of(f.core, PROBES);
        Refusal[] refusal = new Refusal[1];
        assertThat(f.core.boot(4, "ghost", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(f.core.boot(Integer.MIN_VALUE, "ghost", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(f.core.boot(PARA_B, "para-a", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(f.core.boot(PARA_B, "para-b", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.ALREADY_BOOTED);
        assertThat(f.core.boot(FULL, "full", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.ALREADY_BOOTED);
        assertThat(StateFingerprint.of(f.core, PROBES)).containsExactlyElementsOf(before);
    }

    @Test
    void auditingHostileRecordsCountsDifferencesAndChangesNothing() {
        List<String> before = StateFingerprint.of(f.core, PROBES);
        long[] keys = {-1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 46, k(Ops.MAX_PROCESSES - 1, 5), k(0, 0x10)};
        long[] tokens = {0, 0, 0, 0, 0, 11};
        for (int g = 0; g < f.core.guestCount(); g++) {
            // Only (0, 0x10) of a full or nested guest holds 11; para guests wrote 21 there.
            assertThat(f.core.audit(g, keys, tokens)).isEqualTo(g < PARA_A ? 5 : 6);
            assertThat(f.core.audit(g, new long[] {k(0, 0x10)}, new long[0])).isEqualTo(1);
        }
        assertThat(StateFingerprint.of(f.core, PROBES)).containsExactlyElementsOf(before);
    }
}
