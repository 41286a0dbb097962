package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The command line of a separate JVM running {@code ballast} from the test class path. */
final class ChildJvm {
    private ChildJvm() {
    }

    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -cp ... ballast.app.cli.Main ARGS} with the given system properties. */
    static List<String> ballast(List<String> systemProperties, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("-Xmx1g");
        cmd.addAll(systemProperties);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Starts {@code ballast ARGS} in a child JVM with SIGINT at its default (not ignored as in a
     * background job), its standard error to {@code DIR/stderr.txt} and output to
     * {@code DIR/stdout.txt}, and waits until its standard error matches {@code regex} (DOTALL),
     * failing if it exits first or takes more than {@code seconds}.
     */
    static Process startAwaiting(Path dir, List<String> systemProperties, List<String> args, String regex, int seconds)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
        cmd.addAll(ballast(systemProperties, args.toArray(String[]::new)));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.readString(err, StandardCharsets.UTF_8).matches("(?s)" + regex)) {
            assertThat(p.isAlive()).as("exited early: " + Files.readString(err)).isTrue();
            assertThat(System.nanoTime()).as("stderr did not show " + regex + " within " + seconds + " s").isLessThan(deadline);
            Thread.sleep(100);
        }
        return p;
    }

    /** A command as one line for {@code sh -c}, every word single-quoted. */
    static String shellLine(List<String> cmd) {
        StringBuilder line = new StringBuilder();
        for (String word : cmd) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
