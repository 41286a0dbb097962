package ballast.guest.balloon;

import ballast.guest.GuestMemorySettings;
import ballast.abi.TickResult;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * The balloon driver's bookkeeping and its step, as a plain object (the {@link BalloonDriver}
 * actor routes messages to it). It owns the list of ballooned PPNs.
 *
 * <p>The algorithm is Xen's balloon loop, once per tick: {@code credit = target - current}; move
 * one batch toward the target, at most {@link GuestMemorySettings#balloonPagesPerTick()} pages and
 * never beyond {@link GuestMemorySettings#balloonCapPages()}; end with a named {@link Outcome}.
 * A positive credit inflates: the driver asks its guest OS for that many pinned pages, whose PPNs
 * go to the hypervisor in the guest's next work ({@code Reservation.inflate}). A negative credit
 * deflates: the driver names ballooned PPNs, most recently ballooned first, in the next work
 * ({@code Reservation.deflate}), and frees them to the guest OS once the hypervisor confirmed.
 *
 * <p>Timing. The step for {@code TickStart(n)} ({@link #step}) goes into the work of tick
 * {@code n + 1}; that work's {@link TickResult} reaches the driver with {@code TickStart(n + 2)}.
 * So at each step one call has just been resolved and one is in flight, and
 * {@code current} counts the confirmed balloon plus the inflate in flight (as if it will succeed)
 * and excludes the PPNs of a deflate in flight (as if it will succeed).
 *
 * <p>Outcomes and back-off:
 * <ul>
 *   <li>{@link Outcome#DONE}: the step reaches the target (or there was nothing to do);</li>
 *   <li>{@link Outcome#AGAIN}: the step moved a batch and more remains (next tick goes on), or the
 *       guest could provide fewer pages than asked (then the driver backs off);</li>
 *   <li>{@link Outcome#CANCELLED}: the hypervisor refused the call resolved at this step
 *       ({@link TickResult#INFLATE_REFUSED}: its PPNs go back to the guest's free list;
 *       {@link TickResult#DEFLATE_REFUSED}: its PPNs stay in the balloon); the driver makes no
 *       move and backs off;</li>
 *   <li>{@link Outcome#BACKING_OFF}: a tick of back-off, no step taken. After an unsuccessful step
 *       at tick {@code s} the driver takes no step at ticks {@code s + 1 .. s + balloonBackoffTicks}.</li>
 * </ul>
 *
 * <p>A pop ({@link TickResult#POPPED} in the result of tick {@code m}): the hypervisor emptied the
 * balloon while tick {@code m}'s operations ran. The driver resets: every PPN it held in the
 * balloon goes back to the guest's free list, and so do the PPNs of every deflate in flight (they
 * were popped); tick {@code m}'s own inflate, applied by the hypervisor after the operations, is
 * the new balloon unless it was refused. This follows the order the {@code Reservation} contract
 * gives (operations, then inflate, then deflate).
 *
 * <p>Owned by one {@link BalloonDriver}, not thread-safe.
 */
public final class Balloon {
    private static final int[] NONE = new int[0];

    /** How a step ended. */
    public enum Outcome {
        /** The target is reached (or nothing was to be done). */
        DONE,
        /** A batch moved and more remains, or the guest could not provide the pages now (then a back-off). */
        AGAIN,
        /** The hypervisor refused the call resolved at this step; back-off. */
        CANCELLED,
        /** Waiting out a back-off: no step was taken. */
        BACKING_OFF
    }

    /**
     * What one step asks of the guest OS, for the work of tick {@code tick + 1}: pin
     * {@code pinPages} pages (the inflate), name {@code deflate}, free {@code release}.
     */
    public record Orders(long tick, int pinPages, int[] deflate, int[] release, Outcome outcome)
            implements NoSerializationVerificationNeeded {
    }

    /** A balloon call sent in the work of {@code workTick}; {@code inflate} is null until the guest pinned. */
    private static final class Call {
        final long workTick;
        final int requested;
        int[] inflate;
        int[] deflate;

        Call(long workTick, int requested, int[] deflate) {
            this.workTick = workTick;
            this.requested = requested;
            this.inflate = requested == 0 ? NONE : null;
            this.deflate = deflate;
        }
    }

    private final GuestMemorySettings settings;
    /** PPNs the hypervisor holds ballooned, as far as results have told, in the order they were ballooned. */
    private final IntArrayList ballooned = new IntArrayList();
    /** Calls sent and not yet resolved, oldest first: at most two. */
    private Call older;
    private Call newer;
    /** No step is taken at a tick below this one. */
    private long backoffUntil = Long.MIN_VALUE;
    private Outcome lastOutcome = Outcome.DONE;
    private long pops;
    private long refusals;

    public Balloon(GuestMemorySettings settings) {
        this.settings = settings;
    }

    /** A balloon call in flight, as it travels with a migrating guest ({@code inflate} null: not pinned yet). */
    public record CallState(long workTick, int requested, int[] inflate, int[] deflate) {
    }

    /**
     * The driver's whole state between two ticks, as it travels in a live migration's
     * stop-and-copy (the driver is part of the guest's kernel): the ballooned PPNs in order, the
     * calls in flight (null when none), the back-off and the counts.
     */
    public record State(int[] ballooned, CallState older, CallState newer, long backoffUntil, Outcome lastOutcome,
                        long pops, long refusals) {
    }

    public State state() {
        return new State(ballooned.toIntArray(), saved(older), saved(newer), backoffUntil, lastOutcome, pops, refusals);
    }

    private static CallState saved(Call c) {
        return c == null ? null : new CallState(c.workTick, c.requested, c.inflate == null ? null : c.inflate.clone(),
                c.deflate.clone());
    }

    /** A driver that goes on from {@code state} (taken by {@link #state} on the guest's previous host). */
    public Balloon(GuestMemorySettings settings, State state) {
        this.settings = settings;
        ballooned.addElements(0, state.ballooned());
        older = restored(state.older());
        newer = restored(state.newer());
        if (older == null && newer != null) {
            throw new IllegalArgumentException("a newer balloon call without an older one");
        }
        backoffUntil = state.backoffUntil();
        lastOutcome = state.lastOutcome();
        pops = state.pops();
        refusals = state.refusals();
    }

    private static Call restored(CallState c) {
        if (c == null) {
            return null;
        }
        Call call = new Call(c.workTick(), c.requested(), c.deflate() == null ? NONE : c.deflate().clone());
        call.inflate = c.inflate() == null ? null : c.inflate().clone();
        return call;
    }

    /**
     * The driver's step for {@code TickStart(tick)}: first resolves the call whose result came
     * with this tick ({@code status} is {@link TickResult#balloonStatus()} of tick
     * {@code tick - 1}), then, unless backing off, moves toward {@code targetPages}.
     */
    public Orders step(long tick, int targetPages, int status) {
        IntArrayList release = new IntArrayList(0);
        boolean cancelled = resolve(tick - 1, status, release);
        Outcome outcome;
        int pin = 0;
        int[] deflate = NONE;
        if (cancelled) {
            outcome = Outcome.CANCELLED;
            refusals++;
            backOff(tick);
        } else if (tick < backoffUntil) {
            outcome = Outcome.BACKING_OFF;
        } else {
            int goal = Math.max(0, Math.min(targetPages, settings.balloonCapPages()));
            int current = currentPages();
            int credit = goal - current;
            int batch = settings.balloonPagesPerTick();
            if (credit > 0) {
                // never beyond the cap, even should a deflate in flight be refused
                int room = settings.balloonCapPages() - current - deflatingPages();
                pin = Math.max(0, Math.min(Math.min(credit, batch), room));
                outcome = pin == credit ? Outcome.DONE : Outcome.AGAIN;
            } else if (credit < 0) {
                int give = Math.min(Math.min(-credit, batch), ballooned.size());
                deflate = new int[give];
                for (int i = 0; i < give; i++) {
                    deflate[i] = ballooned.removeInt(ballooned.size() - 1);
                }
                outcome = give == -credit ? Outcome.DONE : Outcome.AGAIN;
            } else {
                outcome = Outcome.DONE;
            }
            if (pin > 0 || deflate.length > 0) {
                Call call = new Call(tick + 1, pin, deflate);
                if (older == null) {
                    older = call;
                } else {
                    newer = call;
                }
            }
        }
        if (outcome != Outcome.BACKING_OFF) {
            lastOutcome = outcome;
        }
        return new Orders(tick, pin, deflate, release.toIntArray(), outcome);
    }

    /**
     * The guest OS pinned {@code ppns} for the inflate of the work of {@code workTick}. Fewer than
     * the step asked for make the step's outcome {@link Outcome#AGAIN} and start a back-off.
     */
    public void pinned(long workTick, int[] ppns) {
        Call c = newer != null && newer.workTick == workTick ? newer : older != null && older.workTick == workTick ? older : null;
        if (c == null || c.inflate != null) {
            throw new IllegalStateException("pages pinned for tick " + workTick + ", which asked for none");
        }
        if (ppns.length > c.requested) {
            throw new IllegalStateException(ppns.length + " pages pinned for tick " + workTick + ", " + c.requested + " asked");
        }
        c.inflate = ppns;
        if (ppns.length < c.requested) {
            lastOutcome = Outcome.AGAIN;
            backOff(workTick - 1);
        }
        if (ppns.length == 0 && c.deflate.length == 0) {
            // Nothing went to the hypervisor: no call to resolve. The guest may skip the exchange of
            // the next tick (its work carried no balloon call), so the call must not wait for it.
            if (c == older) {
                older = newer;
            }
            newer = null;
        }
    }

    /** Resolves the call sent in the work of {@code workTick} with its result's status; true when it was refused. */
    private boolean resolve(long workTick, int status, IntArrayList release) {
        if (older != null && older.workTick < workTick) {
            // each step resolves the call of the work before its tick: no older one can be left
            throw new IllegalStateException("balloon call of tick " + older.workTick + " unresolved at tick " + (workTick + 1));
        }
        Call c = null;
        if (older != null && older.workTick == workTick) {
            c = older;
            older = newer;
            newer = null;
        }
        if (c != null && c.inflate == null) {
            throw new IllegalStateException("the inflate of tick " + workTick + " was never pinned");
        }
        boolean popped = (status & TickResult.POPPED) != 0;
        boolean cancelled = false;
        if (popped) {
            pops++;
            release.addAll(ballooned);
            ballooned.clear();
            for (Call inFlight : new Call[] {older, newer}) {
                if (inFlight != null) {
                    release.addElements(release.size(), inFlight.deflate);
                    inFlight.deflate = NONE;
                }
            }
        }
        if (c == null) {
            return false;
        }
        if (c.inflate.length > 0) {
            if ((status & TickResult.INFLATE_REFUSED) != 0) {
                release.addElements(release.size(), c.inflate);
                cancelled = true;
            } else {
                ballooned.addElements(ballooned.size(), c.inflate);
            }
        }
        if (c.deflate.length > 0) {
            if (popped) {
                release.addElements(release.size(), c.deflate);
            } else if ((status & TickResult.DEFLATE_REFUSED) != 0) {
                ballooned.addElements(ballooned.size(), c.deflate);
                cancelled = true;
            } else {
                release.addElements(release.size(), c.deflate);
            }
        }
        return cancelled;
    }

    private void backOff(long stepTick) {
        backoffUntil = stepTick + settings.balloonBackoffTicks() + 1;
    }

    /** The balloon's size as the driver counts it: confirmed, plus the inflate in flight, less the deflate in flight. */
    public int currentPages() {
        int n = ballooned.size();
        for (Call c : new Call[] {older, newer}) {
            if (c != null) {
                n += c.inflate == null ? c.requested : c.inflate.length;
            }
        }
        return n;
    }

    private int deflatingPages() {
        int n = 0;
        for (Call c : new Call[] {older, newer}) {
            if (c != null) {
                n += c.deflate.length;
            }
        }
        return n;
    }

    /** PPNs confirmed in the balloon (excluding any named by a deflate in flight). */
    public int[] balloonedPpns() {
        return ballooned.toIntArray();
    }

    /** The outcome of the last step taken (a back-off tick takes none). */
    public Outcome lastOutcome() {
        return lastOutcome;
    }

    /** The first tick at which the driver steps again (a tick at or before the last step when not backing off). */
    public long backoffUntil() {
        return backoffUntil;
    }

    /** Times the balloon popped. */
    public long pops() {
        return pops;
    }

    /** Calls the hypervisor refused. */
    public long refusals() {
        return refusals;
    }

    /** Whether a call is sent and not yet resolved. */
    public boolean callsInFlight() {
        return older != null || newer != null;
    }
}
