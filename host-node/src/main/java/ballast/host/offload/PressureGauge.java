package ballast.host.offload;

/**
 * Memory pressure as Linux's pressure stall information reports it ({@code /proc/pressure/memory},
 * the {@code some} line's {@code avg10}), from the time model's figures instead of task states.
 *
 * <p>What is computed, per tick of {@code t} seconds: a vCPU's stall is its time blocked for memory:
 * host swap-ins, its own OS's page-ins from its virtual disk (the simulated guest's only disk
 * reads are paging) and stalls by the host's low state; its non-idle time is the tick less its idle
 * time. A guest's vCPUs are taken as alike (the time model keeps their sum): for guest {@code g}
 * with {@code v} vCPUs, {@code stall_g / v} per vCPU. PSI aggregates CPUs weighted by their
 * non-idle time, so
 *
 * <pre>
 *   guest sample  = (stall_g / v_g) / t
 *   host sample   = [ sum_g (stall_g / v_g) * nonIdle_g ] / [ sum_g nonIdle_g ] / t     (0 when all idle)
 * </pre>
 *
 * and each is averaged like PSI's avg10, an exponential moving average with a 10 s window, here
 * folded in every tick: {@code avg = avg * e^(-t / 10) + sample * (1 - e^(-t / 10))} (Linux folds
 * 2 s averages with {@code e^(-2 / 10)}). All values in [0, 1].
 */
public final class PressureGauge {
    /** PSI's avg10 window, seconds. */
    public static final double WINDOW_SECONDS = 10.0;

    private final double decay;
    private double average;
    private double last;

    public PressureGauge(double tickSeconds) {
        this.decay = Math.exp(-tickSeconds / WINDOW_SECONDS);
    }

    /** Folds one tick's sample (in [0, 1]) into the average. */
    public void add(double sample) {
        double s = Math.max(0, Math.min(1, sample));
        last = s;
        average = average * decay + s * (1 - decay);
    }

    /** The avg10-like average. */
    public double average() {
        return average;
    }

    /** The last tick's sample. */
    public double last() {
        return last;
    }

    /** Starts again from 0 (a guest that boots afresh). */
    public void reset() {
        average = 0;
        last = 0;
    }
}
