package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.GuestAllocation;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import ballast.host.cpu.CpuSpec;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingSettings;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Admission control as guests move: min + overhead and swap on a reclaiming host, the whole memory elsewhere. */
class HostCommitmentsTest {

    static GuestSpec guest(String name, int pages, int minPages) {
        return new GuestSpec(0, name, TranslationMode.FULL, pages, 1, CpuSpec.DEFAULT,
                new GuestAllocation(minPages, 10, pages));
    }

    static ReclaimSettings reclaim(long swapPages, int overheadPages) {
        return new ReclaimSettings(true, "shares", 0, 0.25, 15, 30, 100, 0.06, 0.04, 0.02, 0.01, 0.005, swapPages,
                0, 4096, overheadPages, 0.1);
    }

    static HostSettings host(String name, int frames, ReclaimSettings reclaim, GuestSpec... guests) {
        return new HostSettings(name, 1, frames, 1000, 64, 1 << 20, 4096, CostTable.fromConfig(com.typesafe.config.ConfigFactory.defaultReference().getConfig("ballast.costs")), List.of(guests),
                SharingSettings.DISABLED, reclaim);
    }

    @Test
    void aReclaimingHostCountsMinPlusOverheadAndSwapsTheRest() {
        // 10,000 frames, 1,000 reserved: 9,000 for guests; 100 pages of overhead a guest; a swap of 15,000 pages
        HostCommitments c = new HostCommitments(List.of(
                host("r", 10_000, reclaim(15_000, 100), guest("a", 8_000, 2_000), guest("b", 8_000, 2_000))), Set.of());
        assertThat(c.memoryLeft("r")).isEqualTo(9_000 - 2 * 2_100);
        // memory: 2,100 more fits (4,800 left); swap: 12,000 promised, no room for 6,000 more
        assertThat(c.refusal("r", guest("c", 8_000, 2_000))).contains("swap of r").contains("3000 pages left");
        assertThat(c.refusal("r", guest("d", 4_000, 2_000))).isNull(); // 2,000 of swap
        assertThat(c.refusal("r", guest("e", 5_000, 4_800))).contains("does not fit on r"); // 4,900 > 4,800
        c.add("r", guest("d", 4_000, 2_000));
        assertThat(c.memoryLeft("r")).isEqualTo(9_000 - 3 * 2_100);
        assertThat(c.refusal("r", guest("f", 3_000, 1_000))).contains("swap"); // 14,000 + 2,000 > 15,000
        c.remove("r", guest("a", 8_000, 2_000));
        assertThat(c.refusal("r", guest("f", 3_000, 1_000))).isNull();
        assertThat(c.memoryLeft("r")).isEqualTo(9_000 - 2 * 2_100);
        assertThat(c.swapToAdd("r", guest("f", 3_000, 1_000))).isZero(); // a swap of a fixed size does not grow
    }

    @Test
    void aParaVirtualGuestIsPromisedItsWholeMemoryOnAReclaimingHost() {
        HostCommitments c = new HostCommitments(List.of(host("r", 10_000, reclaim(15_000, 100))), Set.of());
        GuestSpec pv = new GuestSpec(0, "pv", TranslationMode.PARA, 8_000, 1, CpuSpec.DEFAULT,
                new GuestAllocation(2_000, 10, 8_000));
        assertThat(c.refusal("r", pv)).isNull(); // 8,100 of 9,000
        c.add("r", pv);
        assertThat(c.memoryLeft("r")).isEqualTo(900);
        assertThat(c.refusal("r", new GuestSpec(0, "pv-2", TranslationMode.PARA, 1_000, 1, CpuSpec.DEFAULT,
                new GuestAllocation(0, 10, 1_000)))).contains("para-virtual: memory + overhead 1100 pages");
        assertThat(c.refusal("r", guest("full", 8_000, 800))).isNull(); // min + overhead: 900
    }

    @Test
    void anAutoSwapGrowsWithTheGuestsThatArrive() {
        HostCommitments c = new HostCommitments(List.of(
                host("r", 10_000, reclaim(6_000, 100), guest("a", 8_000, 2_000))), Set.of("r"));
        GuestSpec big = guest("c", 8_000, 2_000);
        assertThat(c.refusal("r", big)).isNull();
        assertThat(c.swapToAdd("r", big)).isEqualTo(6_000);
    }

    @Test
    void aHostThatDoesNotReclaimCountsEveryGuestsWholeMemoryAndALostHostTakesNothing() {
        HostCommitments c = new HostCommitments(List.of(
                host("n", 10_000, ReclaimSettings.DISABLED, guest("a", 5_000, 2_000)),
                host("m", 10_000, ReclaimSettings.DISABLED)), Set.of());
        assertThat(c.memoryLeft("n")).isEqualTo(4_000);
        assertThat(c.refusal("n", guest("b", 4_001, 4_001))).contains("whole memory counts");
        assertThat(c.refusal("n", guest("b", 4_000, 0))).isNull();
        assertThat(c.swapToAdd("n", guest("b", 4_000, 0))).isZero();
        c.close("m");
        assertThat(c.refusal("m", guest("b", 1, 0))).isNotNull();
        assertThat(c.refusal("x", guest("b", 1, 0))).isEqualTo("no host x");
    }
}
