package ballast.host.control;

import ballast.host.Hypervisor;

/**
 * The scheduler tells a hypervisor that one of its guests is gone (its actor failed and was
 * stopped). The hypervisor releases every frame the guest held and plays on without it; when
 * {@code reboot} is set, a fresh incarnation of the guest will boot and join at a later tick.
 */
public record GuestGone(int guest, boolean reboot) implements HostControl {
}
