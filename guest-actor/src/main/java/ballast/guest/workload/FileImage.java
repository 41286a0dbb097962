package ballast.guest.workload;

import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.openhft.hashing.LongHashFunction;

/**
 * A guest memory image made of real files: the files' 4 KiB chunks in order (the last chunk of
 * each file zero-padded), as if the guest had read them into memory from PPN 0 upward. A chunk's
 * content token is a 64-bit hash (XXH3) of its 4096 bytes; an all-zero chunk is the zero page.
 * Files are streamed through one 4 KiB buffer, never loaded whole; only the tokens are kept
 * (8 bytes per chunk).
 */
public final class FileImage {
    public static final int CHUNK_BYTES = ballast.abi.Ops.PAGE_BYTES;
    private static final LongHashFunction HASH = LongHashFunction.xx3();

    private FileImage() {
    }

    /** The number of chunks {@code bytes} of a file make. */
    public static long chunks(long bytes) {
        return (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES;
    }

    /** The token of one chunk ({@code chunk} holds 4096 bytes, zero-padded). */
    public static long token(byte[] chunk) {
        boolean zero = true;
        for (int i = 0; i < CHUNK_BYTES && zero; i++) {
            zero = chunk[i] == 0;
        }
        if (zero) {
            return Tokens.ZERO;
        }
        long h = HASH.hashBytes(chunk, 0, CHUNK_BYTES);
        return h == Tokens.ZERO ? 1L : h;
    }

    /** The tokens of every chunk of {@code files}, in order. */
    public static long[] tokens(List<Path> files) throws IOException {
        LongArrayList tokens = new LongArrayList();
        byte[] chunk = new byte[CHUNK_BYTES];
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                while (true) {
                    int n = in.readNBytes(chunk, 0, CHUNK_BYTES);
                    if (n == 0) {
                        break;
                    }
                    if (n < CHUNK_BYTES) {
                        java.util.Arrays.fill(chunk, n, CHUNK_BYTES, (byte) 0);
                    }
                    tokens.add(token(chunk));
                    if (n < CHUNK_BYTES) {
                        break;
                    }
                }
            }
        }
        return tokens.toLongArray();
    }
}
