package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library by name: {@code ballast list}, {@code ballast run NAME}, {@code ballast validate NAME}. */
class LibraryByNameTest {
    private static final Path LIBRARY = Path.of("..", "conf", "scenarios");

    @BeforeAll
    static void useTheProjectsLibrary() {
        System.setProperty("ballast.library", LIBRARY.toString());
    }

    @AfterAll
    static void forgetIt() {
        System.clearProperty("ballast.library");
    }

    @Test
    void listPrintsEveryLibraryScenarioWithItsDescriptionWithin100Columns() throws Exception {
        MainTest.Outcome o = MainTest.ballast("list");
        assertThat(o.code()).as(o.err()).isZero();
        List<String> names;
        try (Stream<Path> files = Files.list(LIBRARY)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        List<String> lines = o.out().lines().toList();
        assertThat(lines).hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            assertThat(lines.get(i)).startsWith(names.get(i) + " ");
            assertThat(lines.get(i).substring(names.get(i).length()).strip()).as(names.get(i) + "'s description").isNotEmpty();
            assertThat(lines.get(i).length()).isLessThanOrEqualTo(100);
        }
        assertThat(o.out()).contains("quickstart", "One host, four guests");
        // "binary-translation: why ..." is listed without repeating its name
        assertThat(o.out()).containsPattern("binary-translation +Why full virtualization");
    }

    @Test
    void validateAndRunTakeALibraryName(@TempDir Path dir) throws Exception {
        MainTest.Outcome v = MainTest.ballast("validate", "esx-idle-tax");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.out()).contains("esx-idle-tax.conf: valid");

        Path out = dir.resolve("q");
        MainTest.Outcome r = MainTest.ballast("run", "quickstart", "--quiet", "--out", out.toString(),
                "--set", "scenario.duration=1s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("scenario").asText())
                .isEqualTo("quickstart");
    }

    @Test
    void anUnknownNameIsStillNoSuchFile() {
        MainTest.Outcome v = MainTest.ballast("validate", "no-such-scenario");
        assertThat(v.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(v.err()).contains("no-such-scenario:0: no such file");
    }

    @Test
    void withoutALibraryFolderTheEmbeddedScenariosAreListedAndRun() throws Exception {
        System.setProperty("ballast.library", "/nonexistent-ballast-library");
        try {
            MainTest.Outcome o = MainTest.ballast("list");
            assertThat(o.out().lines()).extracting(l -> l.split(" ")[0]).containsExactly("quickstart", "esx-sharing");
            MainTest.Outcome v = MainTest.ballast("validate", "quickstart");
            assertThat(v.code()).as(v.err()).isZero();
            assertThat(v.out()).contains("embedded:");
        } finally {
            System.setProperty("ballast.library", LIBRARY.toString());
        }
    }
}
