package ballast.guest;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.os.GuestOs;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.GuestSpec;
import ballast.host.GuestWork;
import ballast.host.HostSettings;
import ballast.host.HypervisorCore;
import ballast.host.TestHosts;
import ballast.abi.Audit;
import ballast.abi.GuestCounters;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guest's paging and balloon pins against the real {@link HypervisorCore}: pages go out and
 * come back in on other PPNs, the balloon grows and shrinks, and every read still returns what the
 * guest wrote; the hypervisor's audit of the guest's record finds nothing wrong and its invariants hold.
 */
class GuestOsOnHypervisorTest {

    /** Applies one tick of work to the core, with its reservation (page-outs, inflate, deflate). */
    static TickResult apply(HypervisorCore core, int guest, long tick, GuestOs.Work work) {
        return core.apply(GuestWork.of(guest, tick, work.mmuUpdates(), work.ops(), work.values(), work.kernel(), work.reservation()));
    }

    @ParameterizedTest
    @EnumSource(TranslationMode.class)
    void pageOutsPageInsAndTheBalloonKeepEveryReadRight(TranslationMode mode) {
        int pages = 600;
        HypervisorCore core = new HypervisorCore(new HostSettings("test-host", 42L, TestHosts.TOTAL_FRAMES,
                TestHosts.RESERVED_FRAMES, TestHosts.TLB_ENTRIES, 100_000, TestHosts.MAX_MMU_UPDATE_ENTRIES,
                TestHosts.COSTS, List.of(new GuestSpec(0, "g", mode, pages, 2))));
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", mode, pages, 2, 77, 0.1,
                new ContentSettings("linux", 0.25, 0.1),
                new WorkloadSettings("hot-cold", List.of(new Phase(Double.POSITIVE_INFINITY, 500, 8_000, 0.4, 0.2, 0.9))));
        GuestOs os = new GuestOs(settings);
        Refusal[] refusal = new Refusal[1];
        int[] p2m = core.boot(0, "g", refusal);
        assertThat(p2m).isNotNull();
        os.booted(p2m);
        Deque<Integer> balloon = new ArrayDeque<>();
        int[] deflating = new int[0];
        for (long tick = 0; tick < 120; tick++) {
            GuestOs.BalloonOrders orders;
            if (tick >= 10 && tick < 48) {
                // toward 380 pages (usable 220), within the hypervisor's default cap of 65% (390)
                orders = new GuestOs.BalloonOrders(new int[0], 10, new int[0]);
            } else if (tick >= 70 && (!balloon.isEmpty() || deflating.length > 0)) {
                int[] deflate = new int[Math.min(25, balloon.size())];
                for (int i = 0; i < deflate.length; i++) {
                    deflate[i] = balloon.pop();
                }
                orders = new GuestOs.BalloonOrders(deflating, 0, deflate); // frees last tick's deflate
                deflating = deflate;
            } else {
                orders = GuestOs.BalloonOrders.NONE;
            }
            GuestOs.Work work = os.generate(tick, TestHosts.MAX_MMU_UPDATE_ENTRIES, orders, false);
            for (int ppn : work.pinned()) {
                balloon.push(ppn);
            }
            TickResult result = apply(core, 0, tick, work);
            int[][] notice = core.takeNotice(0);
            if (notice != null) {
                os.remapped(notice[0], notice[1]);
            }
            assertThat(result.refusals()).as("tick %d", tick).isEmpty();
            assertThat(result.balloonStatus()).as("tick %d", tick).isZero();
            assertThat(os.verify(result)).as("tick %d", tick).isTrue();
        }
        GuestCounters c = os.counters();
        assertThat(c.readMismatches()).isZero();
        assertThat(c.readsVerified()).isEqualTo(c.reads()).isPositive();
        assertThat(c.guestPageOuts()).isGreaterThan(100);
        assertThat(c.guestPageIns()).isGreaterThan(100);
        assertThat(c.balloonPages()).isZero();
        Audit audit = os.audit();
        assertThat(audit.keys()).hasSize(os.residentPages());
        assertThat(core.audit(0, audit.keys(), audit.tokens())).isZero();
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(Arrays.stream(audit.keys()).distinct().count()).isEqualTo(audit.keys().length);
    }
}
