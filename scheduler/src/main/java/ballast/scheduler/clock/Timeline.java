package ballast.scheduler.clock;

import ballast.scheduler.scenario.TimedEvent;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The timed changes of a run, as the clock applies them between ticks.
 *
 * @param events      every event, in the order it applies (by tick, then as the scenario orders them)
 * @param places      where each guest runs: its host and its index there
 * @param notAtStart  guests that do not boot with the run: their hypervisors are told before tick 0
 *                    not to wait for them
 * @param guests      who starts, stops and changes guests
 */
public record Timeline(List<TimedEvent> events, Map<String, Place> places, List<String> notAtStart,
                       ActorRef<GuestControl> guests) {

    /** A guest's host and its index there. */
    public record Place(String host, int index) {
    }

    public Timeline {
        events = List.copyOf(events);
        places = Map.copyOf(places);
        notAtStart = List.copyOf(notAtStart);
    }

    /** Nothing changes during the run. */
    public static Timeline none() {
        return new Timeline(List.of(), Map.of(), List.of(), null);
    }
}
