package ballast.app.report;

import ballast.host.control.DeviceStats;

import ballast.host.control.HostReclaim;
import ballast.host.control.HostStats;
import java.util.List;
import java.util.Set;

/**
 * The per-host figures, in the order and under the names used by {@code summary.json}
 * ({@code hosts[]}), {@code hosts.csv} and {@code sweep.csv}: one list, so they can never disagree.
 * The sharing figures have Linux KSM's meanings (see {@link HostStats}), the reclamation figures
 * those of {@link HostReclaim}. A name with a dot is a member of a group: {@code thresholds.high}
 * is {@code high} inside the {@code thresholds} object of {@code summary.json}, and a column of that
 * name in the csv files. A figure added here reaches the HTML report without further work (see
 * {@link ChartPlan}).
 */
public final class HostFigures {


    /** Figures that are words, not numbers (text columns of hosts.csv). */
    public static final Set<String> TEXT = Set.of("state", "policy");

    public static final List<Figure<HostStats>> ALL = List.of(
            new Figure<HostStats>("framesTotal", HostStats::framesTotal),
            new Figure<HostStats>("framesFree", HostStats::framesFree),
            new Figure<HostStats>("framesMapped", HostStats::framesMapped),
            new Figure<HostStats>("framesReserved", HostStats::framesReserved),
            new Figure<HostStats>("framesShared", HostStats::framesShared),
            new Figure<HostStats>("guestPages", HostStats::guestPages),
            new Figure<HostStats>("guestPagesBacked", HostStats::guestPagesBacked),
            new Figure<HostStats>("pagesShared", HostStats::pagesShared),
            new Figure<HostStats>("pagesSharing", HostStats::pagesSharing),
            new Figure<HostStats>("pagesUnshared", HostStats::pagesUnshared),
            new Figure<HostStats>("pagesVolatile", HostStats::pagesVolatile),
            new Figure<HostStats>("fullScans", HostStats::fullScans),
            new Figure<HostStats>("pagesScanned", HostStats::pagesScanned),
            new Figure<HostStats>("zeroPagesShared", HostStats::zeroPagesShared),
            new Figure<HostStats>("staleHints", HostStats::staleHints),
            new Figure<HostStats>("falseMatches", HostStats::falseMatches),
            new Figure<HostStats>("mergeCount", HostStats::mergeCount),
            new Figure<HostStats>("state", s -> s.reclaim().state()),
            new Figure<HostStats>("policy", s -> s.reclaim().policy()),
            new Figure<HostStats>("tau", s -> s.reclaim().tau()),
            new Figure<HostStats>("availablePages", s -> s.reclaim().availablePages()),
            new Figure<HostStats>("balloonedPages", s -> s.reclaim().balloonedPages()),
            new Figure<HostStats>("hostSwappedPages", s -> s.reclaim().hostSwappedPages()),
            new Figure<HostStats>("swapPages", s -> s.reclaim().swapPages()),
            new Figure<HostStats>("swapOuts", s -> s.reclaim().swapOuts()),
            new Figure<HostStats>("swapIns", s -> s.reclaim().swapIns()),
            new Figure<HostStats>("doublePagings", s -> s.reclaim().doublePagings()),
            new Figure<HostStats>("sharedBeforeSwap", s -> s.reclaim().sharedBeforeSwap()),
            new Figure<HostStats>("rebalances", s -> s.reclaim().rebalances()),
            new Figure<HostStats>("secondsInState.high", s -> millis(s.reclaim().secondsHigh())),
            new Figure<HostStats>("secondsInState.soft", s -> millis(s.reclaim().secondsSoft())),
            new Figure<HostStats>("secondsInState.hard", s -> millis(s.reclaim().secondsHard())),
            new Figure<HostStats>("secondsInState.low", s -> millis(s.reclaim().secondsLow())),
            new Figure<HostStats>("thresholds.high", s -> s.reclaim().highThresholdPages()),
            new Figure<HostStats>("thresholds.soft", s -> s.reclaim().softThresholdPages()),
            new Figure<HostStats>("thresholds.hard", s -> s.reclaim().hardThresholdPages()),
            new Figure<HostStats>("thresholds.low", s -> s.reclaim().lowThresholdPages()),
            new Figure<HostStats>("cores", s -> (long) s.time().cores()),
            new Figure<HostStats>("cpuBusySeconds", s -> GuestFigures.round(s.time().cpuBusySeconds(), 6)),
            new Figure<HostStats>("hypervisorCpuSeconds", s -> GuestFigures.round(s.time().hypervisorCpuSeconds(), 6)),
            new Figure<HostStats>("swapDevice.requests", s -> device(s, "swap").requests()),
            new Figure<HostStats>("swapDevice.busySeconds", s -> GuestFigures.round(device(s, "swap").busySeconds(), 6)),
            new Figure<HostStats>("swapDevice.meanWaitMs", s -> GuestFigures.round(device(s, "swap").meanWaitMs(), 3)),
            new Figure<HostStats>("swapDevice.p99WaitMs", s -> GuestFigures.round(device(s, "swap").p99WaitMs(), 3)),
            new Figure<HostStats>("diskDevice.requests", s -> device(s, "disk").requests()),
            new Figure<HostStats>("diskDevice.busySeconds", s -> GuestFigures.round(device(s, "disk").busySeconds(), 6)),
            new Figure<HostStats>("diskDevice.meanWaitMs", s -> GuestFigures.round(device(s, "disk").meanWaitMs(), 3)),
            new Figure<HostStats>("diskDevice.p99WaitMs", s -> GuestFigures.round(device(s, "disk").p99WaitMs(), 3)));

    private static final DeviceStats NO_DEVICE = new DeviceStats("none", "none", 0, 0, 0, 0, 0);

    /** The host's device in {@code role} (swap or disk): the one device when they share it. */
    static DeviceStats device(HostStats s, String role) {
        for (DeviceStats d : s.time().devices()) {
            if (d.role().equals(role) || d.role().equals("swap+disk")) {
                return d;
            }
        }
        return NO_DEVICE;
    }

    private HostFigures() {
    }

    /** Seconds to the millisecond, so that sums of tick lengths print as 12.3, not 12.299999999999999. */
    private static double millis(double seconds) {
        return Math.round(seconds * 1000.0) / 1000.0;
    }

    /** Guest memory mapped to shared frames, in percent of the guests' configured memory (ESX's "shared"). */
    public static double sharedPercent(HostStats s) {
        return s.guestPages() == 0 ? 0 : 100.0 * (s.pagesShared() + s.pagesSharing()) / s.guestPages();
    }

    /** Frames saved by sharing, in percent of the guests' configured memory (ESX's "reclaimed"). */
    public static double reclaimedPercent(HostStats s) {
        return s.guestPages() == 0 ? 0 : 100.0 * s.pagesSharing() / s.guestPages();
    }
}
