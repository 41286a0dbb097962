package ballast.scheduler.clock;

import ballast.scheduler.scenario.Scenario;
import java.time.Duration;
import java.util.List;

/**
 * What the clock needs to know about the run.
 *
 * @param freeRunning    no tick barrier: each host plays the whole run as fast as its guests go
 *                       (reports progress every {@code checkEvery} applied works, then once at the end)
 * @param barrierTimeout how long to wait for a host's next report before failing the run
 */
public record ClockPlan(long ticks, long sampleEveryTicks, double tickSeconds, boolean auditEveryTick,
                   Duration barrierTimeout, List<String> hostNames, boolean freeRunning, long checkEvery) {

    /** The plan of {@code scenario} over {@code hostNames}; free-running checks about once per round of guests. */
    public static ClockPlan of(Scenario scenario, List<String> hostNames, boolean auditEveryTick,
                               Duration barrierTimeout) {
        return new ClockPlan(scenario.ticks(), scenario.sampleEveryTicks(), scenario.tickSeconds(), auditEveryTick,
                barrierTimeout, hostNames, Scenario.FREE_RUNNING.equals(scenario.mode()),
                Math.max(64, scenario.guests().size()));
    }
}
