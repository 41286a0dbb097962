package ballast.host.sharing;

import ballast.abi.Tokens;

/**
 * The content hash of a page as the sharing machinery sees it: a strong 64-bit mix of the page's
 * content token, truncated to {@code hash-bits}. The token is the content, so two pages with the
 * same token always hash alike; with few bits, pages with different tokens collide too, and only
 * the hypervisor's full comparison (of the tokens) tells them apart.
 */
public final class ContentHash {
    private static final long SALT = 0x243F6A8885A308D3L;

    private ContentHash() {
    }

    /** The hash of a page holding {@code token}, in [0, 2^bits) (any long for 64 bits). */
    public static long of(long token, int bits) {
        long h = Tokens.mix(token ^ SALT);
        return bits >= 64 ? h : h >>> (64 - bits);
    }
}
