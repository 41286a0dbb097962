package ballast.guest;

import ballast.host.memory.Tokens;

/**
 * Decides the content token a page holds when the guest OS first fills it, without storing
 * anything per page. Whether a page index holds the OS image is decided by a hash of the image
 * id and the index, so guests with the same image agree page for page; the image page's token is
 * the same for all of them. Other pages are zero pages or private content, decided by a hash of the
 * guest's seed. Written pages get fresh private tokens from {@link #nextWriteToken()}.
 */
public final class ContentModel {
    private static final double UNIT = 0x1.0p-53;

    private final long imageHash;
    private final long guestSeed;
    private final double imageFraction;
    private final double zeroShareOfRest;
    private long writes;

    public ContentModel(ContentSettings settings, long guestSeed) {
        this.imageHash = Tokens.hash("image:" + settings.image());
        this.guestSeed = guestSeed;
        this.imageFraction = settings.imageFraction();
        double rest = 1.0 - settings.imageFraction();
        this.zeroShareOfRest = rest <= 0 ? 0 : Math.min(1.0, settings.zeroFraction() / rest);
    }

    /** Whether page {@code page} holds the OS image. */
    public boolean isImagePage(int page) {
        return unit(Tokens.mix(imageHash + page * 0x9E3779B97F4A7C15L)) < imageFraction;
    }

    /** The token page {@code page} holds when first filled. */
    public long initialToken(int page) {
        if (isImagePage(page)) {
            return Tokens.nonZero(imageHash, page);
        }
        if (unit(Tokens.mix(guestSeed ^ (page * 0xC2B2AE3D27D4EB4FL))) < zeroShareOfRest) {
            return Tokens.ZERO;
        }
        return Tokens.nonZero(guestSeed, page | (1L << 40));
    }

    /** A fresh private token for a write. */
    public long nextWriteToken() {
        return Tokens.nonZero(guestSeed ^ 0x5bd1e9955bd1e995L, ++writes);
    }

    private static double unit(long h) {
        return (h >>> 11) * UNIT;
    }
}
