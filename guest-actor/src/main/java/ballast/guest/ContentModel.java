package ballast.guest;

import ballast.abi.Tokens;

/**
 * Decides the content token a page holds when the guest OS first fills it, without storing
 * anything per page. Whether a page index holds the OS image is decided by a hash of the image
 * id and the index, so guests with the same image agree page for page; the image page's token is
 * the same for all of them. A duplicate page (decided the same way) holds the token of another
 * image page of the same guest, chosen by a hash of the image id, so it is shared within the guest
 * and, like the image, identical across guests. Other pages are zero pages or private content,
 * decided by a hash of the guest's seed. Written pages get fresh private tokens from
 * {@link #nextWriteToken()}.
 */
public final class ContentModel {
    private static final double UNIT = 0x1.0p-53;
    private static final int MAX_SOURCE_TRIES = 64;

    private final long imageHash;
    private final long guestSeed;
    private final double imageFraction;
    private final double duplicateUpTo;
    private final double zeroShareOfRest;
    private final int pages;
    private long writes;

    public ContentModel(ContentSettings settings, long guestSeed) {
        this(settings, guestSeed, 1 << 20);
    }

    /**
     * @param pages the page indices the guest may fill, 0 .. pages - 1: where a duplicate's source
     *              is chosen (guests that should agree must pass the same number)
     */
    public ContentModel(ContentSettings settings, long guestSeed, int pages) {
        this.imageHash = Tokens.hash("image:" + settings.image());
        this.guestSeed = guestSeed;
        this.imageFraction = settings.imageFraction();
        this.duplicateUpTo = settings.imageFraction() + settings.duplicateFraction();
        this.pages = Math.max(1, pages);
        double rest = 1.0 - duplicateUpTo;
        this.zeroShareOfRest = rest <= 0 ? 0 : Math.min(1.0, settings.zeroFraction() / rest);
    }

    private double imageDraw(int page) {
        return unit(Tokens.mix(imageHash + page * 0x9E3779B97F4A7C15L));
    }

    /** Whether page {@code page} holds the OS image. */
    public boolean isImagePage(int page) {
        return imageDraw(page) < imageFraction;
    }

    /** Whether page {@code page} holds a copy of another image page of the guest. */
    public boolean isDuplicatePage(int page) {
        double u = imageDraw(page);
        return u >= imageFraction && u < duplicateUpTo;
    }

    /** The token page {@code page} holds when first filled. */
    public long initialToken(int page) {
        double u = imageDraw(page);
        if (u < imageFraction) {
            return Tokens.nonZero(imageHash, page);
        }
        if (u < duplicateUpTo) {
            return Tokens.nonZero(imageHash, duplicateSource(page));
        }
        if (unit(Tokens.mix(guestSeed ^ (page * 0xC2B2AE3D27D4EB4FL))) < zeroShareOfRest) {
            return Tokens.ZERO;
        }
        return Tokens.nonZero(guestSeed, page | (1L << 40));
    }

    /** The image page a duplicate copies (itself, in the unlikely case none is found quickly). */
    int duplicateSource(int page) {
        for (int t = 0; t < MAX_SOURCE_TRIES; t++) {
            long h = Tokens.mix(imageHash ^ 0x5851F42D4C957F2DL ^ (page * 0x9E3779B97F4A7C15L + t));
            int q = (int) (((h >>> 32) * pages) >>> 32);
            if (q != page && isImagePage(q)) {
                return q;
            }
        }
        return page;
    }

    /** A fresh private token for a write. */
    public long nextWriteToken() {
        return Tokens.nonZero(guestSeed ^ 0x5bd1e9955bd1e995L, ++writes);
    }

    /** Writes so far: the position of the write-token stream. */
    public long writes() {
        return writes;
    }

    /** Continues the write-token stream from a saved position. */
    public void restoreWrites(long writes) {
        this.writes = writes;
    }

    private static double unit(long h) {
        return (h >>> 11) * UNIT;
    }
}
