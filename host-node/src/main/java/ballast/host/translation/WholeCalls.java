package ballast.host.translation;

import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import java.util.List;
import java.util.function.Consumer;

/**
 * A tick's batch of typed calls of one kind (free page reports, hotplug requests), each applied
 * whole or refused whole: a call beyond the {@code max} a tick may carry, a missing one, or one its
 * check refuses is counted against the guest, listed in {@code refusals} and marked in the returned
 * bit set (bit {@code i} for call {@code i}, within the first {@code max}); the others are applied in
 * order. Runs per tick and per call, never per access.
 */
public final class WholeCalls {
    private WholeCalls() {
    }

    /** Why call {@code index} may not be applied now, or null when it may. */
    @FunctionalInterface
    public interface Check<T> {
        Refusal check(int index, T call);
    }

    /**
     * Checks and applies {@code calls} in order (see the class comment); {@code noun} names one in a
     * refusal's detail ("free page report"); returns the bit set of the refused ones.
     */
    public static <T> long apply(GuestMemory g, List<T> calls, int max, String noun, Check<T> check, Consumer<T> apply,
                                 List<Refusal> refusals) {
        long refused = 0;
        for (int i = 0; i < calls.size(); i++) {
            T call = calls.get(i);
            Refusal r = i >= max
                    ? new Refusal(RefusalReason.BATCH_TOO_LARGE, i, noun + " " + i + " beyond the " + max
                    + " a tick may carry")
                    : call == null ? new Refusal(RefusalReason.MALFORMED, i, noun + " " + i + " is missing")
                    : check.check(i, call);
            if (r != null) {
                g.refuse(r.reason());
                refusals.add(r);
                if (i < max) {
                    refused |= 1L << i;
                }
                continue;
            }
            apply.accept(call);
        }
        return refused;
    }
}
