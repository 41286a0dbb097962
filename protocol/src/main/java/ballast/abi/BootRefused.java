package ballast.abi;

/** The hypervisor will not run this guest. */
public record BootRefused(int guest, RefusalReason reason, String detail) implements ToGuest {
}
