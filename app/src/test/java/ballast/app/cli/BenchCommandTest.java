package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.bench.BenchTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ballast bench}: bad options refused at once; the quick set end to end (stress profile only). */
class BenchCommandTest {

    @Test
    void anUnknownScenarioOrRawSampleIsBadInputAndRunsNothing(@TempDir Path dir) {
        MainTest.Outcome o = MainTest.ballast("bench", "--quick", "--only", "64x256MiB,nope", "--out", dir.toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains("no scenario nope in the quick bench set", "64x256MiB", "esx-sharing-10");
        assertThat(dir).isEmptyDirectory();
        o = MainTest.ballast("bench", "--raw-guests", "0", "--out", dir.toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains("--raw-guests must be at least 1");
    }

    @Test
    void anInterruptedBenchRemovesOnlyAnEmptyFolderItMadeItself(@TempDir Path dir) throws Exception {
        Path made = Files.createDirectories(dir.resolve("made"));
        assertThat(BenchCommand.removeIfMadeAndEmpty(made, true)).isTrue();
        assertThat(made).doesNotExist();

        Path users = Files.createDirectories(dir.resolve("users"));
        assertThat(BenchCommand.removeIfMadeAndEmpty(users, false)).as("there before the bench").isFalse();
        assertThat(users).isEmptyDirectory();

        Path holding = Files.createDirectories(dir.resolve("holding"));
        Files.writeString(holding.resolve("notes.txt"), "mine");
        assertThat(BenchCommand.removeIfMadeAndEmpty(holding, true)).as("not empty").isFalse();
        assertThat(holding.resolve("notes.txt")).hasContent("mine");

        assertThat(BenchCommand.removeIfMadeAndEmpty(dir.resolve("gone"), true)).as("not there").isFalse();
    }

    @Test
    void theStartupLineLeavesOutTheLaunchersArchivePreparationAndSaysHowLongItTook() {
        String prepared = BenchCommand.startupLine(new double[] {6.52, 0.73, 1.89, 5.79});
        assertThat(prepared).contains("end of its first tick 0.73 s after the JVM started",
                "the launcher prepared the class-data archive (once per build) for 5.79 s, left out");
        String plain = BenchCommand.startupLine(new double[] {2.20, 0.77, 2.80, 0});
        assertThat(plain).contains("end of its first tick 2.20 s after the JVM started", "0.77 s after the command began",
                "2.80 s of CPU").doesNotContain("archive");
    }

    @Test
    void anOutputPathThatIsAFileOrHoldsAFolderOfAnOutputsNameIsBadInputAndLeftAsItWas(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("results"), "mine");
        MainTest.Outcome o = MainTest.ballast("bench", "--quick", "--only", "10x16MiB", "--out", file.toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains("--out " + file + " exists and is not a folder").doesNotContain("Exception");
        assertThat(file).hasContent("mine");

        Path folder = Files.createDirectories(dir.resolve("out").resolve("bench.csv"));
        o = MainTest.ballast("bench", "--quick", "--only", "10x16MiB", "--out", folder.getParent().toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains("bench.csv is a folder");
        assertThat(folder).isEmptyDirectory();
        assertThat(folder.getParent()).isDirectoryNotContaining(p -> !p.equals(folder));

        Path scenario = Files.createDirectories(dir.resolve("out2").resolve("scenarios").resolve("10x16MiB.conf"));
        o = MainTest.ballast("bench", "--quick", "--only", "10x16MiB", "--jfr", "--out", scenario.getParent().getParent().toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains("10x16MiB.conf is a folder");
        assertThat(scenario).isEmptyDirectory();
        Path recording = Files.createDirectories(dir.resolve("out3").resolve("10x16MiB.jfr"));
        o = MainTest.ballast("bench", "--quick", "--only", "10x16MiB", "--jfr", "--out", recording.getParent().toString());
        assertThat(o.err()).contains("10x16MiB.jfr is a folder");

        o = MainTest.ballast("bench", "--quick", "--only", "10x16MiB", "--out", file.resolve("below").toString());
        assertThat(o.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(o.err()).contains(file + " is a file");
    }

    /** The quick set in a JVM of its own, with the heap its 10,000 guests need (about 3.5 GB; the tests get 2). */
    @Test
    @Tag("stress")
    void theQuickBenchWritesItsTableAndCurves(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        Process p = new ProcessBuilder(ChildJvm.ballast(List.of("-Xmx6g", "-XX:+UseG1GC"), "bench", "--quick", "--out",
                out.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("output.txt").toFile()).start();
        try {
            assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(dir.resolve("output.txt"));
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("64x256MiB", "esx-sharing-10", "10000x16MiB", "startup:", "outputs:");
        List<String> csv = Files.readAllLines(out.resolve("bench.csv"));
        assertThat(csv.get(0)).isEqualTo(BenchTable.csvHeader());
        assertThat(csv).hasSize(1 + 9);
        List<String> header = List.of(csv.get(0).split(","));
        int mismatches = header.indexOf("readMismatches");
        int ok = header.indexOf("ok");
        assertThat(csv.subList(1, csv.size())).allSatisfy(line -> {
            String[] fields = line.replaceAll("\"[^\"]*\"", "q").split(",", -1); // a quoted field is one column
            assertThat(fields[mismatches]).as(line).isEqualTo("0");
            assertThat(fields[ok]).as(line).isEqualTo("true");
        });
        assertThat(out.resolve("bench.md")).content().contains("| target | measured | verdict |", "scaling-by-guests.png");
        assertThat(out.resolve("scaling-by-guests.png")).isNotEmptyFile();
        assertThat(out.resolve("scaling-by-size.png")).isNotEmptyFile();
        assertThat(out.resolve("scenarios").resolve("64x256MiB.conf")).exists();
    }
}
