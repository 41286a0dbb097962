package ballast.host.compression;

import ballast.abi.Tokens;
import ballast.guest.ContentModel;
import ballast.guest.ContentSettings;
import ballast.guest.workload.FileImage;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * The compressed size of a page, from its content token alone (the same content always
 * compresses to the same size, on every host):
 *
 * <ul>
 *   <li>a page holding a 4 KiB chunk of a file-backed guest's image files: the size LZ4 gives
 *       those very bytes (LZ4's fast compressor, as zswap and zram use by default), computed once
 *       per chunk when the host starts;</li>
 *   <li>the zero page: what LZ4 gives 4 KiB of zeros;</li>
 *   <li>a page of a synthetic OS image ({@link CompressionSettings#images}): a draw in the image
 *       class's range;</li>
 *   <li>any other page (private content: anonymous memory, written pages): a draw in the private
 *       class's range.</li>
 * </ul>
 *
 * A draw is a hash of the token, so it is deterministic. Lookups are a hash probe or two; nothing
 * is stored per guest page.
 */
public final class PageSizes {
    private static final long SALT = 0x7c1a_5e3d_91b2_44f7L;
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestJavaInstance().fastCompressor();

    private final CompressionSettings settings;
    private final Long2IntOpenHashMap fileSizes = new Long2IntOpenHashMap();
    private final LongOpenHashSet imageTokens = new LongOpenHashSet();
    private final int zeroSize;

    public PageSizes(CompressionSettings settings) {
        this.settings = settings;
        this.zeroSize = lz4Size(new byte[CompressionSettings.PAGE_BYTES]);
        for (String f : settings.imageFiles()) {
            addFile(Path.of(f));
        }
        for (CompressionSettings.SyntheticImage image : settings.images()) {
            ContentModel model = new ContentModel(new ContentSettings(image.image(), image.imageFraction(), 0.0),
                    0L, image.pages());
            for (int page = 0; page < image.pages(); page++) {
                if (model.isImagePage(page)) {
                    imageTokens.add(model.initialToken(page));
                }
            }
        }
    }

    /** LZ4 (fast compressor) of one 4 KiB page's bytes: its compressed length. */
    public static int lz4Size(byte[] page) {
        byte[] out = new byte[LZ4.maxCompressedLength(page.length)];
        return LZ4.compress(page, 0, page.length, out, 0, out.length);
    }

    /** Reads a file in 4 KiB chunks (the last zero-padded), as {@link FileImage} does, and records each chunk's LZ4 size. */
    private void addFile(Path file) {
        byte[] chunk = new byte[FileImage.CHUNK_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int n = in.readNBytes(chunk, 0, chunk.length);
                if (n == 0) {
                    break;
                }
                if (n < chunk.length) {
                    Arrays.fill(chunk, n, chunk.length, (byte) 0);
                }
                long token = FileImage.token(chunk);
                if (token != Tokens.ZERO) {
                    fileSizes.put(token, lz4Size(chunk));
                }
                if (n < chunk.length) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The compressed size in bytes of a page holding {@code token}. */
    public int of(long token) {
        if (token == Tokens.ZERO) {
            return zeroSize;
        }
        int file = fileSizes.getOrDefault(token, -1);
        if (file >= 0) {
            return file;
        }
        if (imageTokens.contains(token)) {
            return draw(token, settings.imageMinBytes(), settings.imageMaxBytes());
        }
        return draw(token, settings.privateMinBytes(), settings.privateMaxBytes());
    }

    /** Whether {@code token} is a chunk of one of the image files (its size is LZ4's). */
    public boolean isFileChunk(long token) {
        return fileSizes.containsKey(token);
    }

    /** Chunks of the image files with their LZ4 sizes. */
    public int fileChunks() {
        return fileSizes.size();
    }

    private static int draw(long token, int min, int max) {
        long h = Tokens.mix(token ^ SALT);
        return min + (int) Long.remainderUnsigned(h, max - min + 1L);
    }
}
