package ballast.host.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ballast.abi.Pace;
import ballast.host.device.DeviceQueue;
import ballast.host.device.DeviceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The time model of one host, without a hypervisor: what guests' work of a tick gets done given the
 * host's cores and its devices, where each vCPU's time went, and what pace the guests learn.
 *
 * <p>Hardware of every test: a 100 ms tick, 2 GHz cores (200 M cycles per core and tick), 200
 * cycles per workload access (so one core does 1 M accesses a tick), swap and virtual disks on one
 * 2002 disk (8 ms + 4 KiB / 40 MB/s = 8.1024 ms per page).
 */
class HostTimeTest {
    static final double TICK = 0.1;
    static final double GHZ = 2.0;
    static final long CORE = 200_000_000L;          // cycles per core and tick
    static final long WORK = 200;                   // cycles per access
    static final long ACCESSES_PER_CORE = CORE / WORK;
    static final double PAGE_READ = DeviceSettings.DISK_2002.serviceSeconds(4096);
    static final TimeSettings.HypervisorPrices PRICES = new TimeSettings.HypervisorPrices(2000, 4000, 10_000, 10_000, 2000);
    static final int[] WAITS = {TickBudget.IO_WAIT, TickBudget.HOST_SWAP_WAIT, TickBudget.STALLED, TickBudget.READY};

    static HostTime host(int cores) {
        return new HostTime(new TimeSettings(TICK, cores, GHZ, DeviceSettings.DISK_2002, DeviceSettings.DISK_2002, true,
                WORK, PRICES));
    }

    /** {@code accesses} workload accesses at native speed, {@code swapIns} of them on pages the host swapped out. */
    static void work(HostTime time, int g, long accesses, long swapIns) {
        time.guestWork(g, accesses, accesses, accesses, 0, 0, swapIns, 0, 0, false);
    }

    static double total(HostTime time, int g) {
        double s = 0;
        for (int k = 0; k < TickBudget.CATEGORIES; k++) {
            s += time.seconds(g, k);
        }
        return s;
    }

    // ---------------------------------------------------------------- swapped pages and the device

    @Test
    void aGuestWhoseEveryAccessHitsASwappedPageCompletesNoMoreThanTheDeviceServes() {
        assertThat(PAGE_READ).isCloseTo(0.0081024, within(1e-12));
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        work(time, 0, 200, 200);
        time.endTick();
        long perTickBound = (long) Math.floor(TICK / PAGE_READ) + 1;       // 13: 12 reads served, the 13th's chunk
        assertThat(time.workUnits(0)).as("first tick").isBetween(perTickBound - 2, perTickBound);
        long before = time.workUnits(0);
        int ticks = 1;
        while (time.workUnits(0) < 200 && ticks < 40) {
            work(time, 0, 0, 0);                                         // nothing new: the backlog runs
            time.endTick();
            ticks++;
            long done = time.workUnits(0) - before;
            before = time.workUnits(0);
            assertThat(done).as("tick %d", ticks).isLessThanOrEqualTo(perTickBound);
            assertThat(time.workUnits(0)).as("after %d ticks", ticks)
                    .isLessThanOrEqualTo((long) Math.floor(ticks * TICK / PAGE_READ) + 1);
        }
        // 200 reads one after another take 200 x 8.1024 ms = 1.62 s: 17 ticks
        assertThat(ticks).isEqualTo((int) Math.ceil(200 * PAGE_READ / TICK));
        assertThat(time.workUnits(0)).isEqualTo(200);
        assertThat(time.backlog(0)).isZero();
        assertThat(time.seconds(0, TickBudget.HOST_SWAP_WAIT)).isCloseTo(200 * PAGE_READ, within(1e-6));
        assertThat(time.seconds(0, TickBudget.IO_WAIT)).isZero();
        assertThat(time.seconds(0, TickBudget.RUN)).isCloseTo(200 * WORK / (GHZ * 1e9), within(1e-9));
        DeviceQueue swap = time.devices().get(0);
        assertThat(swap.requests(DeviceQueue.SWAP_READ)).isEqualTo(200);
        assertThat(swap.meanWaitMs()).as("alone on the device: no queueing").isCloseTo(PAGE_READ * 1e3, within(1e-6));
    }

    @Test
    void aGuestBlockedForAWholeTickCompletesNothingInIt() {
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        // 10 accesses of 0.09 s of compute with one page-in half-way; the host writes 30 clusters of
        // 256 pages (34.2 ms each) to the same disk spread over the tick: the read, 45 ms in, queues
        // behind the 13 clusters that came before it, about 0.4 s of the device's time
        time.guestWork(0, 10, 10, 10, 18 * CORE / 20 - 10 * WORK, 0, 0, 1, 0, false);
        time.hostSwapOuts(30L * HostTime.WRITE_CLUSTER_PAGES);
        time.endTick();
        long first = time.workUnits(0);
        assertThat(first).as("the first half runs before the read").isEqualTo(5);
        assertThat(time.devices().get(0).maxWaitMs()).as("the read waited behind the writes").isGreaterThan(3 * TICK * 1e3);
        for (int t = 1; t <= 2; t++) {
            work(time, 0, 0, 0);
            time.endTick();
            assertThat(time.workUnits(0)).as("tick %d is blocked whole", t).isEqualTo(first);
            // blocked from 45 ms into the first tick on
            assertThat(time.seconds(0, TickBudget.IO_WAIT)).isCloseTo((t + 1) * TICK - 0.045, within(1e-6));
        }
        for (int t = 3; t < 10; t++) {
            work(time, 0, 0, 0);
            time.endTick();
        }
        assertThat(time.workUnits(0)).as("the second half once the read came back").isEqualTo(10);
    }

    @Test
    void aGuestsMeanWaitGrowsAndItsWorkFallsWithTheGuestsPagingOnTheSameDevice() {
        int[] counts = {1, 2, 4, 8};
        double[] meanWait = new double[counts.length];
        double[] ownWaitPerRead = new double[counts.length];
        long[] units = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            int n = counts[i];
            HostTime time = host(8);
            for (int g = 0; g < n; g++) {
                time.addGuest(1, 1000, 0);
            }
            for (int t = 0; t < 20; t++) {
                for (int g = 0; g < n; g++) {
                    work(time, g, 40, 40);    // each access a swap-in: 40 x 8.1 ms, more than a tick alone
                }
                time.endTick();
            }
            meanWait[i] = time.devices().get(0).meanWaitMs();
            units[i] = time.workUnits(0);
            ownWaitPerRead[i] = time.seconds(0, TickBudget.HOST_SWAP_WAIT) / units[i];
        }
        for (int i = 1; i < counts.length; i++) {
            assertThat(meanWait[i]).as("mean wait with %d guests", counts[i]).isGreaterThan(meanWait[i - 1] * 1.5);
            assertThat(ownWaitPerRead[i]).as("guest 0's wait per access with %d guests", counts[i])
                    .isGreaterThan(ownWaitPerRead[i - 1] * 1.5);
            assertThat(units[i]).as("guest 0's work with %d guests", counts[i]).isLessThan(units[i - 1]);
        }
        // a saturated device is shared: each of N guests gets about 1/N of it, and waits about N services
        assertThat(meanWait[0]).isCloseTo(PAGE_READ * 1e3, within(1e-6));
        assertThat(meanWait[3]).isCloseTo(8 * PAGE_READ * 1e3, within(PAGE_READ * 1e3));
        assertThat((double) units[3]).isCloseTo(units[0] / 8.0, within(units[0] / 8.0 * 0.25));
    }

    // ---------------------------------------------------------------- native speed

    @Test
    void aGuestThatNeverFaultsOrTrapsRunsAtItsDemand() {
        SplittableRandom random = new SplittableRandom(15);
        HostTime time = host(2);
        time.addGuest(2, 1000, 0);
        time.addGuest(1, 1000, 0);
        long demand = 0;
        for (int t = 0; t < 50; t++) {
            long d = random.nextLong(1, 2 * ACCESSES_PER_CORE * 7 / 10);   // up to 70 % of each of its two vCPUs
            demand += d;
            work(time, 0, d, 0);
            work(time, 1, random.nextLong(ACCESSES_PER_CORE / 2), 0);     // a neighbour: the cores are not full
            time.endTick();
            assertThat(time.workUnits(0)).as("tick %d", t).isEqualTo(demand);
        }
        assertThat(time.demand(0)).isEqualTo(demand);
        assertThat(time.workUnits(0)).isEqualTo(time.demand(0));      // slowdown 1
        assertThat(time.backlog(0)).isZero();
        for (int k : WAITS) {
            assertThat(time.seconds(0, k)).as("category %d", k).isZero();
        }
        assertThat(time.seconds(0, TickBudget.OVERHEAD)).isZero();
        assertThat(time.seconds(0, TickBudget.RUN)).isCloseTo(demand * WORK / (GHZ * 1e9), within(1e-9));
        assertThat(time.pace(0).allowance(0)).as("the pace does not hold it back").isGreaterThan(2 * ACCESSES_PER_CORE);
    }

    // ---------------------------------------------------------------- the breakdown

    /** One tick's work for a random host; the same calls whatever {@code split} says. */
    record Mix(int cores, int[] vcpus, int[] shares, long[][] calls, long[] hypervisor, long[] swapOuts) {
    }

    static Mix mix(long seed, int ticks) {
        SplittableRandom r = new SplittableRandom(seed);
        int cores = r.nextInt(1, 5);
        int guests = r.nextInt(1, 7);
        int[] vcpus = new int[guests];
        int[] shares = new int[guests];
        for (int g = 0; g < guests; g++) {
            vcpus[g] = r.nextInt(1, 5);
            shares[g] = r.nextInt(1, 4001);
        }
        long[][] calls = new long[ticks * guests][];
        long[] hypervisor = new long[ticks];
        long[] swapOuts = new long[ticks];
        for (int t = 0; t < ticks; t++) {
            for (int g = 0; g < guests; g++) {
                if (r.nextInt(10) == 0) {
                    continue; // no work from it this tick
                }
                long accesses = r.nextInt(4) == 0 ? r.nextLong(4 * ACCESSES_PER_CORE) : r.nextLong(2000);
                calls[t * guests + g] = new long[] {
                    accesses, accesses + r.nextLong(100), accesses + r.nextLong(500),
                    r.nextInt(3) == 0 ? r.nextLong(CORE) : 0,                     // native cycles
                    r.nextInt(3) == 0 ? r.nextLong(CORE) : 0,                     // overhead
                    r.nextInt(3) == 0 ? r.nextLong(30) : 0,                       // host swap-ins
                    r.nextInt(3) == 0 ? r.nextLong(30) : 0,                       // page-ins
                    r.nextInt(4) == 0 ? r.nextLong(600) : 0,                      // page-outs
                    r.nextInt(10) == 0 ? 1 : 0                                    // stalled
                };
            }
            hypervisor[t] = r.nextInt(3) == 0 ? r.nextLong(2 * CORE) : 0;
            swapOuts[t] = r.nextInt(4) == 0 ? r.nextLong(600) : 0;
        }
        return new Mix(cores, vcpus, shares, calls, hypervisor, swapOuts);
    }

    static HostTime host(Mix m) {
        HostTime time = host(m.cores());
        for (int g = 0; g < m.vcpus().length; g++) {
            time.addGuest(m.vcpus()[g], m.shares()[g], 0);
        }
        return time;
    }

    /** Gives tick {@code t}'s work, guests in reverse order and each call in two halves when {@code scrambled}. */
    static void give(HostTime time, Mix m, int t, boolean scrambled) {
        int guests = m.vcpus().length;
        for (int i = 0; i < guests; i++) {
            int g = scrambled ? guests - 1 - i : i;
            long[] c = m.calls()[t * guests + g];
            if (c == null) {
                continue;
            }
            if (!scrambled) {
                time.guestWork(g, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8] != 0);
            } else {
                time.guestWork(g, c[0] / 2, c[1] / 2, c[2] / 2, c[3] / 2, c[4] / 2, c[5] / 2, c[6] / 2, c[7] / 2, false);
                time.guestWork(g, c[0] - c[0] / 2, c[1] - c[1] / 2, c[2] - c[2] / 2, c[3] - c[3] / 2, c[4] - c[4] / 2,
                        c[5] - c[5] / 2, c[6] - c[6] / 2, c[7] - c[7] / 2, c[8] != 0);
            }
        }
        if (scrambled) {
            time.hostSwapOuts(m.swapOuts()[t] / 3);
            time.hypervisorWork(m.hypervisor()[t] / 3);
            time.hostSwapOuts(m.swapOuts()[t] - m.swapOuts()[t] / 3);
            time.hypervisorWork(m.hypervisor()[t] - m.hypervisor()[t] / 3);
        } else {
            time.hypervisorWork(m.hypervisor()[t]);
            time.hostSwapOuts(m.swapOuts()[t]);
        }
    }

    @Test
    void everyGuestsTimeAddsUpToItsVcpusTimesTheTickEveryTickAndWorkIsNeitherLostNorMade() {
        for (long seed = 1; seed <= 40; seed++) {
            int ticks = 60;
            Mix m = mix(seed, ticks);
            HostTime time = host(m);
            int guests = m.vcpus().length;
            double[] before = new double[guests * TickBudget.CATEGORIES];
            long[] given = new long[guests];
            for (int t = 0; t < ticks; t++) {
                give(time, m, t, false);
                time.endTick();
                assertThat(time.check()).as("seed %d tick %d", seed, t).isEmpty();
                for (int g = 0; g < guests; g++) {
                    long[] c = m.calls()[t * guests + g];
                    double sum = 0;
                    for (int k = 0; k < TickBudget.CATEGORIES; k++) {
                        double d = time.seconds(g, k) - before[g * TickBudget.CATEGORIES + k];
                        before[g * TickBudget.CATEGORIES + k] = time.seconds(g, k);
                        assertThat(d).as("seed %d tick %d guest %d category %d", seed, t, g, k).isGreaterThanOrEqualTo(0);
                        sum += d;
                    }
                    if (c != null) {
                        given[g] += c[0];
                        assertThat(sum).as("seed %d tick %d guest %d (%d vCPUs)", seed, t, g, m.vcpus()[g])
                                .isCloseTo(m.vcpus()[g] * TICK, within(1e-9));
                        if (c[8] != 0) {
                            assertThat(time.seconds(g, TickBudget.RUN) + time.seconds(g, TickBudget.OVERHEAD))
                                    .as("a stalled tick runs nothing").isCloseTo(
                                            before[g * TickBudget.CATEGORIES + TickBudget.RUN]
                                                    + before[g * TickBudget.CATEGORIES + TickBudget.OVERHEAD], within(0.0));
                        }
                    }
                    assertThat(time.workUnits(g) + time.backlog(g)).as("seed %d tick %d guest %d: done + backlog = given",
                            seed, t, g).isEqualTo(given[g]);
                }
            }
        }
    }

    @Test
    void aBudgetThatDoesNotAddUpIsReported() throws ReflectiveOperationException {
        HostTime time = host(1);
        time.addGuest(2, 1000, 0);
        work(time, 0, 1000, 3);
        time.endTick();
        assertThat(time.check()).isEmpty();
        TickBudget budget = TickBudgetCorruption.budget(time, 0);
        assertThat(budget.addsUp()).isTrue();
        TickBudgetCorruption.addRunCycles(budget, 1, 7);
        assertThat(budget.addsUp()).isFalse();
        assertThat(time.check()).singleElement().asString().contains("guest 0").contains("does not add up to 2 vCPUs");
    }

    // ---------------------------------------------------------------- the host's cores

    @Test
    void twoCpuBoundGuestsWithSharesOneToTwoOnOneCoreGetThroughputOneToTwo() {
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        time.addGuest(1, 2000, 0);
        for (int t = 0; t < 10; t++) {
            work(time, 0, ACCESSES_PER_CORE, 0);   // each asks for a whole core
            work(time, 1, ACCESSES_PER_CORE, 0);
            time.endTick();
        }
        double units0 = time.workUnits(0);
        double units1 = time.workUnits(1);
        assertThat(units0 + units1).as("the core is used whole").isCloseTo(10.0 * ACCESSES_PER_CORE, within(20.0));
        assertThat(units1 / units0).isCloseTo(2.0, within(0.001));
        assertThat(time.seconds(0, TickBudget.READY)).as("guest 0 waits 2/3 of each tick").isCloseTo(10 * TICK * 2 / 3, within(1e-6));
        assertThat(time.seconds(1, TickBudget.READY)).isCloseTo(10 * TICK / 3, within(1e-6));
        assertThat(time.cpuBusySeconds()).isCloseTo(10 * TICK, within(1e-6));
        for (int g = 0; g < 2; g++) {
            assertThat(total(time, g)).isCloseTo(10 * TICK, within(1e-9));
        }
    }

    @Test
    void theCoresNeverDoMoreWorkThanTheyHave() {
        // two guests of 3/4 of a core each on one core: together they ask for 1.5 cores
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        time.addGuest(1, 1000, 0);
        long perGuest = ACCESSES_PER_CORE * 3 / 4;
        for (int t = 0; t < 10; t++) {
            work(time, 0, perGuest, 0);
            work(time, 1, perGuest, 0);
            time.endTick();
            assertThat(time.cpuBusySeconds()).as("tick %d", t).isLessThanOrEqualTo((t + 1) * TICK + 1e-9);
            assertThat(time.workUnits(0) + time.workUnits(1)).as("tick %d", t)
                    .isLessThanOrEqualTo((t + 1) * ACCESSES_PER_CORE);
        }
        // equal shares: each gets half the core, and is ready (waits for it) the rest of its tick
        assertThat(time.workUnits(0)).isCloseTo(10 * ACCESSES_PER_CORE / 2, within(10L));
        assertThat(time.workUnits(1)).isCloseTo(10 * ACCESSES_PER_CORE / 2, within(10L));
        assertThat(time.seconds(0, TickBudget.READY)).isCloseTo(10 * TICK / 2, within(1e-6));
        assertThat(time.seconds(0, TickBudget.IDLE)).isZero();
    }

    @Test
    void theHypervisorsWorkIsServedBeforeAnyVcpu() {
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        time.addGuest(1, 2000, 0);
        for (int t = 0; t < 10; t++) {
            time.hypervisorWork(CORE / 2);
            work(time, 0, ACCESSES_PER_CORE, 0);
            work(time, 1, ACCESSES_PER_CORE, 0);
            time.endTick();
        }
        assertThat(time.hypervisorCpuSeconds()).isCloseTo(10 * TICK / 2, within(1e-9));
        double units0 = time.workUnits(0);
        double units1 = time.workUnits(1);
        assertThat(units0 + units1).as("the guests share the half left").isCloseTo(10.0 * ACCESSES_PER_CORE / 2, within(20.0));
        assertThat(units1 / units0).isCloseTo(2.0, within(0.001));
        assertThat(time.cpuBusySeconds()).isCloseTo(10 * TICK, within(1e-6));

        // the hypervisor asks for 1.5 cores: the first tick is all its, the next begins with its rest
        HostTime busy = host(1);
        busy.addGuest(1, 1000, 0);
        busy.hypervisorWork(CORE * 3 / 2);
        work(busy, 0, ACCESSES_PER_CORE / 10, 0);
        busy.endTick();
        assertThat(busy.workUnits(0)).isZero();
        assertThat(busy.seconds(0, TickBudget.READY)).as("ready the whole tick").isCloseTo(TICK, within(1e-9));
        work(busy, 0, 0, 0);
        busy.endTick();
        assertThat(busy.hypervisorCpuSeconds()).isCloseTo(1.5 * TICK, within(1e-9));
        assertThat(busy.workUnits(0)).isEqualTo(ACCESSES_PER_CORE / 10);
    }

    @Test
    void aLightVcpuIsNotHeldBackByAHeavyOneWithEqualShares() {
        // one core; a guest wanting a tenth of it and one wanting all: the light one runs at its demand
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        time.addGuest(1, 1000, 0);
        for (int t = 0; t < 10; t++) {
            work(time, 0, ACCESSES_PER_CORE / 10, 0);
            work(time, 1, ACCESSES_PER_CORE, 0);
            time.endTick();
        }
        assertThat(time.workUnits(0)).isEqualTo(ACCESSES_PER_CORE);
        assertThat(time.seconds(0, TickBudget.READY)).isZero();
        assertThat(time.workUnits(1)).isCloseTo(9 * ACCESSES_PER_CORE, within(10L));
    }

    // ---------------------------------------------------------------- pace

    @Test
    void aThrottledGuestGeneratesWhatItCompletesAndItsBacklogStaysBounded() {
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        long demand = 1000;                       // accesses its workload asks for, every one on a swapped page
        long[] generated = new long[400];
        // works of ticks 0 and 1 exist before any pace (the guest works one tick ahead)
        generated[0] = demand;
        generated[1] = demand;
        long total = 0;
        long maxBacklog = 0;
        for (int t = 0; t < 398; t++) {
            total += generated[t];
            work(time, 0, generated[t], generated[t]);
            time.endTick();
            Pace pace = time.pace(0);                    // TickStart(t + 1): sizes the work of tick t + 2
            generated[t + 2] = Math.min(demand, pace.allowance(generated[t + 1]));
            if (t >= 200) {            // the first two works (2,000 accesses) take about 165 ticks
                maxBacklog = Math.max(maxBacklog, time.backlog(0));
                long capacity = pace.capacity();
                assertThat(capacity).as("tick %d", t).isBetween(10L, 13L);
                assertThat(time.backlog(0)).as("tick %d: backlog within two ticks of capacity", t)
                        .isLessThanOrEqualTo(2 * 13);
            }
        }
        double perTick = TICK / PAGE_READ;
        assertThat(maxBacklog).isLessThanOrEqualTo(2 * 13);
        assertThat((double) time.workUnits(0)).isCloseTo(398 * perTick, within(398 * perTick * 0.03));
        assertThat(total - time.workUnits(0)).isEqualTo(time.backlog(0));
        // what it generated after the first ticks converged to what it completes
        long late = 0;
        for (int t = 200; t < 398; t++) {
            late += generated[t];
        }
        assertThat((double) late).isCloseTo(198 * perTick, within(198 * perTick * 0.05));
    }

    @Test
    void aGuestNothingLimitsIsNeverHeldBackByItsPace() {
        HostTime time = host(1);
        time.addGuest(1, 1000, 0);
        assertThat(time.pace(0)).isEqualTo(Pace.FREE);
        assertThat(time.pace(0).allowance(123)).isEqualTo(Long.MAX_VALUE);
        SplittableRandom random = new SplittableRandom(7);
        long previous = 0;
        for (int t = 0; t < 100; t++) {
            long demand = random.nextInt(5) == 0 ? 0 : random.nextLong(1, ACCESSES_PER_CORE / 2);
            long allowed = time.pace(0).allowance(previous);
            assertThat(allowed).as("tick %d", t).isGreaterThanOrEqualTo(demand);
            work(time, 0, demand, 0);
            previous = demand;
            time.endTick();
            assertThat(time.backlog(0)).isZero();
        }
    }

    // ---------------------------------------------------------------- determinism

    static List<Object> figures(HostTime time) {
        List<Object> f = new ArrayList<>();
        for (int g = 0; g < time.guests(); g++) {
            f.add(time.workUnits(g));
            f.add(time.demand(g));
            f.add(time.backlog(g));
            f.add(time.pace(g));
            for (int k = 0; k < TickBudget.CATEGORIES; k++) {
                f.add(time.seconds(g, k));
            }
        }
        f.add(time.cpuBusySeconds());
        f.add(time.hypervisorCpuSeconds());
        for (DeviceQueue d : time.devices()) {
            f.add(d.requests());
            f.add(d.bytes());
            f.add(d.busySeconds());
            f.add(d.meanWaitMs());
            f.add(d.p99WaitMs());
            f.add(d.maxWaitMs());
        }
        return f;
    }

    @Test
    void theSameWorkGivesTheSameFiguresWhateverOrderItArrivesIn() {
        for (long seed = 100; seed < 110; seed++) {
            Mix m = mix(seed, 40);
            HostTime a = host(m);
            HostTime b = host(m);
            HostTime c = host(m);
            for (int t = 0; t < 40; t++) {
                give(a, m, t, false);
                give(b, m, t, false);
                give(c, m, t, true);
                a.endTick();
                b.endTick();
                c.endTick();
                assertThat(figures(b)).as("seed %d tick %d: the same again", seed, t).isEqualTo(figures(a));
                assertThat(figures(c)).as("seed %d tick %d: reversed and split", seed, t).isEqualTo(figures(a));
            }
            assertThat(a.workUnits(0) + a.cpuBusySeconds()).isPositive();
        }
    }
}
