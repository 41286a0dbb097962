package ballast.host.translation;

/**
 * Where a guest's fault waits when the host has no free frame: the hypervisor pages a victim out
 * there and then (the faulting guest is blocked meanwhile), so that no access is ever lost to a
 * momentary shortage. The {@code Reclamation} is the one implementation ({@code Reclamation.freeOne});
 * a host that does not reclaim has none. Called on the hypervisor actor's thread.
 */
public interface FrameShortage {
    /** Frees at least one frame for guest {@code forGuest}'s fault; returns whether it could. */
    boolean freeOne(int forGuest);
}
