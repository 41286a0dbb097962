package ballast.host.abi;

import java.util.List;

/**
 * What the hypervisor did with a guest's tick.
 *
 * @param readDigest the fold ({@code Tokens.fold}) of every token read, in operation order
 * @param reads      how many reads were folded in
 * @param refusals   refused hypercalls or a refused operation stream (then nothing of it was applied)
 */
public record TickResult(long tick, long readDigest, int reads, List<Refusal> refusals) implements ToGuest {
}
