package ballast.host.time;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostCpuTest {
    /** 2 cores x 1 GHz x 0.1 s: 100 M cycles per core, 200 M per host. */
    private final HostCpu cpu = new HostCpu(2, 1.0, 0.1);
    private static final long CORE = 100_000_000L;

    @Test
    void capacityIsCoresTimesClockTimesTick() {
        assertThat(cpu.coreCyclesPerTick()).isEqualTo(CORE);
        assertThat(cpu.cyclesPerTick()).isEqualTo(2 * CORE);
        assertThat(new HostCpu(4, 2.5, 0.05).cyclesPerTick()).isEqualTo(4 * 125_000_000L);
    }

    @Test
    void referenceConfDefaultsAreTwoCoresAtTwoGigahertz() {
        HostCpu fromConf = HostCpu.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.host.cpu"), 0.1);
        assertThat(fromConf.cores()).isEqualTo(2);
        assertThat(fromConf.ghz()).isEqualTo(2.0);
        assertThat(fromConf.cyclesPerTick()).isEqualTo(400_000_000L);
        assertThatThrownBy(() -> HostCpu.fromConfig(ConfigFactory.parseString("cores = 2"), 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghz");
    }

    @Test
    void undercommittedEveryoneGetsItsDemandAndNoReadyTime() {
        long[] demand = {30_000_000, 50_000_000, 80_000_000};
        long[] granted = new long[3];
        long[] ready = new long[3];
        long hv = cpu.grant(10_000_000, 3, demand, new int[] {1000, 1000, 1000}, granted, ready);
        assertThat(hv).isEqualTo(10_000_000);
        assertThat(granted).containsExactly(demand);
        assertThat(ready).containsOnly(0);
    }

    @Test
    void overcommittedVcpusGetCyclesInProportionToTheirShares() {
        // four vCPUs each wanting a whole core, on two cores: 400 M wanted, 200 M available
        long[] demand = {CORE, CORE, CORE, CORE};
        int[] shares = {1000, 1000, 2000, 4000};
        long[] granted = new long[4];
        long[] ready = new long[4];
        cpu.grant(0, 4, demand, shares, granted, ready);
        assertThat(granted).containsExactly(25_000_000, 25_000_000, 50_000_000, 100_000_000);
        assertThat(ready).containsExactly(75_000_000, 75_000_000, 50_000_000, 0);
    }

    @Test
    void whatACappedVcpuLeavesIsSharedAmongTheOthers() {
        // equal shares; vCPU 0 wants little, the other two share what it leaves
        long[] demand = {20_000_000, CORE, CORE};
        long[] granted = new long[3];
        long[] ready = new long[3];
        cpu.grant(0, 3, demand, new int[] {1, 1, 1}, granted, ready);
        assertThat(granted).containsExactly(20_000_000, 90_000_000, 90_000_000);
        assertThat(ready).containsExactly(0, 10_000_000, 10_000_000);
    }

    @Test
    void aVcpuNeverGetsMoreThanOneCore() {
        // one vCPU alone on two cores, wanting more than a tick: one core, and no ready time for
        // what no core could have run
        long[] granted = new long[1];
        long[] ready = new long[1];
        cpu.grant(0, 1, new long[] {5 * CORE}, new int[] {1000}, granted, ready);
        assertThat(granted[0]).isEqualTo(CORE);
        assertThat(ready[0]).isZero();
        // a heavily favoured vCPU among others: capped at one core, the rest goes to the other
        long[] g2 = new long[2];
        long[] r2 = new long[2];
        HostCpu three = new HostCpu(3, 1.0, 0.1);
        three.grant(0, 2, new long[] {2 * CORE, 2 * CORE}, new int[] {1_000_000, 1}, g2, r2);
        assertThat(g2).containsExactly(CORE, CORE);
    }

    @Test
    void theHypervisorsWorkIsServedFirstAndReducesWhatVcpusGet() {
        long[] demand = {CORE, CORE};
        int[] shares = {1000, 1000};
        long[] granted = new long[2];
        long[] ready = new long[2];
        long hv = cpu.grant(60_000_000, 2, demand, shares, granted, ready);
        assertThat(hv).isEqualTo(60_000_000);
        assertThat(granted).containsExactly(70_000_000, 70_000_000);
        assertThat(ready).containsExactly(30_000_000, 30_000_000);
        // hypervisor work beyond the whole host: everything, and the vCPUs wait the whole tick
        hv = cpu.grant(3 * CORE, 2, demand, shares, granted, ready);
        assertThat(hv).isEqualTo(2 * CORE);
        assertThat(cpu.hypervisorBacklog()).isEqualTo(CORE);
        assertThat(granted).containsOnly(0);
        assertThat(ready).containsExactly(CORE, CORE);
    }

    @Test
    void roundingLeftoversAreGivenSoTheWholeCapacityIsUsed() {
        HostCpu odd = new HostCpu(1, 1e-9 * 10, 1.0);      // 10 cycles per tick
        long[] granted = new long[3];
        long[] ready = new long[3];
        odd.grant(0, 3, new long[] {10, 10, 10}, new int[] {1, 1, 1}, granted, ready);
        assertThat(granted[0] + granted[1] + granted[2]).isEqualTo(10);
        assertThat(granted).containsExactly(4, 3, 3);
    }

    @Test
    void grantsNeverExceedCapacityDemandOrACoreAndAreWorkConserving() {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 2000; round++) {
            HostCpu host = new HostCpu(r.nextInt(1, 9), 0.5 + r.nextDouble() * 3, 0.01 + r.nextDouble() * 0.2);
            int n = r.nextInt(0, 40);
            long[] demand = new long[n];
            int[] shares = new int[n];
            for (int i = 0; i < n; i++) {
                demand[i] = r.nextBoolean() ? r.nextLong(0, host.coreCyclesPerTick() * 2) : r.nextLong(0, 1000);
                shares[i] = r.nextInt(1, HostCpu.MAX_SHARES + 1);
            }
            long hvDemand = r.nextInt(4) == 0 ? r.nextLong(0, host.cyclesPerTick() * 2) : 0;
            long[] granted = new long[n];
            long[] ready = new long[n];
            long hv = host.grant(hvDemand, n, demand, shares, granted, ready);
            long sum = hv;
            long capSum = 0;
            for (int i = 0; i < n; i++) {
                long cap = Math.min(demand[i], host.coreCyclesPerTick());
                capSum += cap;
                assertThat(granted[i]).isBetween(0L, cap);
                assertThat(ready[i]).isEqualTo(cap - granted[i]);
                sum += granted[i];
            }
            assertThat(hv).isEqualTo(Math.min(hvDemand, host.cyclesPerTick()));
            assertThat(sum).isLessThanOrEqualTo(host.cyclesPerTick());
            assertThat(sum - hv).isEqualTo(Math.min(capSum, host.cyclesPerTick() - hv));
            // weighted max-min fairness: a vCPU with ready time got at least its shares' worth of
            // what any other vCPU got (up to one cycle of rounding on each side)
            for (int i = 0; i < n; i++) {
                if (ready[i] == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    double perShareI = (granted[i] + 1.0) / shares[i];
                    double perShareJ = (granted[j] - 1.0) / shares[j];
                    assertThat(perShareI).as("round %s: vCPU %s vs %s", round, i, j).isGreaterThanOrEqualTo(perShareJ * (1 - 1e-12));
                }
            }
        }
    }

    @Test
    void sameInputsGiveTheSameGrants() {
        long[] demand = {CORE, 70_000_000, 3, CORE};
        int[] shares = {3, 7, 11, 13};
        long[] a = new long[4];
        long[] b = new long[4];
        long[] ready = new long[4];
        cpu.grant(1234, 4, demand, shares, a, ready);
        new HostCpu(2, 1.0, 0.1).grant(1234, 4, demand, shares, b, ready);
        assertThat(a).containsExactly(b);
    }

    @Test
    void invalidInputsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new HostCpu(0, 1, 0.1)).hasMessageContaining("core");
        assertThatThrownBy(() -> new HostCpu(1, 0, 0.1)).hasMessageContaining("GHz");
        assertThatThrownBy(() -> new HostCpu(1, 1, -1)).hasMessageContaining("tick");
        long[] out = new long[1];
        assertThatThrownBy(() -> cpu.grant(0, 1, new long[] {1}, new int[] {0}, out, out)).hasMessageContaining("shares");
        assertThatThrownBy(() -> cpu.grant(0, 1, new long[] {-1}, new int[] {1}, out, out)).hasMessageContaining("negative demand");
        assertThatThrownBy(() -> cpu.grant(-1, 0, new long[0], new int[0], out, out)).hasMessageContaining("hypervisor");
        assertThatThrownBy(() -> cpu.grant(0, 2, new long[] {1}, new int[] {1}, out, out)).hasMessageContaining("arrays");
    }

    @Test
    void productsAreComparedWithoutOverflow() {
        long big = 1L << 42;
        assertThat(HostCpu.compareProducts(big, big, big, big - 1)).isPositive();
        assertThat(HostCpu.compareProducts(big, big - 1, big, big)).isNegative();
        assertThat(HostCpu.compareProducts(6, 4, 3, 8)).isZero();
    }
}
