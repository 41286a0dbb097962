package ballast.scheduler.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which node agent runs which host: round-robin in host order over the agents (in the order given,
 * which is node order), skipping an agent that already has as many hosts as its capacity (0: no
 * limit). The same hosts and agents always give the same assignment, so every deployment of a
 * scenario plays the same run. Pure function, no state.
 */
public final class HostAssignment {

    /**
     * The outcome: each agent's hosts (by agent index, in host order), or the first host no agent
     * had room for ({@code unplaced}, null when every host has an agent).
     */
    public record Result(List<List<String>> hostsOfAgent, String unplaced) {
    }

    private HostAssignment() {
    }

    /** Assigns {@code hosts} (in order) to agents with these {@code capacities} (0: no limit). */
    public static Result assign(List<String> hosts, List<Integer> capacities) {
        int agents = capacities.size();
        List<List<String>> byAgent = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            byAgent.add(new ArrayList<>());
        }
        int next = 0;
        for (String host : hosts) {
            int chosen = -1;
            for (int tries = 0; tries < agents && chosen < 0; tries++) {
                int a = (next + tries) % agents;
                if (capacities.get(a) == 0 || byAgent.get(a).size() < capacities.get(a)) {
                    chosen = a;
                    next = (next + tries + 1) % agents;
                }
            }
            if (chosen < 0) {
                return new Result(byAgent, host);
            }
            byAgent.get(chosen).add(host);
        }
        return new Result(byAgent, null);
    }

    /** Host name to agent index, from a result. */
    public static Map<String, Integer> agentOfHost(Result result) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int a = 0; a < result.hostsOfAgent().size(); a++) {
            for (String h : result.hostsOfAgent().get(a)) {
                out.put(h, a);
            }
        }
        return out;
    }
}
