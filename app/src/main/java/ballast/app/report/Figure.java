package ballast.app.report;

import java.util.function.Function;

/**
 * One named figure of a run's outputs (a Long, a Double, a Boolean or a String) and how to read it
 * from the statistics {@code S} it comes from (a guest's or a host's). The lists of figures are
 * {@link GuestFigures} and {@link HostFigures}. A name with a dot is a member of a group:
 * {@code eventCounts.syscall} is {@code syscall} inside the {@code eventCounts} object of
 * {@code summary.json}, and a column of that name in the csv files.
 *
 * @param <S> the statistics read
 */
public record Figure<S>(String name, Function<S, Object> value) {
    /** The group before the dot, or null. */
    public String group() {
        int dot = name.indexOf('.');
        return dot < 0 ? null : name.substring(0, dot);
    }

    /** The name inside its group (the whole name when it has none). */
    public String member() {
        return name.substring(name.indexOf('.') + 1);
    }
}
