package ballast.app.scenario;

/**
 * One thing wrong with a scenario, located in its file: printed as {@code file:line: path: message}.
 *
 * @param file    the file (or {@code --set}) the offending value came from
 * @param line    its line, or 0 when unknown
 * @param path    the HOCON path of the offending value (empty for a whole-file problem)
 * @param message what is wrong, and what would be right
 */
public record Problem(String file, int line, String path, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
