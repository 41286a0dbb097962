package ballast.host.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.KernelActivity;
import ballast.abi.KernelEvent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CpuAccountTest {
    static final CostTable COSTS = TechniqueCostsTest.DEFAULTS;
    static final CpuSpec LINUX = new CpuSpec(true, true, 4096, 300);

    /** syscalls, context switches, pt writes, TLB flushes, interrupt masks, I/O, page faults; no blocks. */
    static KernelActivity activity(long work, long... counts) {
        long[] events = Arrays.copyOf(counts, KernelEvent.COUNT);
        return new KernelActivity(work, events, new long[0]);
    }

    static KernelActivity withBlocks(long... blockRuns) {
        long[] events = new long[KernelEvent.COUNT];
        for (long e : blockRuns) {
            events[KernelEvent.SENSITIVE_BLOCK.ordinal()] += KernelActivity.runs(e);
        }
        return new KernelActivity(0, events, blockRuns);
    }

    static CpuAccount account(Technique t) {
        return new CpuAccount(COSTS, t, LINUX);
    }

    @Test
    void theSameActivityCountsTheSameAndCostsTheSameNativelyInEveryTechnique() {
        KernelActivity a = activity(1_000_000, 20, 2, 10, 2, 40, 1, 5);
        long native0 = -1;
        for (Technique t : Technique.values()) {
            CpuAccount cpu = account(t);
            cpu.kernel(a, false);
            assertThat(cpu.eventCounts()).as(t.name()).containsExactly(20, 2, 10, 2, 40, 1, 5, 0);
            if (native0 < 0) {
                native0 = cpu.nativeCycles();
            }
            assertThat(cpu.nativeCycles()).as(t.name()).isEqualTo(native0);
            assertThat(Arrays.stream(cpu.overheadCyclesByKind()).sum()).isEqualTo(cpu.overheadCycles());
        }
        assertThat(native0).isEqualTo(1_000_000 + 20 * 242 + 2 * 200 + 10 + 2 * 100 + 40 * 10 + 1000 + 5 * 1093);
    }

    @Test
    void binaryTranslationTrapsEveryKernelEvent() {
        CpuAccount cpu = account(Technique.BINARY_TRANSLATION);
        cpu.kernel(activity(0, 20, 2, 10, 2, 40, 1, 5), false);

        assertThat(cpu.traps()).isEqualTo(80);
        assertThat(cpu.vmExits()).isZero();
        assertThat(cpu.hypercalls()).isZero();
        assertThat(cpu.overheadCycles()).isEqualTo(20 * (2308 - 242) + 2 * 2308 + 10 * 390 + 2 * 2308 + 40 * 2308
                + 2308 + 5 * (3927 - 1093));
        assertThat(cpu.overheadCyclesByKind()[KernelEvent.SYSCALL.ordinal()]).isEqualTo(20 * 2066);
    }

    @Test
    void hardwareAssistanceExitsOnlyWhereTheHardwareMakesIt() {
        CpuAccount ept = account(Technique.HARDWARE_NESTED_PAGING);
        ept.kernel(activity(0, 20, 2, 10, 2, 40, 1, 5), false);
        assertThat(ept.vmExits()).isEqualTo(1); // the I/O access
        assertThat(ept.traps()).isZero();
        assertThat(ept.overheadCycles()).isEqualTo(20 * 4 + 937);

        CpuAccount shadow = account(Technique.HARDWARE_SHADOW_PAGING);
        shadow.kernel(activity(0, 20, 2, 10, 2, 40, 1, 5), false);
        // context switches, page-table writes, TLB flushes, I/O and page faults exit; system calls and CLI/STI do not
        assertThat(shadow.vmExits()).isEqualTo(2 + 10 + 2 + 1 + 5);
        assertThat(shadow.overheadCycles()).isEqualTo(20 * 4 + 2 * 937 + 10 * 12732 + 2 * 937 + 937 + 5 * (11242 - 1093));
    }

    @Test
    void aParavirtualKernelMakesOneBatchOfItsPageTableWritesAndTlbFlushesPerTick() {
        CpuAccount pv = account(Technique.PARAVIRTUAL);
        pv.kernel(activity(0, 20, 0, 5000, 300, 40, 0, 0), false);

        assertThat(pv.hypercalls()).isEqualTo(1);
        assertThat(pv.traps()).isZero();
        assertThat(pv.mmuUpdateEntries()).isEqualTo(5000);
        assertThat(pv.overheadCycles()).isEqualTo(937 + 5300 * 40);

        // a tick that also made an mmu_update hypercall: the kernel's entries join it
        pv.mmuUpdate(64);
        pv.kernel(activity(0, 0, 0, 100, 10, 0, 0, 0), true);
        assertThat(pv.hypercalls()).isEqualTo(2);
        assertThat(pv.mmuUpdateEntries()).isEqualTo(5000 + 64 + 100);
        assertThat(pv.eventCount(KernelEvent.PT_WRITE)).isEqualTo(5164);
    }

    @Test
    void aParavirtualKernelCallsForProcessSwitchesAndOncePerTickForItsIo() {
        CpuAccount pv = account(Technique.PARAVIRTUAL);
        pv.kernel(activity(0, 0, 3, 0, 0, 0, 25, 4), false);
        // three NEW_BASEPTR hypercalls, one event-channel notification for 25 requests; page faults bounce (traps)
        assertThat(pv.hypercalls()).isEqualTo(4);
        assertThat(pv.traps()).isEqualTo(4);
        assertThat(pv.overheadCycles()).isEqualTo(3 * 937 + 937 + 4 * 500);
    }

    @Test
    void sensitiveBlocksAreTranslatedOnceThenServedFromTheCache() {
        CpuAccount bt = account(Technique.BINARY_TRANSLATION);
        bt.kernel(withBlocks(KernelActivity.blockRun(7, 10), KernelActivity.blockRun(8, 1)), false);
        bt.kernel(withBlocks(KernelActivity.blockRun(7, 5)), false);

        assertThat(bt.translations()).isEqualTo(2);
        assertThat(bt.translationCacheHits()).isEqualTo(9 + 5);
        assertThat(bt.silentFailures()).isZero();
        assertThat(bt.eventCount(KernelEvent.SENSITIVE_BLOCK)).isEqualTo(16);
        assertThat(bt.overheadCycles()).isEqualTo(2 * 20000 + 16 * 30);
    }

    @Test
    void withoutTranslationEveryRunOfASensitiveBlockFailsSilently() {
        CpuAccount te = account(Technique.TRAP_AND_EMULATE);
        te.kernel(withBlocks(KernelActivity.blockRun(7, 10), KernelActivity.blockRun(8, 1)), false);

        assertThat(te.silentFailures()).isEqualTo(11);
        assertThat(te.translations()).isZero();
        assertThat(te.overheadCycles()).isZero();
        for (Technique t : new Technique[] {Technique.PARAVIRTUAL, Technique.HARDWARE_NESTED_PAGING,
                Technique.HARDWARE_SHADOW_PAGING}) {
            CpuAccount cpu = account(t);
            cpu.kernel(withBlocks(KernelActivity.blockRun(7, 10)), false);
            assertThat(cpu.silentFailures()).as(t.name()).isZero();
            assertThat(cpu.overheadCycles()).as(t.name()).isZero();
        }
    }

    @Test
    void memoryEventsAreChargedByTechnique() {
        CpuAccount bt = account(Technique.BINARY_TRANSLATION);
        bt.ptWrite();
        bt.contextSwitch();
        bt.hiddenFault();
        bt.tlbMisses(10);
        assertThat(bt.traps()).isEqualTo(2);
        assertThat(bt.overheadCycles()).isEqualTo(390 + 2308 + 3927);
        assertThat(bt.nativeCycles()).isEqualTo(1 + 200 + 10 * 40);

        CpuAccount ept = account(Technique.HARDWARE_NESTED_PAGING);
        ept.ptWrite();
        ept.contextSwitch();
        ept.hiddenFault();
        ept.tlbMisses(10);
        assertThat(ept.vmExits()).isEqualTo(1);
        assertThat(ept.overheadCycles()).isEqualTo(937 + 10 * 200);
        assertThat(ept.overheadCyclesByKind()[CpuAccount.TLB_MISS]).isEqualTo(2000);
        assertThat(ept.overheadCyclesByKind()[CpuAccount.HIDDEN_FAULT]).isEqualTo(937);

        CpuAccount shadow = account(Technique.HARDWARE_SHADOW_PAGING);
        shadow.ptWrite();
        shadow.hiddenFault();
        assertThat(shadow.vmExits()).isEqualTo(2);
        assertThat(shadow.overheadCycles()).isEqualTo(12732 + 11242);
    }

    @Test
    void malformedActivityIsNamed() {
        CpuAccount cpu = account(Technique.BINARY_TRANSLATION);
        assertThat(cpu.check(activity(5, 1, 2, 3))).isNull();
        assertThat(cpu.check(withBlocks(KernelActivity.blockRun(299, 3)))).isNull();
        assertThat(cpu.check(new KernelActivity(0, new long[3], new long[0]))).contains("3 event counts");
        assertThat(cpu.check(new KernelActivity(0, null, new long[0]))).contains("without event counts");
        assertThat(cpu.check(activity(-1))).contains("-1 work cycles");
        assertThat(cpu.check(activity(0, 0, -4))).contains("-4 contextSwitch");
        assertThat(cpu.check(activity(0, KernelActivity.MAX_COUNT + 1))).contains("syscall");
        assertThat(cpu.check(withBlocks(KernelActivity.blockRun(300, 1)))).contains("block 300 is not one of the 300");
        assertThat(cpu.check(withBlocks(KernelActivity.blockRun(-2, 1)))).contains("block -2");
        long[] events = new long[KernelEvent.COUNT];
        events[KernelEvent.SENSITIVE_BLOCK.ordinal()] = 4;
        assertThat(cpu.check(new KernelActivity(0, events, new long[] {KernelActivity.blockRun(1, 3)})))
                .contains("add up to 3, not the 4");
        assertThat(cpu.check(new KernelActivity(0, new long[KernelEvent.COUNT], new long[] {KernelActivity.blockRun(1, 0)})))
                .contains("ran 0 times");
    }
}
