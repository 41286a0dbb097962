package ballast.host.control;

/**
 * One of a host's devices in the time model: what it served and how long its requests waited
 * (queueing and service, from arrival to completion).
 *
 * @param name        its preset or settings name (e.g. disk-2002)
 * @param role        {@code swap}, {@code disk}, or {@code swap+disk} when one device holds both
 * @param requests    requests served
 * @param bytes       bytes moved
 * @param busySeconds simulated seconds it was serving
 * @param meanWaitMs  mean wait of a request, ms
 * @param p99WaitMs   99th percentile of the waits, ms
 */
public record DeviceStats(String name, String role, long requests, long bytes, double busySeconds, double meanWaitMs,
                          double p99WaitMs) {
}
