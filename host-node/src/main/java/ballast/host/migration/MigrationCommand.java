package ballast.host.migration;

import ballast.abi.ToHypervisor;
import ballast.host.Hypervisor;
import ballast.wire.WireMessage;

/**
 * What a hypervisor accepts for live migration (pre-copy), from the scheduler and from the other
 * end of a migration. Sent only between ticks: the scheduler plays every migration step at a tick
 * boundary and waits for its reply before the next tick starts.
 */
public interface MigrationCommand extends ToHypervisor, WireMessage {
}
