package ballast.host.compression;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;

/**
 * A host's compression tier ({@code hosts.NAME.compression}): whether victim pages are compressed
 * before they would go to host swap, and how.
 *
 * @param enabled          whether the tier is on (off by default: victims go straight to swap)
 * @param thresholdBytes   a victim whose compressed size is larger goes to swap (ESX 4.1: 2 KB)
 * @param cacheFraction    the cache limit: a fraction of each guest's memory ({@link CompressionFlavour#ESX})
 *                         or of the host's memory ({@link CompressionFlavour#ZSWAP})
 * @param flavour          how the cache is limited and evicted
 * @param imageMinBytes    compressed size of a synthetic OS-image page: drawn uniformly in
 *                         [imageMinBytes, imageMaxBytes], the same for the same content
 * @param imageMaxBytes    see {@code imageMinBytes}
 * @param privateMinBytes  the same for a page of private (written or anonymous) content
 * @param privateMaxBytes  see {@code privateMinBytes}
 * @param compressCycles   host cycles to compress one page (hypervisor work)
 * @param decompressCycles cycles to decompress one page, on the faulting vCPU
 * @param imageFiles       the real files of the file-backed guests the host may run: their 4 KiB
 *                         chunks are compressed with LZ4 once, and a page holding one of them has
 *                         that compressed size
 * @param images           the synthetic OS images of the guests the host may run: their pages are
 *                         of the image class
 */
public record CompressionSettings(boolean enabled, int thresholdBytes, double cacheFraction, CompressionFlavour flavour,
                                  int imageMinBytes, int imageMaxBytes, int privateMinBytes, int privateMaxBytes,
                                  long compressCycles, long decompressCycles, List<String> imageFiles,
                                  List<SyntheticImage> images) {

    /** Bytes of a page. */
    public static final int PAGE_BYTES = ballast.abi.Ops.PAGE_BYTES;

    /**
     * A synthetic OS image: page {@code page < pages} of a guest with this image holds image
     * content when the content model says so ({@code ballast.guest.ContentModel#isImagePage}).
     */
    public record SyntheticImage(String image, double imageFraction, int pages) {
    }

    public CompressionSettings {
        if (flavour == null) {
            flavour = CompressionFlavour.ESX;
        }
        imageFiles = imageFiles == null ? List.of() : List.copyOf(imageFiles);
        images = images == null ? List.of() : List.copyOf(images);
        if (thresholdBytes < 1 || thresholdBytes > PAGE_BYTES) {
            throw new IllegalArgumentException("compression threshold must be 1 to " + PAGE_BYTES + " bytes, not " + thresholdBytes);
        }
        if (!(cacheFraction >= 0 && cacheFraction <= 1)) {
            throw new IllegalArgumentException("compression cache must be a fraction from 0 to 1, not " + cacheFraction);
        }
        if (imageMinBytes < 1 || imageMaxBytes < imageMinBytes || imageMaxBytes > PAGE_BYTES
                || privateMinBytes < 1 || privateMaxBytes < privateMinBytes || privateMaxBytes > PAGE_BYTES) {
            throw new IllegalArgumentException("compressed sizes must be ranges within 1 to " + PAGE_BYTES + " bytes");
        }
        if (compressCycles < 0 || decompressCycles < 0) {
            throw new IllegalArgumentException("negative compression price");
        }
    }

    /** The library's defaults ({@code ballast.host.compression}, prices from {@code ballast.time.hypervisor}). */
    public static CompressionSettings defaults() {
        Config c = ConfigFactory.defaultReference().getConfig("ballast");
        return fromConfig(c.getConfig("host.compression"), c.getConfig("time.hypervisor"));
    }

    /** The defaults: the tier off. */
    public static final CompressionSettings DISABLED = defaults();

    /** From a {@code compression} section and the {@code time.hypervisor} prices. */
    public static CompressionSettings fromConfig(Config c, Config prices) {
        return new CompressionSettings(c.getBoolean("enabled"), (int) c.getBytes("threshold").longValue(),
                fraction(c, "cache"), CompressionFlavour.byName(c.getString("flavour")),
                (int) c.getBytes("sizes.image-min").longValue(), (int) c.getBytes("sizes.image-max").longValue(),
                (int) c.getBytes("sizes.private-min").longValue(), (int) c.getBytes("sizes.private-max").longValue(),
                prices.getLong("compress-page"), prices.getLong("decompress-page"), List.of(), List.of());
    }

    /** A fraction written as a number (0.1) or a percentage ("10%"). */
    public static double fraction(Config c, String path) {
        String s = c.getValue(path).unwrapped().toString().trim();
        if (s.endsWith("%")) {
            return Double.parseDouble(s.substring(0, s.length() - 1).trim()) / 100.0;
        }
        return Double.parseDouble(s);
    }

    /** The same settings turned on or off. */
    public CompressionSettings withEnabled(boolean on) {
        return new CompressionSettings(on, thresholdBytes, cacheFraction, flavour, imageMinBytes, imageMaxBytes,
                privateMinBytes, privateMaxBytes, compressCycles, decompressCycles, imageFiles, images);
    }

    /** The same settings with another flavour. */
    public CompressionSettings withFlavour(CompressionFlavour f) {
        return new CompressionSettings(enabled, thresholdBytes, cacheFraction, f, imageMinBytes, imageMaxBytes,
                privateMinBytes, privateMaxBytes, compressCycles, decompressCycles, imageFiles, images);
    }

    /** The same settings with another threshold and cache limit. */
    public CompressionSettings withLimits(int threshold, double cache) {
        return new CompressionSettings(enabled, threshold, cache, flavour, imageMinBytes, imageMaxBytes,
                privateMinBytes, privateMaxBytes, compressCycles, decompressCycles, imageFiles, images);
    }

    /** The same settings with the contents of the guests the host may run. */
    public CompressionSettings withContents(List<String> files, List<SyntheticImage> synthetic) {
        return new CompressionSettings(enabled, thresholdBytes, cacheFraction, flavour, imageMinBytes, imageMaxBytes,
                privateMinBytes, privateMaxBytes, compressCycles, decompressCycles, files, synthetic);
    }
}
