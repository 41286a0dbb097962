package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.ScenarioLoader;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded schedules of message delivery ({@link SeededSchedule}) against the real hypervisor and
 * guest actors playing a free run: one overcommitted host that reclaims (balloons, host paging,
 * free-memory states) and shares pages (para-virtual remaps included), four guests (full,
 * para-virtual, nested, full). Each schedule delivers every message in its own seeded order,
 * within what Pekko promises (per sender and receiver, first in first out); the invariants are
 * checked after every message the hypervisor handles; at the end every read was verified, no read
 * differed from what its guest wrote, the final audit of every guest passed and the frames add up.
 * Across schedules the outcomes differ (what each guest was allocated, who got paged), which shows
 * the schedules do reorder what matters.
 */
class InterleavingScheduleTest {
    /** The run, with %1$s the host's memory, %2$s each guest's, %3$s its working set, %4$s the duration. */
    private static final String SCENARIO = """
            scenario { name = interleavings, seed = 11, duration = %4$s, tick = 100ms, mode = free-running }
            hosts.h {
              memory = %1$s
              reserved = 256KiB
              reclaim = on
              guest-overhead = 16KiB
              policy { name = idle-tax, balance-period = 200ms, sample-period = 400ms, samples = 16 }
              sharing { enabled = true, scan-pages-per-second = 20000, per-guest-pages-per-second = 5000 }
            }
            guest-templates.t {
              os = linux
              memory = %2$s
              processes = 2
              balloon { pages-per-tick = 32, backoff = 200ms }
              workload { type = hot-cold, working-set = %3$s, accesses-per-second = 3000, write-fraction = 0.4,
                         hot-fraction = 0.2, hot-access-fraction = 0.7 }
            }
            guests {
              f1 { template = t, mode = full, host = h }
              p { template = t, mode = para, host = h }
              n { template = t, mode = nested, host = h }
              f2 { template = t, mode = full, host = h }
            }
            """;

    /** 4 x 1 MiB on 2.5 MiB, 8 ticks: about 15 ms of CPU a schedule. */
    private static Scenario small;
    /** 4 x 3 MiB on 7 MiB, 12 ticks: about twice as long, more room for the balloons to lag. */
    private static Scenario large;

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        small = write(dir, "small", SCENARIO.formatted("2560KiB", "1MiB", "768KiB", "800ms"));
        large = write(dir, "large", SCENARIO.formatted("7MiB", "3MiB", "2560KiB", "1200ms"));
    }

    private static Scenario write(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, text);
        return ScenarioLoader.load(file, List.of(), null);
    }

    @Test
    void aThousandSchedulesLoseNothingAndEndDifferently() {
        playSchedules(small, 1_000, 1L);
    }

    @Test
    @Tag("stress")
    void fiveThousandLargerSchedulesLoseNothingAndEndDifferently() {
        playSchedules(large, 5_000, 1_000_000L);
    }

    @Test
    void aScheduleIsReplayedExactlyFromItsSeed() {
        SeededSchedule.Outcome once = SeededSchedule.play(small.hosts().get(0), small.guests(), small.ticks(), 42, 200_000, 1_000);
        SeededSchedule.Outcome again = SeededSchedule.play(small.hosts().get(0), small.guests(), small.ticks(), 42, 200_000, 1_000);
        assertThat(again.deliveryOrder()).isEqualTo(once.deliveryOrder());
        assertThat(again.steps()).isEqualTo(once.steps());
        assertThat(again.report().guests()).extracting(GuestStats::allocatedPages)
                .isEqualTo(once.report().guests().stream().map(GuestStats::allocatedPages).toList());
        assertThat(again.report().host().reclaim().swapOuts()).isEqualTo(once.report().host().reclaim().swapOuts());
    }

    private static void playSchedules(Scenario scenario, int count, long firstSeed) {
        HostSettings host = scenario.hosts().get(0);
        long configured = host.guests().stream().mapToLong(GuestSpec::configuredPages).sum();
        assertThat((double) configured / host.totalFrames()).as("overcommitted by 50% or more").isGreaterThanOrEqualTo(1.5);
        Set<List<String>> orders = new HashSet<>();
        Set<String> allocations = new HashSet<>();
        Set<String> paged = new HashSet<>();
        Set<String> pagedMost = new HashSet<>();
        long steps = 0;
        long hostSteps = 0;
        long checks = 0;
        long reads = 0;
        long swapOuts = 0;
        long balloon = 0;
        long paraCowBreaks = 0;
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long seed = firstSeed + i;
            SeededSchedule.Outcome o;
            try {
                o = SeededSchedule.play(host, scenario.guests(), scenario.ticks(), seed, 200_000, 40);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("schedule of seed " + seed + ": " + e, e);
            }
            assertThat(o.violations()).as("seed %d", seed).isEmpty();
            HostStats stats = o.report().host();
            assertThat(stats.framesFree() + stats.framesMapped() + stats.framesReserved()).as("seed %d: frames", seed)
                    .isEqualTo(stats.framesTotal());
            assertThat(o.report().guests()).hasSize(4);
            StringBuilder allocated = new StringBuilder();
            StringBuilder swapped = new StringBuilder();
            GuestStats most = null;
            for (GuestStats g : o.report().guests()) {
                assertThat(g.readMismatches()).as("seed %d: %s", seed, g.name()).isZero();
                assertThat(g.readsVerified()).as("seed %d: %s", seed, g.name()).isEqualTo(g.reads()).isPositive();
                allocated.append(g.allocatedPages()).append(' ');
                swapped.append(g.reclaim().hostSwapOuts()).append(' ');
                if (most == null || g.reclaim().hostSwapOuts() > most.reclaim().hostSwapOuts()) {
                    most = g;
                }
                reads += g.reads();
                if (g.name().equals("p")) {
                    paraCowBreaks += g.cowBreaks();
                }
            }
            orders.add(o.deliveryOrder());
            allocations.add(allocated.toString());
            paged.add(swapped.toString());
            pagedMost.add(most.name());
            steps += o.steps();
            hostSteps += o.hostSteps();
            checks += o.invariantChecks();
            swapOuts += stats.reclaim().swapOuts();
            balloon += stats.reclaim().balloonedPages();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("interleavings: %d schedules, %d deliveries (%d to the hypervisor, each followed by %d"
                        + " invariant checks: %d, 0 violations), %d reads verified (0 mismatches); %d distinct final"
                        + " allocations, %d distinct swap-outs per guest, %s paged most in one schedule or another; %.1f s%n", count,
                steps, hostSteps, HostInvariants.CHECKS, checks, reads, allocations.size(), paged.size(),
                new java.util.TreeSet<>(pagedMost), seconds);
        assertThat(orders).as("distinct delivery orders").hasSizeGreaterThan(count * 9 / 10);
        assertThat(allocations.size()).as("distinct final allocations").isGreaterThan(count / 10);
        assertThat(paged.size()).as("distinct host swap-outs per guest").isGreaterThan(count / 10);
        assertThat(pagedMost).as("guests the host paged most, schedule by schedule").hasSizeGreaterThan(1);
        assertThat(swapOuts).as("host swap-outs").isPositive();
        assertThat(balloon).as("ballooned pages").isPositive();
        assertThat(paraCowBreaks).as("para-virtual pages merged and broken").isPositive();
    }
}
