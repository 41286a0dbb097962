package ballast.host;

import ballast.host.translation.TranslationInternals;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.KernelActivity;
import ballast.abi.KernelEvent;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.cpu.CostTable;
import ballast.host.cpu.CpuSpec;
import ballast.host.cpu.Technique;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hypervisor core with kernel activity and each CPU technique, without actors. */
class HypervisorCoreCpuTest {
    static final CostTable COSTS = CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));
    static final int PAGES = 1024;
    static final int KEYS = 64;

    static HypervisorCore core(TranslationMode mode, boolean binaryTranslation, boolean nestedPaging) {
        GuestSpec spec = new GuestSpec(0, "g", mode, PAGES, 2, new CpuSpec(binaryTranslation, nestedPaging, 4096, 10));
        HypervisorCore core = new HypervisorCore(new HostSettings("h", 7, 8192, 256, 64, 1 << 20, 1 << 16, COSTS,
                List.of(spec)));
        Refusal[] refusal = new Refusal[1];
        assertThat(core.boot(0, "g", refusal)).as(String.valueOf(refusal[0])).isNotNull();
        return core;
    }

    static KernelActivity activity(long... counts) {
        return new KernelActivity(1000, Arrays.copyOf(counts, KernelEvent.COUNT), new long[0]);
    }

    /**
     * One tick of the same activity in any mode: KEYS first touches (MAP then WRITE, or for a para
     * guest an mmu_update entry then WRITE), a switch to process 1 and back, reads of every key.
     */
    static TickResult playTick(HypervisorCore core, TranslationMode mode, int[] p2m, KernelActivity kernel) {
        List<Long> ops = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        long[] keys = new long[KEYS];
        int[] mpns = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            long key = Ops.key(0, 0x400 + i);
            keys[i] = key;
            if (mode == TranslationMode.PARA) {
                mpns[i] = p2m[i];
            } else {
                ops.add(Ops.op(Ops.MAP, key));
                values.add((long) i);
            }
            ops.add(Ops.op(Ops.WRITE, key));
            values.add(1000L + i);
        }
        ops.add(Ops.op(Ops.SWITCH, 1, 0));
        ops.add(Ops.op(Ops.SWITCH, 0, 0));
        for (int i = 0; i < KEYS; i++) {
            ops.add(Ops.op(Ops.READ, keys[i]));
        }
        List<MmuUpdate> mmu = mode == TranslationMode.PARA ? List.of(new MmuUpdate(keys, mpns)) : List.of();
        return core.apply(GuestWork.of(0, 0, mmu, ops.stream().mapToLong(Long::longValue).toArray(),
                values.stream().mapToLong(Long::longValue).toArray(), kernel, null));
    }

    static int[] p2m(HypervisorCore core) {
        int[] p2m = new int[PAGES];
        for (int ppn = 0; ppn < PAGES; ppn++) {
            p2m[ppn] = core.guest(0).pmap().mpn(ppn);
        }
        return p2m;
    }

    @Test
    void theSameWorkCountsTheSameInEveryTechniqueAndOnlyItsCostDiffers() {
        KernelActivity kernel = activity(20, 2, 10, 2, 40, 1, 5);
        GuestStats reference = null;
        Object[][] techniques = {
            {TranslationMode.FULL, true, true}, {TranslationMode.FULL, false, true}, {TranslationMode.PARA, true, true},
            {TranslationMode.NESTED, true, true}, {TranslationMode.NESTED, true, false}};
        for (Object[] t : techniques) {
            TranslationMode mode = (TranslationMode) t[0];
            HypervisorCore core = core(mode, (Boolean) t[1], (Boolean) t[2]);
            TickResult result = playTick(core, mode, p2m(core), kernel);
            assertThat(result.refusals()).isEmpty();
            assertThat(core.checkInvariants()).isEmpty();
            GuestStats s = core.guestStats(0, null);
            String what = core.settings().guests().get(0).technique().name();
            if (reference == null) {
                reference = s;
            }
            assertThat(s.eventCounts()).as(what).containsExactly(reference.eventCounts());
            assertThat(s.eventCount(KernelEvent.PT_WRITE)).as(what).isEqualTo(10 + KEYS);
            assertThat(s.eventCount(KernelEvent.CONTEXT_SWITCH)).as(what).isEqualTo(2 + 2);
            assertThat(s.tlbMisses()).as(what).isEqualTo(reference.tlbMisses());
            assertThat(s.nativeCycles()).as(what).isEqualTo(reference.nativeCycles());
            assertThat(Arrays.stream(s.overheadCyclesByEvent()).sum()).as(what).isEqualTo(s.overheadCycles());
        }
    }

    @Test
    void withoutNestedPagingAHardwareGuestKeepsShadowTablesByExits() {
        HypervisorCore core = core(TranslationMode.NESTED, true, false);
        assertThat(core.settings().guests().get(0).technique()).isEqualTo(Technique.HARDWARE_SHADOW_PAGING);
        assertThat(TranslationInternals.shadow(core.guest(0))).isNotNull();
        playTick(core, TranslationMode.NESTED, null, null);
        // remap one key to another PPN: the shadow entry built from the old one must go
        long key = Ops.key(0, 0x400);
        TickResult r = core.apply(GuestWork.of(0, 1, List.of(), new long[] {Ops.op(Ops.MAP, key), Ops.op(Ops.READ, key)},
                new long[] {500}, null, null));
        assertThat(r.refusals()).isEmpty();
        assertThat(core.checkInvariants()).isEmpty();

        GuestStats s = core.guestStats(0, null);
        assertThat(s.traps()).isZero();
        // every page-table write, both process switches and every hidden fault exited
        assertThat(s.hiddenFaults()).isEqualTo(KEYS + 1);
        assertThat(s.vmExits()).isEqualTo((KEYS + 1) + 2 + (KEYS + 1));
        assertThat(s.overheadCycles()).isEqualTo((KEYS + 1) * 12732L + 2 * 937 + (KEYS + 1) * 11242L);
    }

    @Test
    void aParavirtualTickMakesOneHypercallForItsPageTableBatchWhateverItsSize() {
        HypervisorCore core = core(TranslationMode.PARA, true, true);
        int[] p2m = p2m(core);
        // first touches in an mmu_update, the kernel's 5000 page-table writes and 300 TLB flushes join it
        playTick(core, TranslationMode.PARA, p2m, activity(0, 0, 5000, 300));
        GuestStats s = core.guestStats(0, null);
        assertThat(s.traps()).isZero();
        assertThat(s.hypercalls()).isEqualTo(1 + 2); // the batch, and NEW_BASEPTR for each switch
        assertThat(s.mmuUpdateEntries()).isEqualTo(KEYS + 5000);

        // a tick with kernel page-table writes but no first touch: one batch of their own
        TickResult r = core.apply(GuestWork.of(0, 1, List.of(), new long[0], new long[0], activity(0, 0, 10), null));
        assertThat(r.refusals()).isEmpty();
        assertThat(core.guestStats(0, null).hypercalls()).isEqualTo(4);
        assertThat(core.guestStats(0, null).traps()).isZero();
        assertThat(core.checkInvariants()).isEmpty();
    }

    @Test
    void malformedKernelActivityIsRefusedAndChangesNothing() {
        HypervisorCore core = core(TranslationMode.FULL, true, true);
        core.apply(GuestWork.of(0, 0, List.of(), new long[0], new long[0], activity(1, 2, 3), null));
        GuestStats before = core.guestStats(0, null);

        long[] events = new long[KernelEvent.COUNT];
        events[KernelEvent.SENSITIVE_BLOCK.ordinal()] = 1;
        TickResult r = core.apply(GuestWork.of(0, 1, List.of(), new long[0], new long[0],
                new KernelActivity(0, events, new long[] {KernelActivity.blockRun(10, 1)}), null));

        assertThat(r.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.MALFORMED);
        assertThat(r.refusals().get(0).detail()).contains("block 10 is not one of the 10 blocks");
        GuestStats after = core.guestStats(0, null);
        assertThat(after.refusedHypercalls()).isEqualTo(before.refusedHypercalls() + 1);
        assertThat(after.eventCounts()).containsExactly(before.eventCounts());
        assertThat(after.nativeCycles()).isEqualTo(before.nativeCycles());
        assertThat(after.overheadCycles()).isEqualTo(before.overheadCycles());
        assertThat(after.traps()).isEqualTo(before.traps());
        assertThat(after.translations()).isZero();
    }

    @Test
    void aFullGuestTranslatesItsSensitiveBlocksUnlessTranslationIsOff() {
        long[] events = new long[KernelEvent.COUNT];
        events[KernelEvent.SENSITIVE_BLOCK.ordinal()] = 12;
        KernelActivity blocks = new KernelActivity(0, events,
                new long[] {KernelActivity.blockRun(3, 10), KernelActivity.blockRun(9, 2)});

        HypervisorCore bt = core(TranslationMode.FULL, true, true);
        bt.apply(GuestWork.of(0, 0, List.of(), new long[0], new long[0], blocks, null));
        bt.apply(GuestWork.of(0, 1, List.of(), new long[0], new long[0], blocks, null));
        GuestStats s = bt.guestStats(0, null);
        assertThat(s.translations()).isEqualTo(2);
        assertThat(s.translationCacheHits()).isEqualTo(22);
        assertThat(s.silentFailures()).isZero();
        assertThat(s.correct()).isTrue();

        HypervisorCore off = core(TranslationMode.FULL, false, true);
        off.apply(GuestWork.of(0, 0, List.of(), new long[0], new long[0], blocks, null));
        GuestStats t = off.guestStats(0, null);
        assertThat(t.silentFailures()).isEqualTo(12);
        assertThat(t.translations()).isZero();
        assertThat(t.correct()).isFalse();
    }
}
