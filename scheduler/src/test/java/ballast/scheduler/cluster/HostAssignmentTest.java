package ballast.scheduler.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hosts go round-robin over the node agents, skipping an agent at its capacity. */
class HostAssignmentTest {

    @Test
    void hostsGoRoundRobinInHostOrder() {
        HostAssignment.Result r = HostAssignment.assign(List.of("a", "b", "c", "d", "e"), List.of(0, 0));
        assertThat(r.unplaced()).isNull();
        assertThat(r.hostsOfAgent()).containsExactly(List.of("a", "c", "e"), List.of("b", "d"));
        assertThat(HostAssignment.agentOfHost(r)).isEqualTo(Map.of("a", 0, "b", 1, "c", 0, "d", 1, "e", 0));
    }

    @Test
    void anAgentAtItsCapacityIsSkipped() {
        HostAssignment.Result r = HostAssignment.assign(List.of("a", "b", "c", "d"), List.of(1, 0, 2));
        assertThat(r.hostsOfAgent()).containsExactly(List.of("a"), List.of("b", "d"), List.of("c"));
    }

    @Test
    void aHostNoAgentHasRoomForIsNamed() {
        HostAssignment.Result r = HostAssignment.assign(List.of("a", "b", "c"), List.of(1, 1));
        assertThat(r.unplaced()).isEqualTo("c");
    }
}
