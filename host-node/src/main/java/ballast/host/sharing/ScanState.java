package ballast.host.sharing;

/** What the hypervisor found at a scanned page ({@link SharingResult#scanStates()}). */
public final class ScanState {
    /** The PPN has no frame: nothing to share. */
    public static final byte UNBACKED = 0;
    /** A private frame; its MPN and content hash are reported. */
    public static final byte PRIVATE = 1;
    /** Already mapped to a shared frame; its MPN and content hash are reported. */
    public static final byte SHARED = 2;
    /** No such guest or PPN. */
    public static final byte INVALID = 3;

    private ScanState() {
    }
}
