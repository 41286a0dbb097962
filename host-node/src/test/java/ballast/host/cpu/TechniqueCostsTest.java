package ballast.host.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.KernelEvent;
import ballast.host.cpu.TechniqueCosts.Involvement;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The cost model against the published figures (Adams and Agesen) and the documented table. */
class TechniqueCostsTest {
    static final CostTable DEFAULTS = CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));

    static TechniqueCosts of(Technique t) {
        return new TechniqueCosts(DEFAULTS, t);
    }

    @Test
    void nativeCostsAreTheSameForEveryTechnique() {
        for (Technique t : Technique.values()) {
            TechniqueCosts c = of(t);
            assertThat(c.nativeCost(KernelEvent.SYSCALL)).isEqualTo(242);
            assertThat(c.nativeCost(KernelEvent.PT_WRITE)).isEqualTo(1);
            assertThat(c.nativeCost(KernelEvent.PAGE_FAULT)).isEqualTo(1093);
            assertThat(c.nativeWalk()).isEqualTo(40);
        }
    }

    @Test
    void binaryTranslationTrapsEveryPrivilegedEventAtThePublishedCosts() {
        TechniqueCosts bt = of(Technique.BINARY_TRANSLATION);
        // totals as published: 2308, 391, 3927
        assertThat(bt.nativeCost(KernelEvent.SYSCALL) + bt.overhead(KernelEvent.SYSCALL)).isEqualTo(2308);
        assertThat(bt.nativeCost(KernelEvent.PT_WRITE) + bt.overhead(KernelEvent.PT_WRITE)).isEqualTo(391);
        assertThat(bt.nativeCost(KernelEvent.PAGE_FAULT) + bt.overhead(KernelEvent.PAGE_FAULT)).isEqualTo(3927);
        for (KernelEvent e : KernelEvent.ALL) {
            assertThat(bt.involvement(e)).as(e.name())
                    .isEqualTo(e == KernelEvent.SENSITIVE_BLOCK ? Involvement.NONE : Involvement.TRAP);
        }
        assertThat(bt.hiddenFault()).isEqualTo(3927);
        assertThat(bt.walkOverhead()).isZero();
        assertThat(of(Technique.TRAP_AND_EMULATE).overhead(KernelEvent.INTERRUPT_MASK)).isEqualTo(2308);
    }

    @Test
    void hardwareAssistanceLeavesSystemCallsAloneAndExitsOnPageTablesOnlyWithoutNestedPaging() {
        TechniqueCosts shadow = of(Technique.HARDWARE_SHADOW_PAGING);
        TechniqueCosts ept = of(Technique.HARDWARE_NESTED_PAGING);
        for (TechniqueCosts vt : new TechniqueCosts[] {shadow, ept}) {
            assertThat(vt.nativeCost(KernelEvent.SYSCALL) + vt.overhead(KernelEvent.SYSCALL)).isEqualTo(246);
            assertThat(vt.involvement(KernelEvent.SYSCALL)).isEqualTo(Involvement.NONE);
            assertThat(vt.involvement(KernelEvent.INTERRUPT_MASK)).isEqualTo(Involvement.NONE);
            assertThat(vt.involvement(KernelEvent.IO_ACCESS)).isEqualTo(Involvement.EXIT);
            assertThat(vt.hiddenFaultInvolvement()).isEqualTo(Involvement.EXIT);
        }
        assertThat(shadow.nativeCost(KernelEvent.PT_WRITE) + shadow.overhead(KernelEvent.PT_WRITE)).isEqualTo(12733);
        assertThat(shadow.nativeCost(KernelEvent.PAGE_FAULT) + shadow.overhead(KernelEvent.PAGE_FAULT)).isEqualTo(11242);
        assertThat(shadow.involvement(KernelEvent.PT_WRITE)).isEqualTo(Involvement.EXIT);
        assertThat(shadow.involvement(KernelEvent.CONTEXT_SWITCH)).isEqualTo(Involvement.EXIT);
        assertThat(shadow.hiddenFault()).isEqualTo(11242);
        assertThat(shadow.walkOverhead()).isZero();

        assertThat(ept.overhead(KernelEvent.PT_WRITE)).isZero();
        assertThat(ept.overhead(KernelEvent.PAGE_FAULT)).isZero();
        assertThat(ept.overhead(KernelEvent.CONTEXT_SWITCH)).isZero();
        assertThat(ept.involvement(KernelEvent.PT_WRITE)).isEqualTo(Involvement.NONE);
        assertThat(ept.hiddenFault()).isEqualTo(937); // an EPT violation: one exit
        assertThat(ept.walkOverhead()).isEqualTo(200); // (24 - 4) references of 10 cycles
    }

    @Test
    void paravirtualGuestsBatchPageTableUpdatesAndCallOnlyWhereXenDoes() {
        TechniqueCosts pv = of(Technique.PARAVIRTUAL);
        assertThat(pv.involvement(KernelEvent.PT_WRITE)).isEqualTo(Involvement.BATCHED);
        assertThat(pv.involvement(KernelEvent.TLB_FLUSH)).isEqualTo(Involvement.BATCHED);
        assertThat(pv.overhead(KernelEvent.PT_WRITE)).isEqualTo(40);
        assertThat(pv.involvement(KernelEvent.CONTEXT_SWITCH)).isEqualTo(Involvement.HYPERCALL);
        assertThat(pv.involvement(KernelEvent.IO_ACCESS)).isEqualTo(Involvement.NOTIFY);
        // fast system-call trap and a shared-memory interrupt flag: nothing added
        assertThat(pv.overhead(KernelEvent.SYSCALL)).isZero();
        assertThat(pv.overhead(KernelEvent.INTERRUPT_MASK)).isZero();
        assertThat(pv.involvement(KernelEvent.SENSITIVE_BLOCK)).isEqualTo(Involvement.NONE);
    }

    @ParameterizedTest
    @EnumSource(Technique.class)
    void anOverheadIsNeverNegative(Technique t) {
        // a table where virtual events are cheaper than native ones
        CostTable odd = new CostTable(0, 100, 0, 0, 0, 0, 0, 10, 24, 4, 5000, 1, 1, 5000, 1, 1, 1,
                0, 0, 0, 0, 0, 0, 0);
        TechniqueCosts c = new TechniqueCosts(odd, t);
        for (KernelEvent e : KernelEvent.ALL) {
            assertThat(c.overhead(e)).as(e.name()).isNotNegative();
        }
        assertThat(c.walkOverhead()).isNotNegative();
    }

    @Test
    void techniquesFollowModeAndSwitches() {
        assertThat(Technique.of(ballast.abi.TranslationMode.FULL, true, false)).isEqualTo(Technique.BINARY_TRANSLATION);
        assertThat(Technique.of(ballast.abi.TranslationMode.FULL, false, true)).isEqualTo(Technique.TRAP_AND_EMULATE);
        assertThat(Technique.of(ballast.abi.TranslationMode.PARA, false, false)).isEqualTo(Technique.PARAVIRTUAL);
        assertThat(Technique.of(ballast.abi.TranslationMode.NESTED, false, true)).isEqualTo(Technique.HARDWARE_NESTED_PAGING);
        assertThat(Technique.of(ballast.abi.TranslationMode.NESTED, true, false)).isEqualTo(Technique.HARDWARE_SHADOW_PAGING);
        assertThat(Technique.HARDWARE_SHADOW_PAGING.shadowPaging()).isTrue();
        assertThat(Technique.HARDWARE_NESTED_PAGING.shadowPaging()).isFalse();
        assertThat(Technique.PARAVIRTUAL.shadowPaging()).isFalse();
    }
}
