package ballast.host.time;

import ballast.host.device.DeviceQueue;
import ballast.host.device.DeviceSettings;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static ballast.host.time.TickBudget.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TickBudgetTest {
    /** 1 GHz, 100 ms ticks: 100 M cycles per vCPU per tick. */
    private static final double GHZ = 1.0;
    private static final double TICK = 0.1;
    private static final long TICK_CYCLES = 100_000_000L;
    private static final AccessPrices PRICES = new AccessPrices(2, 40, 240);
    private static final long PAGE = 4096;

    @Test
    void aGuestThatNeverFaultsOrTrapsCompletesItsWholeDemand() {
        TickBudget b = new TickBudget(1, GHZ, TICK, PRICES);
        b.beginTick();
        assertThat(b.fitAccesses(TLB_HIT, 1_000_000)).isEqualTo(1_000_000);
        assertThat(b.accessesCompleted()).isEqualTo(1_000_000);
        assertThat(b.cycles(RUN)).isEqualTo(2_000_000);
        assertThat(b.cycles(IDLE)).isEqualTo(TICK_CYCLES - 2_000_000);
        assertThat(b.runSeconds()).isCloseTo(0.002, within(1e-15));
        assertThat(b.overheadSeconds() + b.ioWaitSeconds() + b.hostSwapWaitSeconds() + b.stalledSeconds() + b.readySeconds())
                .isZero();
        b.checkInvariant();
    }

    @Test
    void demandBeyondTheTickIsCutAtWhatTheTickHolds() {
        TickBudget b = new TickBudget(1, GHZ, TICK, PRICES);
        b.beginTick();
        assertThat(b.fitAccesses(WALK_1D, 10_000_000)).isEqualTo(TICK_CYCLES / 40);
        assertThat(b.cycles(IDLE)).isZero();
        assertThat(b.chargeAccess(0, TLB_HIT)).isFalse();
        b.checkInvariant();
    }

    @Test
    void anAccessThatDoesNotFitIsNotDoneAndTheRemainderIsIdle() {
        TickBudget b = new TickBudget(1, GHZ, TICK, PRICES);
        b.beginTick();
        b.chargeKernel(0, TICK_CYCLES - 100);
        assertThat(b.chargeAccess(0, WALK_2D)).isFalse();      // 240 > 100
        assertThat(b.chargeAccess(0, WALK_1D)).isTrue();       // 40 fits
        assertThat(b.accessesCompleted()).isEqualTo(1);
        assertThat(b.cycles(IDLE)).isEqualTo(60);
        b.checkInvariant();
    }

    @Test
    void aGuestBlockedForTheWholeTickCompletesNoAccessAndStaysBlockedIntoTheNextTick() {
        TickBudget b = new TickBudget(1, GHZ, TICK, PRICES);
        b.beginTick();
        b.chargeIoWait(0, 0.25);                               // a 250 ms wait in 100 ms ticks
        assertThat(b.fitAccesses(TLB_HIT, 1000)).isZero();
        assertThat(b.ioWaitSeconds()).isCloseTo(TICK, within(1e-12));
        assertThat(b.carriedCycles(0)).isEqualTo(150_000_000);
        b.checkInvariant();

        b.beginTick();                                         // still blocked for this whole tick
        assertThat(b.fitAccesses(TLB_HIT, 1000)).isZero();
        assertThat(b.cycles(IO_WAIT)).isEqualTo(TICK_CYCLES);
        b.checkInvariant();

        b.beginTick();                                         // the last 50 ms, then it runs
        assertThat(b.cycles(IO_WAIT)).isEqualTo(50_000_000);
        assertThat(b.fitAccesses(TLB_HIT, 1000)).isEqualTo(1000);
        assertThat(b.nowSeconds(0)).isCloseTo(0.05 + 2000 / 1e9, within(1e-12));
        b.checkInvariant();

        b.clearCarry();
        b.chargeStall(0, 1.0);
        b.clearCarry();
        b.beginTick();
        assertThat(b.cycles(STALLED)).isZero();
    }

    @Test
    void aGuestWhoseEveryAccessHitsASwappedPageCompletesNoMoreThanTheDeviceAllows() {
        DeviceSettings disk = DeviceSettings.DISK_2002;
        double service = disk.serviceSeconds(PAGE);
        long alone = swapBoundAccesses(1, disk, DeviceQueue.Order.BY_ARRIVAL)[0];
        assertThat(alone).isPositive().isLessThanOrEqualTo((long) (TICK / service) + 1);
        assertThat(alone).isGreaterThanOrEqualTo((long) (TICK / (service + 240e-9)) - 1);
        // four guests paging through the same device, interleaved in simulated time: each gets
        // about a quarter of what one guest alone gets
        long[] four = swapBoundAccesses(4, disk, DeviceQueue.Order.BY_ARRIVAL);
        long total = 0;
        for (long n : four) {
            total += n;
            assertThat(n).isLessThan(alone).isGreaterThanOrEqualTo(alone / 4 - 1);
        }
        assertThat(total).isLessThanOrEqualTo((long) (TICK / service) + 4);
        // a faster device lets more through
        assertThat(swapBoundAccesses(1, DeviceSettings.NVME, DeviceQueue.Order.BY_ARRIVAL)[0]).isGreaterThan(100 * alone);
    }

    @Test
    void inGuestOrderTheFirstGuestTakesASaturatedDeviceForTheTick() {
        long[] byGuest = swapBoundAccesses(4, DeviceSettings.DISK_2002, DeviceQueue.Order.BY_GUEST);
        long alone = swapBoundAccesses(1, DeviceSettings.DISK_2002, DeviceQueue.Order.BY_GUEST)[0];
        assertThat(byGuest[0]).isEqualTo(alone);
        assertThat(byGuest[1] + byGuest[2] + byGuest[3]).isZero();
    }

    /**
     * Every access of every guest first waits for a swap-in of its page, then runs as a 2-D walk.
     * In {@code BY_ARRIVAL} order the guests are interleaved: the one whose clock is furthest behind
     * goes next (ties to the lower index); in {@code BY_GUEST} order each guest plays its whole tick in turn.
     */
    private static long[] swapBoundAccesses(int guests, DeviceSettings device, DeviceQueue.Order order) {
        DeviceQueue q = new DeviceQueue(device, order);
        double tickStart = 0;
        q.beginTick(tickStart);
        TickBudget[] budgets = new TickBudget[guests];
        boolean[] done = new boolean[guests];
        for (int g = 0; g < guests; g++) {
            budgets[g] = new TickBudget(1, GHZ, TICK, PRICES);
            budgets[g].beginTick();
        }
        int current = 0;
        while (true) {
            int g = -1;
            if (order == DeviceQueue.Order.BY_GUEST) {
                while (current < guests && done[current]) {
                    current++;
                }
                g = current < guests ? current : -1;
            } else {
                for (int i = 0; i < guests; i++) {
                    if (!done[i] && (g < 0 || budgets[i].nowCycles(0) < budgets[g].nowCycles(0))) {
                        g = i;
                    }
                }
            }
            if (g < 0) {
                break;
            }
            TickBudget b = budgets[g];
            double arrival = tickStart + b.nowSeconds(0);
            double completion = q.submit(g, DeviceQueue.SWAP_READ, PAGE, arrival);
            b.chargeHostSwapWait(0, completion - arrival);
            if (!b.chargeAccess(0, WALK_2D) || b.remainingCycles(0) == 0) {
                done[g] = true;
            }
        }
        long[] accesses = new long[guests];
        for (int g = 0; g < guests; g++) {
            budgets[g].checkInvariant();
            if (accesses.length == 1 || order == DeviceQueue.Order.BY_ARRIVAL) {
                assertThat(budgets[g].hostSwapWaitSeconds()).isGreaterThan(0.9 * TICK);
            }
            accesses[g] = budgets[g].accessesCompleted();
        }
        return accesses;
    }

    @Test
    void readyTimeLeavesLessTimeToRun() {
        TickBudget b = new TickBudget(1, GHZ, TICK, PRICES);
        b.beginTick();
        b.chargeReady(0, 60_000_000);
        assertThat(b.fitAccesses(TLB_HIT, 100_000_000)).isEqualTo(20_000_000);
        assertThat(b.readySeconds()).isCloseTo(0.06, within(1e-12));
        b.checkInvariant();
    }

    @Test
    void overheadCyclesAreTimeTheGuestDoesNotSpendOnItsWork() {
        TickBudget b = new TickBudget(1, GHZ, TICK, PRICES);
        b.beginTick();
        for (int i = 0; i < 1000; i++) {
            b.chargeAccess(0, WALK_1D);
            b.chargeOverhead(0, 11_242);                       // a hidden fault per access
        }
        assertThat(b.cycles(OVERHEAD)).isEqualTo(11_242_000);
        assertThat(b.cycles(RUN)).isEqualTo(40_000);
        assertThat(b.fitAccesses(TLB_HIT, Long.MAX_VALUE / 4)).isEqualTo((TICK_CYCLES - 11_282_000) / 2);
        b.checkInvariant();
    }

    @Test
    void demandIsSpreadOverTheVcpusAndEachHasItsOwnTick() {
        TickBudget b = new TickBudget(4, GHZ, TICK, PRICES);
        b.beginTick();
        assertThat(b.fitAccesses(TLB_HIT, 1_000_001)).isEqualTo(1_000_001);
        long[] perVcpu = new long[4];
        for (int v = 0; v < 4; v++) {
            perVcpu[v] = b.cycles(v, RUN);
        }
        assertThat(perVcpu).containsExactly(500_002, 500_000, 500_000, 500_000);
        // vCPU 0 blocked for the whole tick: the others take the rest of a large demand
        TickBudget c = new TickBudget(4, GHZ, TICK, PRICES);
        c.beginTick();
        c.chargeStall(0, 1.0);
        assertThat(c.fitAccesses(TLB_HIT, Long.MAX_VALUE / 4)).isEqualTo(3 * TICK_CYCLES / 2);
        assertThat(c.totalSeconds()).isCloseTo(4 * TICK, within(1e-12));
        TickBudget d = new TickBudget(3, GHZ, TICK, PRICES);
        d.beginTick();
        assertThat(d.fitAccesses(TLB_HIT, Long.MAX_VALUE)).isEqualTo(3 * TICK_CYCLES / 2);
        c.checkInvariant();
    }

    @Test
    void theEarliestVcpuIsTheOneFurthestBehind() {
        TickBudget b = new TickBudget(3, GHZ, TICK, PRICES);
        b.beginTick();
        assertThat(b.earliestVcpu()).isZero();
        b.chargeKernel(0, 10);
        assertThat(b.earliestVcpu()).isEqualTo(1);
        b.chargeKernel(1, 5);
        assertThat(b.earliestVcpu()).isEqualTo(2);
        b.chargeKernel(2, 20);
        assertThat(b.earliestVcpu()).isEqualTo(1);
        for (int v = 0; v < 3; v++) {
            b.chargeStall(v, 1.0);
        }
        assertThat(b.earliestVcpu()).isEqualTo(-1);
    }

    @Test
    void theBreakdownAlwaysAddsUpToTheTickTimesTheVcpus() {
        for (long seed = 0; seed < 300; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int vcpus = r.nextInt(1, 5);
            TickBudget b = new TickBudget(vcpus, 0.5 + r.nextDouble() * 3, 0.01 + r.nextDouble() * 0.2,
                    new AccessPrices(r.nextLong(1, 5), r.nextLong(5, 100), r.nextLong(100, 1000)));
            for (int tick = 0; tick < 5; tick++) {
                b.beginTick();
                for (int step = 0; step < 200; step++) {
                    int v = r.nextInt(vcpus);
                    switch (r.nextInt(9)) {
                        case 0 -> b.chargeAccess(v, r.nextInt(3));
                        case 1 -> b.chargeAccesses(v, r.nextInt(3), r.nextLong(0, 1_000_000));
                        case 2 -> b.chargeKernel(v, r.nextLong(0, b.tickCycles() / 10));
                        case 3 -> b.chargeOverhead(v, r.nextLong(0, b.tickCycles() / 10));
                        case 4 -> b.chargeIoWait(v, r.nextDouble() * 0.05);
                        case 5 -> b.chargeHostSwapWait(v, r.nextDouble() * 0.3);
                        case 6 -> b.chargeStall(v, r.nextDouble() * 0.02);
                        case 7 -> b.chargeReady(v, r.nextLong(0, b.tickCycles() / 5));
                        default -> b.fitAccesses(r.nextInt(3), r.nextLong(0, 100_000));
                    }
                }
                assertThat(b.addsUp()).as("seed %s tick %s", seed, tick).isTrue();
                long sum = 0;
                for (int c = 0; c < CATEGORIES; c++) {
                    assertThat(b.cycles(c)).isNotNegative();
                    sum += b.cycles(c);
                }
                assertThat(sum).isEqualTo(vcpus * b.tickCycles());
                double seconds = b.runSeconds() + b.overheadSeconds() + b.ioWaitSeconds() + b.hostSwapWaitSeconds()
                        + b.stalledSeconds() + b.readySeconds() + b.idleSeconds();
                assertThat(seconds).isCloseTo(b.totalSeconds(), within(b.totalSeconds() * 1e-12));
            }
        }
    }

    @Test
    void sameChargesGiveTheSameBreakdown() {
        assertThat(breakdown(5)).containsExactly(breakdown(5));
    }

    private static long[] breakdown(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TickBudget b = new TickBudget(2, GHZ, TICK, PRICES);
        b.beginTick();
        for (int i = 0; i < 1000; i++) {
            b.chargeAccess(i & 1, r.nextInt(3));
            b.chargeHostSwapWait(i & 1, r.nextDouble() * 1e-4);
        }
        long[] out = new long[CATEGORIES + 1];
        for (int c = 0; c < CATEGORIES; c++) {
            out[c] = b.cycles(c);
        }
        out[CATEGORIES] = b.accessesCompleted();
        return out;
    }

    @Test
    void invalidInputsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new TickBudget(0, GHZ, TICK, PRICES)).hasMessageContaining("vCPU");
        assertThatThrownBy(() -> new TickBudget(1, -1, TICK, PRICES)).hasMessageContaining("GHz");
        assertThatThrownBy(() -> new TickBudget(1, GHZ, 0, PRICES)).hasMessageContaining("tick");
        assertThatThrownBy(() -> new TickBudget(1, GHZ, TICK, null)).hasMessageContaining("prices");
        assertThatThrownBy(() -> new AccessPrices(0, 1, 1)).hasMessageContaining("TLB hit 0");
        assertThatThrownBy(() -> PRICES.cycles(3)).hasMessageContaining("outcome");
        TickBudget b = new TickBudget(1, GHZ, TICK, PRICES);
        assertThatThrownBy(() -> b.chargeIoWait(0, -1)).hasMessageContaining("seconds");
        assertThatThrownBy(() -> b.chargeIoWait(0, Double.NaN)).hasMessageContaining("seconds");
        assertThatThrownBy(() -> b.chargeKernel(0, -5)).hasMessageContaining("negative");
        assertThatThrownBy(() -> b.fitAccesses(TLB_HIT, -1)).hasMessageContaining("negative");
        b.checkInvariant();
    }
}
