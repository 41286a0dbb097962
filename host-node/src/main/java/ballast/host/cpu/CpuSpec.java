package ballast.host.cpu;

/**
 * What the hypervisor knows of a guest's CPU before it boots.
 *
 * @param binaryTranslation      {@code full} guests: translate sensitive code blocks (else they fail silently)
 * @param nestedPaging           {@code nested} guests: EPT/NPT (else shadow paging with exits)
 * @param translationCacheBlocks blocks the guest's translation cache holds
 * @param sensitiveBlocks        distinct sensitive code blocks of the guest's OS (block ids 0 .. n-1)
 */
public record CpuSpec(boolean binaryTranslation, boolean nestedPaging, int translationCacheBlocks, int sensitiveBlocks) {
    /** Binary translation and nested paging on, a 4096-block cache, an OS without sensitive blocks. */
    public static final CpuSpec DEFAULT = new CpuSpec(true, true, 4096, 0);

    public CpuSpec {
        if (translationCacheBlocks < 1) {
            throw new IllegalArgumentException("translation cache of " + translationCacheBlocks + " blocks");
        }
        if (sensitiveBlocks < 0) {
            throw new IllegalArgumentException("negative sensitive block count " + sensitiveBlocks);
        }
    }
}
