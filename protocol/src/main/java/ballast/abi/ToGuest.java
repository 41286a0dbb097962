package ballast.abi;

import ballast.wire.WireMessage;

/** Everything a hypervisor sends a guest: boot replies, tick starts, remap notices and tick results. */
public sealed interface ToGuest extends WireMessage permits Booted, BootRefused, TickStart, TickResult, RemapNotice {
}
