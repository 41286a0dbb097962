package ballast.host.time;

import java.lang.reflect.Field;

/**
 * Corrupts a guest's tick budget inside a {@link HostTime} through reflection, for the tests that
 * check that a breakdown which does not add up is reported: the model's own charges always add up,
 * so only a corrupted budget can show the check at work.
 */
public final class TickBudgetCorruption {
    private TickBudgetCorruption() {
    }

    /** Guest {@code g}'s budget of the last tick. */
    public static TickBudget budget(HostTime time, int g) throws ReflectiveOperationException {
        Field f = HostTime.class.getDeclaredField("budgets");
        f.setAccessible(true);
        return ((TickBudget[]) f.get(time))[g];
    }

    /** Adds {@code cycles} to vCPU {@code v}'s run time without moving its clock: the categories then overshoot the tick. */
    public static void addRunCycles(TickBudget budget, int v, long cycles) throws ReflectiveOperationException {
        Field f = TickBudget.class.getDeclaredField("spent");
        f.setAccessible(true);
        long[] spent = (long[]) f.get(budget);
        spent[v * (TickBudget.CATEGORIES - 1) + TickBudget.RUN] += cycles;
    }
}
