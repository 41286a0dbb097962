package ballast.guest;

import ballast.host.wire.WireMessage;

/**
 * A guest leaving its host in a live migration's stop-and-copy: its name and its guest OS state,
 * from which a new incarnation on the destination host goes on ({@link GuestVm#restored}).
 */
public record GuestHandover(String guest, GuestOsSnapshot snapshot) implements WireMessage {
}
