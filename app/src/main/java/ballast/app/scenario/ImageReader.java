package ballast.app.scenario;

import static ballast.app.scenario.Entry.PAGE_BYTES;
import static ballast.app.scenario.Entry.show;
import static ballast.app.scenario.Entry.size;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a guest's (or template's) {@code image { files }}: the real files whose 4 KiB chunks
 * become file-backed page contents. It resolves each path (relative to the file naming it),
 * checks that it exists and can be read, and that the files together fit the guest's memory.
 */
final class ImageReader {
    private final Problems problems;
    private final LibraryDefaults defaults;

    ImageReader(Problems problems, LibraryDefaults defaults) {
        this.problems = problems;
        this.defaults = defaults;
    }

    /**
     * Reads {@code image { files }}: every file must exist and be readable (a relative path is read
     * from the directory of the file naming it), and together they must fit the guest's memory
     * ({@code guestPages}, null when not to be checked). Returns the absolute paths, or null.
     */
    List<String> readImage(Entry image, Integer guestPages, String owner, Entry guest) {
        int before = problems.reports();
        image.checkKeys(defaults.object("guest.image").keySet());
        Entry.Found found = image.find("files");
        if (found == null) {
            return List.of();
        }
        if (!(found.value() instanceof ConfigList list)) {
            image.problemAtValue("files", "expected a list of files such as [\"/boot/vmlinuz\"], got " + show(found.value()));
            return null;
        }
        List<String> files = new ArrayList<>();
        long chunks = 0;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue item = list.get(i);
            String path = found.path() + "[" + i + "]";
            if (item.valueType() != ConfigValueType.STRING || ((String) item.unwrapped()).isBlank()) {
                problems.at(item.origin(), path, "expected a file name, got " + show(item));
                continue;
            }
            String name = (String) item.unwrapped();
            Path file;
            try {
                file = Path.of(name);
                String from = item.origin().filename();
                if (!file.isAbsolute() && from != null && Path.of(from).toAbsolutePath().getParent() != null) {
                    file = Path.of(from).toAbsolutePath().getParent().resolve(file);
                }
                file = file.toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                problems.at(item.origin(), path, "not a file name: " + name);
                continue;
            }
            if (!Files.exists(file)) {
                problems.at(item.origin(), path, "no such file: " + file);
            } else if (!Files.isRegularFile(file)) {
                problems.at(item.origin(), path, "not a regular file: " + file);
            } else if (!Files.isReadable(file)) {
                problems.at(item.origin(), path, "cannot be read (permission denied): " + file);
            } else {
                try {
                    chunks += (Files.size(file) + PAGE_BYTES - 1) / PAGE_BYTES;
                    try (java.io.InputStream in = Files.newInputStream(file)) {
                        in.readNBytes((int) PAGE_BYTES); // a file that refuses to be read fails here, not at the guest's boot
                    }
                    files.add(file.toString());
                } catch (java.io.IOException e) {
                    problems.at(item.origin(), path, "cannot be read: " + file + " ("
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
                }
            }
        }
        if (guestPages != null && problems.reports() == before && chunks > guestPages) {
            image.problemAbout("files", "the image files fill " + chunks + " pages of 4KiB ("
                    + size(chunks * PAGE_BYTES) + "), more than the memory of " + owner + " ("
                    + show(guest.find("memory").value()) + ")");
        }
        return problems.reports() == before ? List.copyOf(files) : null;
    }
}
