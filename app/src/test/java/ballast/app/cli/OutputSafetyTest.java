package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.report.OutputFolder;
import ballast.scheduler.run.Quickstart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out}: checked before the run starts, never a user's file deleted, the output set
 * written aside and moved into place only when complete, nothing written by a run that never started.
 */
class OutputSafetyTest {

    private static MainTest.Outcome run(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("run", Quickstart.FILE.toString(), "--quiet", "--out", out.toString()));
        for (String set : Quickstart.shortSets(1)) {
            args.add("--set");
            args.add(set);
        }
        args.addAll(List.of(more));
        return MainTest.ballast(args.toArray(String[]::new));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theUsersOwnFilesInTheOutFolderSurviveARunAndARerun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("charts"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.write(out.resolve("charts").resolve("my-diagram.png"), new byte[] {7, 7});
        for (int i = 0; i < 2; i++) {
            MainTest.Outcome o = run(out);
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(out.resolve("notes.txt")).hasContent("mine");
            assertThat(out.resolve("charts").resolve("my-diagram.png")).hasBinaryContent(new byte[] {7, 7});
            assertThat(out.resolve("summary.json")).content().contains("\"status\" : \"ok\"");
            assertThat(out.resolve("report.html")).exists();
        }
        // nothing left beside it: the staging folder was moved in or removed
        assertThat(names(dir)).containsExactly("out");
    }

    @Test
    void aNewOutFolderReceivesTheCompleteSetAndNothingIsLeftBeside(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("a").resolve("b");
        MainTest.Outcome o = run(out);
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(names(out)).containsExactly("charts", "hosts.csv", "report.html", "scenario.conf", "summary.json",
                "timeseries.csv");
        assertThat(names(dir.resolve("a"))).containsExactly("b");
    }

    @Test
    void anOutThatIsAFileIsRefusedBeforeTheRunAndLeftAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.txt");
        Files.writeString(file, "precious");
        MainTest.Outcome o = run(file);
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--out", "results.txt", "exists and is not a folder")
                .doesNotContain("Exception", "\tat ", "internal error");
        assertThat(o.out()).isEmpty(); // the run never started
        assertThat(file).hasContent("precious");
        assertThat(names(dir)).containsExactly("results.txt");
    }

    @Test
    void anEmptyOutIsRefused(@TempDir Path dir) {
        MainTest.Outcome o = run(Path.of(""));
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--out", "empty path").doesNotContain("Exception");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void anOutputNameTakenByAFolderOrAChartsFileIsRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("summary.json"));
        MainTest.Outcome o = run(out);
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("summary.json is a folder").doesNotContain("Exception");
        Files.delete(out.resolve("summary.json"));
        Files.writeString(out.resolve("charts"), "a file");
        o = run(out);
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("charts is a file").doesNotContain("Exception");
        assertThat(names(out)).containsExactly("charts");
        assertThat(names(dir)).containsExactly("out");
    }

    @Test
    void anOutBelowAFileIsRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("f"), "x");
        MainTest.Outcome o = run(dir.resolve("f").resolve("out"));
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("is a file, so").doesNotContain("Exception");
        assertThat(dir.resolve("f")).hasContent("x");
    }

    @Test
    void aPortOutsideTheRangeIsABadArgument(@TempDir Path dir) {
        MainTest.Outcome o = run(dir.resolve("out"), "--port", "99999");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--port 99999").doesNotContain("Exception", "\tat ");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aRunThatNeverStartedWritesNothingOverEarlierResults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        MainTest.Outcome good = run(out);
        assertThat(good.code()).as(good.err()).isZero();
        String summary = Files.readString(out.resolve("summary.json"));
        // a cluster nobody joins: the run fails before its first tick
        MainTest.Outcome never = run(out, "--cluster", "127.0.0.1:1", "--set", "cluster.join-timeout=1s");
        assertThat(never.code()).isEqualTo(1);
        assertThat(never.err()).contains("never started", "is as it was").doesNotContain("\tat ");
        assertThat(out.resolve("summary.json")).hasContent(summary);
        assertThat(names(dir)).containsExactly("out");
    }

    @Test
    void aRunKilledBeforeItsOutputsAreInPlaceLeavesTheEarlierSetWhole(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.json"), "old summary");
        Files.writeString(out.resolve("timeseries.csv"), "old series");
        Files.writeString(out.resolve("mine.txt"), "mine");
        OutputFolder folder = OutputFolder.prepareRun(out);
        assertThat(folder.staging().getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        Files.writeString(folder.staging().resolve("timeseries.csv"), "new series");
        Files.writeString(folder.staging().resolve("summary.json"), "new summary");
        // killed here: the target still holds the old complete set
        assertThat(out.resolve("summary.json")).hasContent("old summary");
        assertThat(out.resolve("timeseries.csv")).hasContent("old series");
        folder.install();
        assertThat(out.resolve("summary.json")).hasContent("new summary");
        assertThat(out.resolve("timeseries.csv")).hasContent("new series");
        assertThat(out.resolve("mine.txt")).hasContent("mine");
        assertThat(names(dir)).containsExactly("out");
        OutputFolder discarded = OutputFolder.prepareRun(out);
        Files.writeString(discarded.staging().resolve("summary.json"), "never");
        discarded.discard();
        assertThat(out.resolve("summary.json")).hasContent("new summary");
        assertThat(names(dir)).containsExactly("out");
    }
}
