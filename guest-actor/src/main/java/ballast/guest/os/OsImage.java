package ballast.guest.os;

import ballast.guest.GuestSettings;
import ballast.guest.workload.FileImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file-backed guest's memory image ({@code image { files }}): the token of each 4 KiB chunk of
 * its files ({@link FileImage}), which the guest reads into PPN 0 upward in its first tick (page i
 * is PPN i), and whether it has done so. A guest without files has an empty image. Its PPNs are
 * the image's from boot: the allocator starts after them.
 *
 * <p>Owned by one {@link GuestOs}, not thread-safe.
 */
final class OsImage {
    private final long[] tokens;
    private boolean loaded;

    OsImage(long[] tokens) {
        this.tokens = tokens;
    }

    /** Reads {@code settings}' image files (none for a guest that is not file-backed). */
    static OsImage load(GuestSettings settings) {
        if (!settings.content().fileBacked()) {
            return new OsImage(new long[0]);
        }
        List<Path> files = new ArrayList<>();
        for (String f : settings.content().imageFiles()) {
            files.add(Path.of(f));
        }
        try {
            return new OsImage(FileImage.tokens(files));
        } catch (IOException e) {
            throw new UncheckedIOException(settings.name() + ": cannot read its image: " + e.getMessage(), e);
        }
    }

    /** Pages (and PPNs) the image fills. */
    int pages() {
        return tokens.length;
    }

    /** The content token of image page {@code page}. */
    long token(int page) {
        return tokens[page];
    }

    /** Whether the image is still to be read in (the guest's first tick); marks it read. */
    boolean takeLoad() {
        if (loaded) {
            return false;
        }
        loaded = true;
        return true;
    }

    boolean loaded() {
        return loaded;
    }

    void restore(boolean loaded) {
        this.loaded = loaded;
    }
}
