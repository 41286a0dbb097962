package ballast.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.report.Figure;
import ballast.app.report.FigureDocs;
import ballast.app.report.GuestFigures;
import ballast.app.report.HostFigures;
import ballast.app.report.RunFigures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The figure tables of docs/outputs.md are the declarations, and every declaration is complete.
 * After adding or changing a figure: {@code mvn -pl app -am verify -Dtest=FigureDocsTest
 * -Dballast.docs.update=true -Dsurefire.failIfNoSpecifiedTests=false} rewrites the tables.
 */
class FigureDocsTest {
    private static final Path PAGE = Path.of("..", "docs", "outputs.md");

    @Test
    void theFigureTablesOfTheOutputsPageAreTheDeclarations() throws Exception {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        String made = FigureDocs.replace(page, "run", FigureDocs.table(RunFigures.ALL));
        made = FigureDocs.replace(made, "host", FigureDocs.table(HostFigures.ALL));
        made = FigureDocs.replace(made, "guest", FigureDocs.table(GuestFigures.ALL));
        made = FigureDocs.replace(made, "migration", FigureDocs.table(ballast.app.report.MigrationFigures.ALL));
        if (Boolean.getBoolean("ballast.docs.update")) {
            Files.writeString(PAGE, made, StandardCharsets.UTF_8);
            page = made;
        }
        assertThat(page).as("docs/outputs.md's figure tables (rewrite them with -Dballast.docs.update=true)")
                .isEqualTo(made);
    }

    @Test
    void everyDeclaredFigureHasAKindAUnitATitleAndAMeaning() {
        List<Figure<?>> all = new ArrayList<>();
        all.addAll(RunFigures.ALL);
        all.addAll(HostFigures.ALL);
        all.addAll(GuestFigures.ALL);
        all.addAll(ballast.app.report.MigrationFigures.ALL);
        for (Figure<?> f : all) {
            assertThat(f.name()).matches("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)?");
            assertThat(f.kind()).as(f.name()).isNotNull();
            assertThat(f.title()).as(f.name()).isNotBlank().doesNotMatch(".*[a-z][A-Z].*");
            assertThat(f.meaning()).as(f.name()).isNotBlank().endsWith(".");
            boolean wordOrYesNo = f.kind() == Figure.Kind.TEXT || f.kind() == Figure.Kind.BOOLEAN;
            assertThat(f.unit().isEmpty()).as("%s has a unit unless it is a word or a yes/no", f.name())
                    .isEqualTo(wordOrYesNo);
            // only counters are drawn as rates
            assertThat(f.drawnAsRate()).as(f.name()).isEqualTo(f.kind() == Figure.Kind.COUNTER);
        }
    }

    @Test
    void aFigureIsDeclaredOncePerList() {
        for (List<? extends Figure<?>> list : List.of(RunFigures.ALL, HostFigures.ALL, GuestFigures.ALL,
                ballast.app.report.MigrationFigures.ALL)) {
            Set<String> seen = new HashSet<>();
            list.forEach(f -> assertThat(seen.add(f.name())).as("%s declared twice", f.name()).isTrue());
        }
    }
}
