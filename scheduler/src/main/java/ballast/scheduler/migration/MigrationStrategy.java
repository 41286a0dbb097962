package ballast.scheduler.migration;

import java.util.List;

/**
 * How a live migration moves a guest's memory.
 *
 * <ul>
 *   <li>{@code pre-copy} (Clark et al., NSDI 2005): rounds while the guest runs at its source, then a
 *       stop-and-copy of the last written pages.</li>
 *   <li>{@code post-copy} (Hines and Gopalan, VEE 2009): the guest stops, its CPU state and page tables
 *       cross, it resumes at its destination; a page it touches before it arrived is a network fault
 *       (fetched at once, with pre-paging around it); the source pushes the rest in the background.
 *       Each page crosses once.</li>
 *   <li>{@code hybrid} (QEMU's postcopy-after-precopy): {@code hybrid-rounds} pre-copy rounds, then the
 *       switch to post-copy (unless pre-copy converged first: then its stop-and-copy).</li>
 *   <li>{@code auto}: pre-copy while the writable working set converges (each round's written pages
 *       fewer than {@code auto-converge} times the pages the round sent); the first round that does
 *       not converge switches to post-copy.</li>
 * </ul>
 */
public enum MigrationStrategy {
    PRE_COPY("pre-copy"), POST_COPY("post-copy"), HYBRID("hybrid"), AUTO("auto");

    public final String key;

    MigrationStrategy(String key) {
        this.key = key;
    }

    /** The strategy of that scenario name, or null. */
    public static MigrationStrategy named(String key) {
        for (MigrationStrategy s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }

    public static List<String> names() {
        return List.of("pre-copy", "post-copy", "hybrid", "auto");
    }
}
