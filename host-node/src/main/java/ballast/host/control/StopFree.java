package ballast.host.control;

import ballast.host.Hypervisor;

/**
 * The clock asks a hypervisor playing a free run ({@link RunFree}) to end it early (Ctrl-C): the
 * run's last tick becomes the one after the furthest any of its guests has got, so that every
 * guest still plays one tick told it is the last (audited), and the final report follows as at the
 * planned end. Ignored when no free run is playing or it would end sooner anyway.
 */
public record StopFree() implements HostControl {
}
