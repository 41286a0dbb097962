package ballast.scheduler.run;

import static ballast.scheduler.run.EsxReclamationTest.throughput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import ballast.app.scenario.ScenarioLoader;
import ballast.host.control.GuestStats;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The library's scenarios about what reclamation costs a guest in time (esx-balloon-overhead.conf,
 * balloon-vs-swap.conf), end to end, against what their comments promise: the direction and rough
 * size of each effect. Both play their whole duration (a minute or so of wall time each): their
 * effects show only once the guests have filled their memory and the host has reclaimed it, and a
 * shorter run stops in the middle of that.
 */
class TimeScenariosTest {
    static final Path LIBRARY = EsxReclamationTest.LIBRARY;
    static final double DEMAND = 20_000;

    @Test
    void balloonedGuestsReachTheirTargetsLoseThroughputWhileReclaimingThenRunAsFastAsNativeOnes() throws Exception {
        Scenario s = ScenarioLoader.load(LIBRARY.resolve("esx-balloon-overhead.conf"), List.of(), null);
        RunResult r = Simulation.run(s, Simulation.Options.defaults());
        assertThat(r.ok()).as(r.failure() + " " + r.violations()).isTrue();
        double end = s.durationSeconds();
        double previousLoss = 1;
        for (int mb : new int[] {128, 160, 192, 224}) {
            GuestStats ballooned = guest(r, "balloon-" + mb);
            GuestStats nativ = guest(r, "native-" + mb);
            // the host's memory leaves the policy about X MB for the 256 MB guest: it ends there, most of
            // the rest in its balloon (host paging took what the balloon was too slow for)
            assertThat(ballooned.reclaim().targetPages() / 256.0).as("target of balloon-%d, MB", mb)
                    .isCloseTo(mb, withinPercentage(3));
            assertThat(ballooned.allocatedPages() / 256.0).as("allocation of balloon-%d, MB", mb)
                    .isCloseTo(mb, withinPercentage(3));
            assertThat(ballooned.reclaim().balloonPages() / 256.0).as("balloon of balloon-%d, MB", mb)
                    .isGreaterThan(0.5 * (256 - mb)).isLessThanOrEqualTo(256 - mb);
            // the native guest never pages: it runs at its demand
            assertThat(nativ.time().throughput()).as("native-%d", mb).isCloseTo(DEMAND, withinPercentage(1));
            // over the run, reclaiming while the cache filled cost the ballooned guest, the more the less memory it keeps
            double loss = 1 - ballooned.time().throughput() / nativ.time().throughput();
            assertThat(loss).as("balloon-%d's loss against native-%d over the run", mb, mb)
                    .isGreaterThan(0.03).isLessThan(previousLoss);
            previousLoss = loss;
            // once reclaimed, it runs as fast as the guest configured with that memory (the paper: 1.4 to 4.4% slower)
            assertThat(throughput(r, "balloon-" + mb, end - 60, end)).as("balloon-%d over the last 60 s", mb)
                    .isCloseTo(throughput(r, "native-" + mb, end - 60, end), withinPercentage(5));
        }
        assertThat(1 - guest(r, "balloon-128").time().throughput() / DEMAND).as("loss at 128 MB over the run")
                .isBetween(0.15, 0.7);
        r.guests().forEach(g -> assertThat(g.readMismatches()).as(g.name()).isZero());
    }

    @Test
    void ballooningOutrunsHostPagingOnTheSameOvercommittedHostAndAloneDoublePages() throws Exception {
        Scenario s = ScenarioLoader.load(LIBRARY.resolve("balloon-vs-swap.conf"), List.of(), null);
        List<ch.qos.logback.classic.spi.ILoggingEvent> log = new java.util.ArrayList<>();
        RunResult r = runCapturingLogs(s, log);
        assertThat(r.ok()).as(r.failure() + " " + r.violations()).isTrue();
        double end = s.durationSeconds();
        double balloonRun = 0;
        double swapRun = 0;
        for (int i = 1; i <= 3; i++) {
            GuestStats b = guest(r, "b" + i);
            GuestStats w = guest(r, "s" + i);
            balloonRun += b.time().throughput() / 3;
            swapRun += w.time().throughput() / 3;
            // ballooning: the guest pages itself (I/O wait of its own), and pages out some the host had swapped
            assertThat(b.reclaim().guestPageOuts()).as("b%d guest page-outs", i).isPositive();
            assertThat(b.time().ioWaitSeconds()).as("b%d I/O wait", i).isPositive();
            assertThat(b.reclaim().doublePagings()).as("b%d double pagings", i).isPositive();
            // host paging alone: no guest paging, so no I/O wait of its own and no double paging, but
            // more waiting for host swap-ins than the ballooned guest
            assertThat(w.reclaim().guestPageOuts()).as("s%d guest page-outs", i).isZero();
            assertThat(w.time().ioWaitSeconds()).as("s%d I/O wait", i).isZero();
            assertThat(w.reclaim().doublePagings()).as("s%d double pagings", i).isZero();
            assertThat(w.reclaim().balloonPages()).as("s%d balloon", i).isZero();
            assertThat(w.time().hostSwapWaitSeconds()).as("s%d host swap wait", i)
                    .isGreaterThan(2 * b.time().hostSwapWaitSeconds());
            // at the end the ballooned guests run at their demand, the host-paged ones well below it
            assertThat(throughput(r, "b" + i, end - 60, end)).as("b%d over the last 60 s", i)
                    .isCloseTo(DEMAND, withinPercentage(5));
            assertThat(throughput(r, "s" + i, end - 60, end)).as("s%d over the last 60 s", i)
                    .isLessThan(0.5 * DEMAND);
        }
        assertThat(balloonRun / swapRun).as("throughput over the run, balloon / swap (%.0f / %.0f)", balloonRun, swapRun)
                .isBetween(3.0, 20.0);
        // a guest without a balloon driver says once that it ignores its target
        assertThat(log).filteredOn(e -> e.getFormattedMessage().contains("ballooning is disabled for this guest"))
                .extracting(e -> e.getFormattedMessage().substring(0, 2))
                .containsExactlyInAnyOrder("s1", "s2", "s3");
        r.guests().forEach(g -> assertThat(g.readMismatches()).as(g.name()).isZero());
    }

    private static GuestStats guest(RunResult r, String name) {
        return r.guests().stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no guest " + name));
    }

    /** Plays {@code s} with the logs it writes kept in {@code log} instead of printed. */
    static RunResult runCapturingLogs(Scenario s, List<ch.qos.logback.classic.spi.ILoggingEvent> log) throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        root.addAppender(appender);
        try {
            return Simulation.run(s, Simulation.Options.defaults());
        } finally {
            root.detachAppender(appender);
            log.addAll(appender.list);
        }
    }
}
