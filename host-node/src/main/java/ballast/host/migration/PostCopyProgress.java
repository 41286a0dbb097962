package ballast.host.migration;

/**
 * A post-copy migration's figures at its destination since the switch.
 *
 * @param pages         pages that were still at the source at the switch
 * @param pending       pages not arrived yet (0: done)
 * @param faults        network faults: pages the guest touched before they arrived
 * @param prepaged      pages fetched with a fault, around it
 * @param pushed        pages the source pushed in the background
 * @param ticks         ticks played since the switch
 * @param degradedTicks ticks in which the guest waited for at least one network fault
 * @param workUnits     the guest's work units completed at the destination since the switch
 */
public record PostCopyProgress(int pages, int pending, long faults, long prepaged, long pushed, long ticks,
                               long degradedTicks, long workUnits) {
}
