package ballast.abi;

/**
 * A refused call or batch entry.
 *
 * @param reason why
 * @param index  which hypercall of the tick (for mmu_update), or which operation, or -1
 * @param detail a human-readable explanation naming the offending value
 */
public record Refusal(RefusalReason reason, int index, String detail) {
}
