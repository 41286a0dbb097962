package ballast.host.abi;

/**
 * Play tick {@code tick}: generate this tick's work and send it as one {@link TickWork}.
 *
 * @param audit whether the guest's {@link TickAck} must carry its full integrity record
 */
public record TickStart(long tick, boolean audit) implements ToGuest {
}
