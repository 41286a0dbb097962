package ballast.host.sharing;

/** Play tick {@code tick}: send this tick's scan requests and merge proposals as one {@link SharingWork}. */
public record SharingTickStart(long tick) implements ToDaemon {
}
