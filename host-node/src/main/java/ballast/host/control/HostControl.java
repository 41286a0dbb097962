package ballast.host.control;

import ballast.abi.ToHypervisor;
import ballast.host.Hypervisor;
import ballast.wire.WireMessage;

/**
 * Everything the scheduler (the clock, the run manager) sends a {@link Hypervisor} to drive its
 * run: play one tick ({@link RunTick}), play a whole run free-running ({@link RunFree}) or end it
 * early ({@link StopFree}), a guest that is gone ({@link GuestGone}), new reclamation settings
 * ({@link Reconfigure}), and a new requested size of a guest's memory hotplug device ({@link ResizeMemory}). Guests cannot send these: they hold only an {@code ActorRef<GuestCall>}.
 */
public sealed interface HostControl extends ToHypervisor, WireMessage
        permits RunTick, RunFree, StopFree, GuestGone, Reconfigure, ResizeMemory {
}
