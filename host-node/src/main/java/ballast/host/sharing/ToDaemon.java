package ballast.host.sharing;

import ballast.wire.WireMessage;

/** Everything a hypervisor sends its page-sharing daemon: the tick start and the tick's results. */
public sealed interface ToDaemon extends WireMessage permits SharingTickStart, SharingResult {
}
