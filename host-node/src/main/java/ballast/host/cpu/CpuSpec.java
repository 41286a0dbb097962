package ballast.host.cpu;

import ballast.host.time.HostCpu;

/**
 * What the hypervisor knows of a guest's CPU before it boots.
 *
 * @param binaryTranslation      {@code full} guests: translate sensitive code blocks (else they fail silently)
 * @param nestedPaging           {@code nested} guests: EPT/NPT (else shadow paging with exits)
 * @param translationCacheBlocks blocks the guest's translation cache holds
 * @param sensitiveBlocks        distinct sensitive code blocks of the guest's OS (block ids 0 .. n-1)
 * @param vcpus                  the guest's virtual CPUs (each runs on one host core at a time)
 * @param cpuShares              its CPU shares: its entitlement to the host's cores against the other
 *                               guests' when they ask for more than the cores give (ESX's CPU shares;
 *                               per VM, divided among its vCPUs)
 * @param cyclesPerAccess        cycles of its own work per workload access at native speed; 0 for
 *                               the host's default ({@code ballast.time.work-per-access})
 */
public record CpuSpec(boolean binaryTranslation, boolean nestedPaging, int translationCacheBlocks, int sensitiveBlocks,
                      int vcpus, int cpuShares, long cyclesPerAccess) {
    /** Most vCPUs a guest may have. */
    public static final int MAX_VCPUS = 256;
    /** A VM's CPU shares per vCPU by default (ESX's normal: 1,000 per vCPU). */
    public static final int SHARES_PER_VCPU = 1000;
    /** Binary translation and nested paging on, a 4096-block cache, an OS without sensitive blocks, one vCPU. */
    public static final CpuSpec DEFAULT = new CpuSpec(true, true, 4096, 0);

    /** One vCPU with normal shares and the host's work per access. */
    public CpuSpec(boolean binaryTranslation, boolean nestedPaging, int translationCacheBlocks, int sensitiveBlocks) {
        this(binaryTranslation, nestedPaging, translationCacheBlocks, sensitiveBlocks, 1, SHARES_PER_VCPU, 0);
    }

    public CpuSpec {
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("vcpus must be between 1 and " + MAX_VCPUS + ", not " + vcpus);
        }
        if (cpuShares < vcpus || cpuShares > HostCpu.MAX_SHARES) {
            throw new IllegalArgumentException("cpu-shares must be between the vCPU count and " + HostCpu.MAX_SHARES
                    + ", not " + cpuShares);
        }
        if (cyclesPerAccess < 0) {
            throw new IllegalArgumentException("negative cycles per access " + cyclesPerAccess);
        }
        if (translationCacheBlocks < 1) {
            throw new IllegalArgumentException("translation cache of " + translationCacheBlocks + " blocks");
        }
        if (sensitiveBlocks < 0) {
            throw new IllegalArgumentException("negative sensitive block count " + sensitiveBlocks);
        }
    }
}
