package ballast.host.time;

/**
 * What one guest memory access costs in cycles, by how its translation went. The prices come from
 * the caller (the wiring derives them from the cost table, {@code ballast.host.cpu.CostTable}:
 * e.g. a one-dimensional walk is {@code nativeWalk()}, a two-dimensional walk
 * {@code nestedWalkReferences x memoryReference}); this record does not read the table.
 *
 * @param tlbHitCycles               an access whose translation hits the TLB
 * @param oneDimensionalWalkCycles   an access after a TLB miss with one page walk (native, shadow paging)
 * @param twoDimensionalWalkCycles   an access after a TLB miss with a nested (guest x host) walk
 */
public record AccessPrices(long tlbHitCycles, long oneDimensionalWalkCycles, long twoDimensionalWalkCycles) {

    public AccessPrices {
        if (tlbHitCycles < 1 || oneDimensionalWalkCycles < 1 || twoDimensionalWalkCycles < 1) {
            throw new IllegalArgumentException("access prices must be >= 1 cycle: TLB hit " + tlbHitCycles
                    + ", 1-D walk " + oneDimensionalWalkCycles + ", 2-D walk " + twoDimensionalWalkCycles);
        }
    }

    /** The price of an outcome: {@link TickBudget#TLB_HIT}, {@link TickBudget#WALK_1D} or {@link TickBudget#WALK_2D}. */
    public long cycles(int outcome) {
        return switch (outcome) {
            case TickBudget.TLB_HIT -> tlbHitCycles;
            case TickBudget.WALK_1D -> oneDimensionalWalkCycles;
            case TickBudget.WALK_2D -> twoDimensionalWalkCycles;
            default -> throw new IllegalArgumentException("unknown access outcome " + outcome);
        };
    }
}
