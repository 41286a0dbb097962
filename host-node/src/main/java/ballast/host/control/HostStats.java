package ballast.host.control;

/** A host's frame accounting at one instant. */
public record HostStats(long framesTotal, long framesFree, long framesMapped, long framesReserved,
                        long framesShared) {
}
