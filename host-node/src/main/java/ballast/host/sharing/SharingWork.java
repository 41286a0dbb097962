package ballast.host.sharing;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A page-sharing daemon's work for one tick, applied by the hypervisor after every guest's work:
 * first the merge proposals, then the scans.
 *
 * <p>Pages are packed as {@code guest << 32 | ppn} (see {@link #page}). Merge proposals come in
 * groups of pages that hashed alike: group {@code k} has hash {@code mergeHashes[k]}, proposes the
 * shared frame {@code mergeTargets[k]} (or -1: make a new shared frame from the group's first
 * page that still qualifies) and holds pages {@code mergeEnds[k-1] .. mergeEnds[k]-1} of
 * {@code mergePages}, each with the MPN the daemon saw it on ({@code mergeMpns}), or -1 for a hint,
 * whose MPN the index does not keep (the hypervisor then only rehashes it, as ESX does).
 *
 * <p>A record holding arrays compares by identity; tests compare contents.
 */
public record SharingWork(long tick, long[] scanPages, long[] mergeHashes, int[] mergeTargets, int[] mergeEnds,
                          long[] mergePages, int[] mergeMpns, ActorRef<ToDaemon> replyTo) implements DaemonCall {

    public static long page(int guest, int ppn) {
        return ((long) guest << 32) | (ppn & 0xFFFFFFFFL);
    }

    public static int guestOf(long page) {
        return (int) (page >> 32);
    }

    public static int ppnOf(long page) {
        return (int) page;
    }

    public int groups() {
        return mergeHashes.length;
    }
}
