package ballast.host.offload;

/**
 * The offload controller's step, after Meta's Senpai (Weiner et al., "TMO: Transparent Memory
 * Offloading in Datacenters", ASPLOS 2022): once per period it reads the pressure; below the
 * target it offloads a step that shrinks as the pressure nears the target,
 * {@code maxStep x (1 - pressure / target)} of a guest's memory (Senpai's
 * {@code reclaim_ratio x (1 - pressure / target)}); at or above the target it backs off and
 * offloads nothing, and the guests' refaults bring back what they need. Plain arithmetic, no state
 * but its counters.
 */
public final class StepController {
    private final double target;
    private final double maxStep;
    private long steps;
    private long backoffs;

    public StepController(double target, double maxStep) {
        if (!(target > 0 && target < 1) || !(maxStep > 0 && maxStep <= 1)) {
            throw new IllegalArgumentException("need 0 < target < 1 and 0 < maxStep <= 1");
        }
        this.target = target;
        this.maxStep = maxStep;
    }

    /**
     * The share of a guest's memory to offload this period at {@code pressure}: {@code maxStep x
     * (1 - pressure / target)} below the target, 0 (a back-off) at or above it.
     */
    public double step(double pressure) {
        if (pressure >= target) {
            backoffs++;
            return 0;
        }
        steps++;
        return maxStep * (1 - Math.max(0, pressure) / target);
    }

    /** Whether a guest at {@code pressure} may give pages this period (its own pressure below the target). */
    public boolean below(double pressure) {
        return pressure < target;
    }

    public double target() {
        return target;
    }

    /** Periods that offloaded (pressure below the target). */
    public long steps() {
        return steps;
    }

    /** Periods that backed off (pressure at or above the target). */
    public long backoffs() {
        return backoffs;
    }
}
