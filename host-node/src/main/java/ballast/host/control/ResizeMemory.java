package ballast.host.control;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A timed {@code resize} event for one guest's memory hotplug device, sent by the clock between two
 * ticks to the guest's host (it waits for the reply, so the change lands at the same tick in every
 * run): the hypervisor requests {@code pages} of the device ({@code requested_size} of a virtio-mem
 * device), and the guest reads it with its next tick start; its driver then plugs or unplugs blocks
 * toward it. A size the device cannot take is refused in the reply and changes nothing.
 *
 * @param guest   the guest's name
 * @param pages   the size requested, in pages: a multiple of the device's block, at most its range
 * @param replyTo hears {@link Reconfigured} (its problem null when taken)
 */
public record ResizeMemory(String guest, long pages, ActorRef<Reconfigured> replyTo) implements HostControl {
}
