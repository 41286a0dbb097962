package ballast.host.control;

import ballast.wire.WireMessage;
import java.util.List;

/**
 * A hypervisor has played a tick.
 *
 * @param host            host figures after the tick (always)
 * @param guests          per-guest figures, in guest order, when the tick was a sampling point; else empty
 * @param invariantChecks how many invariant checks ran for this tick (0 unless audited)
 * @param violations      what was violated, one line each; empty when all held
 */
public record HostTickDone(String hostName, long tick, HostStats host, List<GuestStats> guests,
                           long invariantChecks, List<String> violations) implements WireMessage {
}
