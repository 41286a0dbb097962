package ballast.app.report;

import java.util.List;

/**
 * The figure tables of {@code docs/outputs.md}, made from the declarations ({@link RunFigures},
 * {@link HostFigures}, {@link GuestFigures}): one row per figure with its kind, unit and meaning.
 * The page holds each table between {@code <!-- figures:NAME -->} and {@code <!-- /figures:NAME -->};
 * {@code FigureDocsTest} fails when the page and the declarations disagree, and rewrites the tables
 * with {@code -Dballast.docs.update=true}.
 */
public final class FigureDocs {
    private FigureDocs() {
    }

    /** The table of one list of figures, in markdown. */
    public static <S> String table(List<Figure<S>> figures) {
        StringBuilder out = new StringBuilder("| figure | kind | unit | meaning |\n|---|---|---|---|\n");
        for (Figure<S> f : figures) {
            out.append("| `").append(f.name()).append("` | ").append(f.kind().word())
                    .append(f.setting() ? " (setting)" : "").append(" | ").append(unit(f)).append(" | ")
                    .append(f.meaning().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    private static String unit(Figure<?> f) {
        if (f.unit().isEmpty()) {
            return "";
        }
        return Figure.PAGES.equals(f.unit()) ? "pages (4 KiB)" : f.unit();
    }

    /** {@code text} with the table between the markers named {@code name} replaced by {@code table}. */
    public static String replace(String text, String name, String table) {
        String open = "<!-- figures:" + name + " -->\n";
        String close = "<!-- /figures:" + name + " -->";
        int from = text.indexOf(open);
        int to = text.indexOf(close);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + open.trim() + " ... " + close + " in the page");
        }
        return text.substring(0, from + open.length()) + table + text.substring(to);
    }
}
