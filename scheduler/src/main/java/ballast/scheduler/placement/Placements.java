package ballast.scheduler.placement;

import java.util.List;

/** The placement policies by name. */
public final class Placements {
    public static final List<String> NAMES = List.of("first-fit", "best-fit", "spread", "sharing-aware");
    /** Sharing-aware: overlaps under 2% of a guest's distinct pages count as none. */
    public static final double MIN_SHARE = 0.02;

    private Placements() {
    }

    /** The policy called {@code name}; an unknown name is refused. */
    public static PlacementPolicy byName(String name) {
        return switch (name) {
            case "first-fit" -> new FirstFit();
            case "best-fit" -> new BestFit();
            case "spread" -> new Spread();
            case "sharing-aware" -> new SharingAware(MIN_SHARE);
            default -> throw new IllegalArgumentException("no placement policy " + name + "; known: " + NAMES);
        };
    }
}
