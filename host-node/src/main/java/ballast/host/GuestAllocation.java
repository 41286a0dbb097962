package ballast.host;

/**
 * A guest's allocation parameters (ESX's min, max and shares), known to its hypervisor from the
 * scenario. Its max is its configured size ({@link GuestSpec#configuredPages()}).
 *
 * @param minPages        guaranteed pages: the policy never targets it below this
 * @param shares          its shares (scenario {@code low} / {@code normal} / {@code high} = 5 / 10 / 20 per MB)
 * @param balloonCapPages the most pages its balloon may hold (default 65% of its memory)
 */
public record GuestAllocation(int minPages, double shares, int balloonCapPages) {

    /** Shares per MB of configured memory for {@code low}, {@code normal}, {@code high}. */
    public static final double LOW_PER_MB = 5;
    public static final double NORMAL_PER_MB = 10;
    public static final double HIGH_PER_MB = 20;
    public static final double DEFAULT_BALLOON_CAP = 0.65;

    public GuestAllocation {
        if (minPages < 0 || !(shares >= 0) || Double.isInfinite(shares) || balloonCapPages < 0) {
            throw new IllegalArgumentException("min, shares and balloon cap must not be negative");
        }
    }

    /** The defaults for a guest of {@code configuredPages}: no min, normal shares, a 65% balloon cap. */
    public static GuestAllocation defaults(int configuredPages) {
        return new GuestAllocation(0, NORMAL_PER_MB * configuredPages / 256.0,
                (int) (DEFAULT_BALLOON_CAP * configuredPages));
    }
}
