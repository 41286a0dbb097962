package ballast.guest.workload;

/**
 * One stretch of a workload: how many distinct pages it uses, how fast and how it picks them.
 * A uniform workload is one phase with {@code hotFraction = 1}; an idle one has no accesses.
 *
 * @param durationSeconds    how long the phase lasts in simulated seconds (the last phase lasts forever)
 * @param workingSetPages    distinct pages the phase touches, page indices 0 .. workingSetPages-1
 * @param accessesPerSecond  memory accesses per simulated second
 * @param writeFraction      share of accesses that are writes, in [0, 1]
 * @param hotFraction        share of the working set that is hot, in (0, 1]
 * @param hotAccessFraction  share of accesses that go to the hot pages, in [0, 1]
 */
public record Phase(double durationSeconds, int workingSetPages, double accessesPerSecond, double writeFraction,
                    double hotFraction, double hotAccessFraction) {

    public static Phase uniform(double durationSeconds, int workingSetPages, double accessesPerSecond, double writeFraction) {
        return new Phase(durationSeconds, workingSetPages, accessesPerSecond, writeFraction, 1.0, 1.0);
    }

    public static Phase idle(double durationSeconds) {
        return new Phase(durationSeconds, 0, 0, 0, 1.0, 1.0);
    }
}
