package ballast.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ballast.app.cli.Main;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The report as a browser shows it: every library scenario (shortened to a few simulated seconds)
 * is run, and its report.html is opened in headless Chromium. The DOM after load must hold every
 * planned chart laid out with a size (the page's own check marks them), and a screenshot of the
 * quickstart's report must not be blank. Skipped only where Chromium is missing and CI is not set:
 * .ci/run installs it, so in CI this always runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserReportTest {
    static final Path LIBRARY = Path.of("..", "conf", "scenarios");
    private String chromium;
    private Path work;

    @BeforeAll
    void findChromium(@TempDir Path dir) {
        work = dir;
        chromium = chromium();
        if (chromium == null && System.getenv("CI") != null) {
            throw new AssertionError("CI is set but Chromium is missing: .ci/run must install it (apt-get install chromium)");
        }
        assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium); CI installs it");
    }

    static Stream<String> libraryScenarios() throws Exception {
        try (Stream<Path> files = Files.list(LIBRARY)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("libraryScenarios")
    void everyChartOfEveryLibraryScenarioRendersInChromium(String scenario) throws Exception {
        Path dir = run(scenario);
        List<ChartPlan.Chart> planned = ChartPlan.plan(RunData.read(dir));
        assertThat(planned).isNotEmpty();
        String dom = chromium(dir, "--dump-dom", dir.resolve("report.html").toUri().toString());
        assertThat(dom).contains("data-charts=\"" + planned.size() + "\"");
        assertThat(dom).as("charts laid out by the browser").contains("data-charts-rendered=\"" + planned.size() + "\"");
        Set<String> rendered = new HashSet<>();
        Matcher m = Pattern.compile("<figure class=\"chart\" id=\"chart-([^\"]+)\" data-chart=\"[^\"]+\" data-rendered=\"true\"")
                .matcher(dom);
        while (m.find()) {
            rendered.add(m.group(1));
        }
        for (ChartPlan.Chart c : planned) {
            assertThat(rendered).as("chart " + c.id() + " rendered").contains(c.id());
        }
    }

    @Test
    void theQuickstartReportScreenshotIsNotBlank() throws Exception {
        Path dir = run("quickstart.conf");
        Path png = dir.resolve("screenshot.png");
        chromium(dir, "--screenshot=" + png, "--window-size=1400,2600", "--hide-scrollbars",
                dir.resolve("report.html").toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        int background = image.getRGB(0, 0);
        long different = 0;
        long chartBlue = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != (background & 0xffffff)) {
                    different++;
                }
                if (Math.abs(((rgb >> 16) & 0xff) - 0x4e) < 24 && Math.abs(((rgb >> 8) & 0xff) - 0x79) < 24
                        && Math.abs((rgb & 0xff) - 0xa7) < 24) {
                    chartBlue++; // the first line colour of every chart
                }
            }
        }
        long sampled = (long) (image.getWidth() / 2) * (image.getHeight() / 2);
        assertThat(different).as("pixels differing from the background").isGreaterThan(sampled / 10);
        assertThat(colours.size()).as("distinct colours").isGreaterThan(50);
        assertThat(chartBlue).as("pixels of the charts' first line colour").isGreaterThan(200);
    }

    @Test
    void aSweepReportShowsItsChartsWithErrorBarsInChromium() throws Exception {
        Path dir = work.resolve("sweep");
        Path scenario = Files.writeString(Files.createDirectories(work.resolve("sweep-scenario")).resolve("tiny.conf"), """
                scenario { duration = 1s }
                hosts { h { memory = 256MiB } }
                guests { vm { host = h, memory = 4MiB,
                              workload { type = uniform, working-set = 4MiB, accesses-per-second = 1000, write-fraction = 0.3 } } }
                sweep { seeds = 3, figures = [guests.pagesTouched, guests.accesses] }
                """);
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"run", scenario.toString(), "--quiet", "--out", dir.toString(),
            "--sweep", "guests.vm.count=1,2,3", "--sweep", "guests.vm.workload.working-set=2MiB,4MiB"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        String dom = chromium(dir, "--dump-dom", dir.resolve("sweep.html").toUri().toString());
        assertThat(dom).contains("data-charts=\"2\"").contains("data-charts-rendered=\"2\"");
        Matcher bars = Pattern.compile("data-figure=\"guests.pagesTouched\" data-error-bars=\"(\\d+)\"").matcher(dom);
        assertThat(bars.find()).isTrue();
        assertThat(Integer.parseInt(bars.group(1))).as("points with an error bar").isEqualTo(6);

        Path png = dir.resolve("screenshot.png");
        chromium(dir, "--screenshot=" + png, "--window-size=1000,1400", "--hide-scrollbars",
                dir.resolve("sweep.html").toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        // an error bar: a vertical run of the first line's colour whose top end has none of it a few
        // pixels to either side (a line between points, however steep, does)
        int bars2 = 0;
        for (int x = 8; x < image.getWidth() - 8; x++) {
            int run = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                if (firstLineColour(image.getRGB(x, y))) {
                    run++;
                    continue;
                }
                if (run >= 8) {
                    int top = y - run;
                    boolean isolated = true;
                    for (int dy = 0; dy < 3 && isolated; dy++) {
                        isolated = !firstLineColour(image.getRGB(x - 7, top + dy)) && !firstLineColour(image.getRGB(x + 7, top + dy));
                    }
                    if (isolated) {
                        bars2++;
                    }
                }
                run = 0;
            }
        }
        assertThat(bars2).as("vertical error bars in the screenshot").isGreaterThanOrEqualTo(2);
    }

    private static boolean firstLineColour(int argb) {
        int rgb = argb & 0xffffff;
        return Math.abs(((rgb >> 16) & 0xff) - 0x4e) < 24 && Math.abs(((rgb >> 8) & 0xff) - 0x79) < 24
                && Math.abs((rgb & 0xff) - 0xa7) < 24;
    }

    /**
     * Runs a library scenario for three simulated seconds into its own directory; one with timed
     * events or start times (which must stay within the run) for its whole duration in ticks of five
     * seconds instead (but the free-running stress, whose events come early).
     */
    private Path run(String scenario) throws java.io.IOException {
        Path dir = work.resolve(scenario.replace(".conf", ""));
        if (Files.isRegularFile(dir.resolve("report.html"))) {
            return dir;
        }
        String text = Files.readString(LIBRARY.resolve(scenario));
        // The free-running stress's events land in its first two seconds, so three seconds hold them; with
        // five-second ticks its 240 guests' works (200,000 accesses each a tick) would not fit in the heap.
        boolean timed = (text.contains("\nevents") || Pattern.compile("\\bstart = ").matcher(text).find())
                && !text.contains("mode = free-running");
        List<String> args = new ArrayList<>(List.of("run", LIBRARY.resolve(scenario).toString(), "--quiet", "--out",
                dir.toString()));
        args.addAll(timed ? List.of("--set", "scenario.tick=5s", "--set", "scenario.sample-every=5s", "--barrier-timeout", "30")
                : List.of("--set", "scenario.duration=3s"));
        StringWriter err = new StringWriter();
        int code = Main.execute(args.toArray(new String[0]), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        if (!Files.isRegularFile(dir.resolve("report.html")) && Files.isRegularFile(dir.resolve("sweep.csv"))) {
            // a sweep: one run directory per value; check the first value's report
            try (var values = Files.list(dir)) {
                return values.filter(d -> Files.isRegularFile(d.resolve("report.html"))).sorted().findFirst()
                        .orElseThrow(() -> new AssertionError("no report.html under the sweep directory " + dir));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return dir;
    }

    /** Runs headless Chromium with a fresh profile; returns what it printed on stdout. */
    private String chromium(Path dir, String... args) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Path err = Files.createTempFile(dir, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** BALLAST_CHROMIUM, or chromium / chromium-browser / google-chrome on the PATH. */
    static String chromium() {
        String explicit = System.getenv("BALLAST_CHROMIUM");
        if (explicit != null && new File(explicit).canExecute()) {
            return explicit;
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                File f = new File(d, name);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        return null;
    }
}
