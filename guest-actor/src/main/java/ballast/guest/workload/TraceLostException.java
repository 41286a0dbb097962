package ballast.guest.workload;

/**
 * A trace a guest replays can no longer be read (removed, truncated or damaged after the scenario
 * was read). The guest actor fails with it: its input is gone, so it is stopped (never restarted)
 * and the run fails naming the trace.
 */
public final class TraceLostException extends RuntimeException {
    public TraceLostException(String message) {
        super(message);
    }
}
