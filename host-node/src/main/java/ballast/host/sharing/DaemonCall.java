package ballast.host.sharing;

import ballast.abi.ToHypervisor;
import ballast.host.Hypervisor;
import ballast.wire.WireMessage;

/**
 * Everything a page-sharing daemon sends its hypervisor: its work for a tick and its
 * acknowledgement. The hypervisor accepts them only from its own daemon (the reply address).
 */
public sealed interface DaemonCall extends ToHypervisor, WireMessage permits SharingWork, SharingAck {
    long tick();
}
