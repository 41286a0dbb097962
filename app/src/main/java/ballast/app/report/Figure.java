package ballast.app.report;

import java.util.function.Function;

/**
 * One named figure of a run's outputs (a Long, a Double, a Boolean or a String), declared once with
 * its {@link Kind}, its unit, a human title and a one-line meaning, and how to read it from the
 * statistics {@code S} it comes from (a guest's or a host's). The lists of figures are
 * {@link GuestFigures} and {@link HostFigures}; {@code summary.json}, the csv files, the report's
 * charts and the figure tables of {@code docs/outputs.md} are all made from them. A name with a dot
 * is a member of a group: {@code eventCounts.syscall} is {@code syscall} inside the
 * {@code eventCounts} object of {@code summary.json}, and a column of that name in the csv files.
 *
 * @param name    the key in summary.json and the column in the csv files
 * @param kind    what the number is, which decides how it is drawn
 * @param unit    the unit of one value ({@link #PAGES}, {@code "s"}, {@code "cycles"}, {@code "%"}, ...)
 * @param title   a short human title, for legends and chart titles
 * @param meaning one sentence for the docs
 * @param setting whether it is a setting (configured, not something that happens): not drawn over time
 * @param value   how to read it
 * @param <S> the statistics read
 */
public record Figure<S>(String name, Kind kind, String unit, String title, String meaning, boolean setting,
                        Function<S, Object> value) {

    /** Pages of 4 KiB: levels in this unit are drawn in MiB. */
    public static final String PAGES = "pages";

    /** What a figure's number is. */
    public enum Kind {
        /** How much there is now (pages in a balloon): drawn as it is. */
        LEVEL,
        /** How many so far, never decreasing (accesses): drawn as its rate per simulated second. */
        COUNTER,
        /** Already a rate (per second): drawn as it is. */
        RATE,
        /** A share or a percentage (overhead in percent): drawn as it is, never as a rate. */
        RATIO,
        /** Yes or no (true / false; 1 / 0 in the csv): drawn as it is, never as a rate. */
        BOOLEAN,
        /** A word (a state, a policy's name): in the tables only. */
        TEXT;

        /** The kind's name in the docs. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A level, such as pages held now. */
    public static <S> Figure<S> level(String name, String unit, String title, String meaning, Function<S, Object> value) {
        return new Figure<>(name, Kind.LEVEL, unit, title, meaning, false, value);
    }

    /** A cumulative count. */
    public static <S> Figure<S> counter(String name, String unit, String title, String meaning, Function<S, Object> value) {
        return new Figure<>(name, Kind.COUNTER, unit, title, meaning, false, value);
    }

    /** A rate per second. */
    public static <S> Figure<S> rate(String name, String unit, String title, String meaning, Function<S, Object> value) {
        return new Figure<>(name, Kind.RATE, unit, title, meaning, false, value);
    }

    /** A share or a percentage. */
    public static <S> Figure<S> ratio(String name, String unit, String title, String meaning, Function<S, Object> value) {
        return new Figure<>(name, Kind.RATIO, unit, title, meaning, false, value);
    }

    /** A yes/no figure. */
    public static <S> Figure<S> bool(String name, String title, String meaning, Function<S, Object> value) {
        return new Figure<>(name, Kind.BOOLEAN, "", title, meaning, false, value);
    }

    /** A word. */
    public static <S> Figure<S> text(String name, String title, String meaning, Function<S, Object> value) {
        return new Figure<>(name, Kind.TEXT, "", title, meaning, false, value);
    }

    /** {@code figure} as a setting: configured, not drawn over time. */
    public static <S> Figure<S> setting(Figure<S> figure) {
        return new Figure<>(figure.name, figure.kind, figure.unit, figure.title, figure.meaning, true, figure.value);
    }

    /** The group before the dot, or null. */
    public String group() {
        int dot = name.indexOf('.');
        return dot < 0 ? null : name.substring(0, dot);
    }

    /** The name inside its group (the whole name when it has none). */
    public String member() {
        return name.substring(name.indexOf('.') + 1);
    }

    /** Whether the report draws it as its rate per simulated second: counters, and nothing else. */
    public boolean drawnAsRate() {
        return kind == Kind.COUNTER;
    }

    /** Whether it is a level in pages (drawn in MiB). */
    public boolean inPages() {
        return PAGES.equals(unit);
    }
}
