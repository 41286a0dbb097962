package ballast.scheduler.run;

/**
 * What a running simulation shares with the threads outside it: how far it has got (read by the
 * progress display) and whether it has been asked to stop (set by Ctrl-C). The clock writes the
 * progress and reads the stop request once per tick; everyone else only reads the progress and
 * writes the request. Thread-safe through volatile fields, one writer each.
 *
 * <p>Not final: the bench extends it to time every tick and to measure the heap in
 * {@link #finish()}, which the clock calls on its own thread after the last tick, before it hands
 * over the result, with the whole simulation still alive.
 */
public class RunControl {
    private volatile long ticksDone;
    private volatile boolean stopRequested;
    private volatile boolean finished;

    /** Asks the clock to end the run at the next tick boundary (after one last audited, sampled tick). */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** Ticks completed so far. */
    public long ticksDone() {
        return ticksDone;
    }

    /** Whether the clock has produced its result. */
    public boolean finished() {
        return finished;
    }

    /** Called by the clock after every tick. */
    public void tickDone(long ticks) {
        ticksDone = ticks;
    }

    /** Called by the clock when the run is over. */
    public void finish() {
        finished = true;
    }
}
