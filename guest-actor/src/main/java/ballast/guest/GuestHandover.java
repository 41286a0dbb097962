package ballast.guest;

import ballast.wire.WireMessage;

/**
 * A guest leaving its host in a live migration's stop-and-copy: its name and its whole state (guest
 * OS, balloon driver, VM), from which a new incarnation on the destination host goes on
 * ({@link GuestVm#restored}).
 */
public record GuestHandover(String guest, GuestVmSnapshot snapshot) implements WireMessage {
}
