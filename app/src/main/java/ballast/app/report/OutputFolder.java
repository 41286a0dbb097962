package ballast.app.report;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a run's outputs go ({@code --out DIR}), checked before the run starts and filled only when
 * the run is over.
 *
 * <p>{@link #prepare} checks the target (not an existing file, no output name taken by a folder,
 * writable) and creates a fresh, hidden staging folder next to it ({@code .NAME.ballast-XXXX} in
 * the same parent, so that a move is a rename). The whole output set is written into the staging
 * folder; {@link #install} then moves it into place: a target that does not exist yet receives the
 * staging folder by one atomic rename; into a target that exists, every output file is moved by an
 * atomic rename over the file of the same name, the completion marker ({@code summary.json}, or a
 * sweep's {@code sweep.csv}) taken away first and put back last, so a target that holds a marker
 * always holds a complete set of one run. Nothing else in the target is touched: a file the run did
 * not write is never deleted or replaced. {@link #discard} removes the staging folder (only files
 * this run wrote), leaving the target as it was: a run that never started writes nothing over
 * earlier results.
 */
public final class OutputFolder {
    /** A target that cannot take the outputs: the run must not start. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The names a run writes directly in its folder (the charts go into {@code charts/}). */
    public static final List<String> RUN_FILES = List.of("summary.json", "timeseries.csv", "hosts.csv", "scenario.conf",
            HtmlReport.FILE);

    private final Path target;
    private final Path staging;
    private final String marker;

    private OutputFolder(Path target, Path staging, String marker) {
        this.target = target;
        this.staging = staging;
        this.marker = marker;
    }

    /**
     * Checks {@code target} as {@link #prepare} does, creating nothing: not an empty path or the
     * root, not an existing file, writable, none of {@code names} taken by a folder, none of
     * {@code folders} by a file, and no file where a folder on the way to it must be. Returns the
     * target's absolute path.
     */
    public static Path check(Path target, List<String> names, List<String> folders) throws Refused {
        if (target.toString().isEmpty()) {
            throw new Refused("an empty path; name a folder for the outputs");
        }
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new Refused(target + " is the root of the file system; name a folder for the outputs");
        }
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new Refused(target + " exists and is not a folder");
            }
            if (!Files.isWritable(absolute)) {
                throw new Refused(target + " is not writable");
            }
            for (String name : names) {
                if (Files.isDirectory(absolute.resolve(name))) {
                    throw new Refused(target.resolve(name) + " is a folder; the run writes a file of that name");
                }
            }
            for (String folder : folders) {
                Path f = absolute.resolve(folder);
                if (Files.exists(f) && !Files.isDirectory(f)) {
                    throw new Refused(target.resolve(folder) + " is a file; the run writes a folder of that name");
                }
                if (Files.isDirectory(f) && !Files.isWritable(f)) {
                    throw new Refused(target.resolve(folder) + " is not writable");
                }
            }
        } else {
            Path existing = parent;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isDirectory(existing)) {
                throw new Refused(existing + " is a file, so " + target + " cannot be created");
            }
        }
        return absolute;
    }

    /**
     * Checks {@code target} for the files {@code names} and the folders {@code folders} a run will
     * write there, and creates the staging folder; {@code marker} (one of {@code names}) is the file
     * whose presence means the set is complete.
     */
    public static OutputFolder prepare(Path target, List<String> names, List<String> folders, String marker)
            throws Refused {
        Path absolute = check(target, names, folders);
        Path parent = absolute.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new Refused("cannot create " + parent + " (" + reason(e) + ")");
        }
        Path staging;
        try {
            staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".ballast-");
        } catch (IOException e) {
            if (!Files.isDirectory(absolute)) {
                throw new Refused("cannot write in " + parent + " (" + reason(e) + ")");
            }
            try { // the parent is read-only but the target is not: stage inside the target
                staging = Files.createTempDirectory(absolute, ".ballast-");
            } catch (IOException inner) {
                throw new Refused("cannot write in " + target + " (" + reason(inner) + ")");
            }
        }
        readableByAll(staging);
        return new OutputFolder(absolute, staging, marker);
    }

    /** A run's folder: {@link #RUN_FILES} and {@code charts/}, complete when {@code summary.json} is there. */
    public static OutputFolder prepareRun(Path target) throws Refused {
        return prepare(target, RUN_FILES, List.of(HtmlReport.CHARTS_DIR), "summary.json");
    }

    private static String reason(IOException e) {
        String kind = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such folder"
                : e instanceof FileAlreadyExistsException ? "a file of that name exists"
                : e.getClass().getSimpleName();
        return e.getMessage() == null || kind.equals("permission denied") ? kind : kind + ": " + e.getMessage();
    }

    /** The folder to write the outputs into. */
    public Path staging() {
        return staging;
    }

    /** Where the outputs end up. */
    public Path target() {
        return target;
    }

    /** Moves the complete output set into the target (see the class comment); the staging folder is gone after. */
    public void install() throws IOException {
        if (!Files.exists(target)) {
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                // created meanwhile, or another file system: file by file below
            }
        }
        Files.createDirectories(target);
        Path oldMarker = target.resolve(marker);
        if (Files.isRegularFile(oldMarker)) { // from now on the target holds no complete set until the new marker
            move(oldMarker, staging.resolve(".replaced-" + marker));
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(staging)) {
            all.filter(Files::isRegularFile).forEach(files::add);
        }
        Path newMarker = staging.resolve(marker);
        for (Path file : files) {
            Path relative = staging.relativize(file);
            if (file.equals(newMarker) || relative.getFileName().toString().startsWith(".replaced-")) {
                continue;
            }
            Path to = target.resolve(relative.toString());
            Files.createDirectories(to.getParent());
            move(file, to);
        }
        if (Files.exists(newMarker)) {
            move(newMarker, oldMarker);
        }
        discard();
    }

    /** Removes the staging folder and what this run wrote into it; the target stays as it was. */
    public void discard() {
        if (!Files.exists(staging)) {
            return;
        }
        try (Stream<Path> all = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover hidden staging folder is harmless
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void readableByAll(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
    }
}
