package ballast.abi;

/**
 * The guest may run. A para-virtual guest gets its physical-to-machine table (MPN per PPN),
 * populated at domain creation as Xen's domain builder does; other guests get an empty array.
 */
public record Booted(int guest, int[] p2m) implements ToGuest {
}
