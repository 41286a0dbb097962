package ballast.scheduler.scenario;

import ballast.guest.GuestSettings;
import ballast.host.HostSettings;
import java.util.List;

/**
 * A validated scenario, ready to run: every value typed, defaults applied, guests expanded
 * ({@code count = N}) and placed, everything in canonical order (hosts and guests sorted by name,
 * naturally: web-2 before web-10).
 *
 * @param name            scenario.name, or the file's base name
 * @param source          the file it was read from (or "embedded:quickstart.conf")
 * @param seed            scenario.seed after any --seed
 * @param durationSeconds simulated seconds to play
 * @param tickSeconds     simulated seconds per tick
 * @param ticks           ticks to play: floor(duration / tick)
 * @param mode            "deterministic" or "free-running"
 * @param sampleEveryTicks ticks between two time-series samples (>= 1)
 * @param hosts           every host, each listing its guests (index = position on the host)
 * @param guests          every guest, in canonical order
 * @param rendered        the scenario as run (merged with defaults and overrides), as HOCON text
 */
public record Scenario(String name, String source, long seed, double durationSeconds, double tickSeconds,
                       long ticks, String mode, long sampleEveryTicks, List<HostSettings> hosts,
                       List<GuestSettings> guests, String rendered) {
    public static final String DETERMINISTIC = "deterministic";
    public static final String FREE_RUNNING = "free-running";
}
