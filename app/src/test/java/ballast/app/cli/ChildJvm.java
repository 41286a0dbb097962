package ballast.app.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
