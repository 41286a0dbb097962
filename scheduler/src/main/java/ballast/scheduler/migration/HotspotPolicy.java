package ballast.scheduler.migration;

import ballast.host.control.HostStats;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hotspot trigger's decisions, without actors: at each tick boundary of a deterministic run
 * (while {@code hotspot.enabled = true}), which guests to move off which hosts. Where each goes is
 * not its choice: the placement policy picks the destination among the hosts that are not busy and
 * not in one of {@code hotspot.states}. The built-in policy is {@link FreeStatesHotspot}
 * ({@code free-states}); a plug-in adds one through a {@link HotspotPolicyProvider}.
 *
 * <p>One instance serves one run; it is called on the scheduler's thread, once per boundary, and may
 * keep state between calls (how long a host has been hot, say). It must not block.
 */
public interface HotspotPolicy {

    /** The name a scenario selects it by ({@code hotspot.policy}). */
    String name();

    /**
     * Looks at every host after the tick before {@code tick}; returns the moves to start now (in
     * the order they should start). A decision naming a guest that cannot move now is passed over.
     *
     * @param tick   the tick that starts after this boundary
     * @param hosts  each host's last sample, by name
     * @param guests each host's guests that may move now (not migrating, not pinned), with their pages
     * @param busy   hosts that are sending or receiving a guest already
     */
    List<Decision> observe(long tick, Map<String, HostStats> hosts, Map<String, List<GuestLoad>> guests,
                           Set<String> busy);

    /** A guest on a host, with the pages it holds there. */
    record GuestLoad(String name, long allocatedPages) {
    }

    /** Move {@code guest} away from {@code host}. */
    record Decision(String host, String guest) {
    }
}
