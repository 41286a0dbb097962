package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.quiet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ballast.abi.TranslationMode;
import ballast.host.control.DeviceStats;
import ballast.host.control.GuestTimeStats;
import ballast.host.device.DeviceSettings;
import ballast.host.translation.GuestPaging;
import ballast.host.time.TickBudgetCorruption;
import org.junit.jupiter.api.Test;

/**
 * The time model as the hypervisor drives it: a guest's work applied by {@link HypervisorCore},
 * host swap-ins of its pages on the host's default device (a 2002 disk, 8.1024 ms per 4 KiB page,
 * swap and virtual disks on it), its figures, and the time invariant in
 * {@link HypervisorCore#checkInvariants()}.
 */
class HypervisorCoreTimeTest {
    static final double TICK = 0.1;
    static final double PAGE_READ = DeviceSettings.DISK_2002.serviceSeconds(4096);
    static final int PAGES = 300;
    static final int SWAPPED = 200;

    static HypervisorCore core() {
        return new HypervisorCore(host(2048, 0, quiet(), false, ReclaimHosts.guest(0, TranslationMode.FULL, PAGES)));
    }

    static GuestTimeStats time(HypervisorCore core) {
        return core.guestStats(0, null).time();
    }

    @Test
    void aGuestReadingPagesTheHostSwappedOutProgressesAtTheSwapDevicesPace() {
        HypervisorCore core = core();
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, PAGES, true).play();
        core.endTick();
        assertThat(time(core).workUnits()).as("writes of mapped pages at native speed").isEqualTo(PAGES);
        for (int ppn = 0; ppn < SWAPPED; ppn++) {
            assertThat(g.memory().paging().swapOutPage(ppn, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        }
        g.play();
        core.endTick();                               // the swap-outs: one cluster of writes to the device
        double writeWait = time(core).hostSwapWaitSeconds();
        assertThat(writeWait).as("writes do not block the guest").isZero();
        long base = time(core).workUnits();

        // every access of this tick hits a page on host swap
        g.touch(0, SWAPPED, false).play();
        assertThat(g.memory().counters().hostSwapIns()).isEqualTo(SWAPPED);
        core.endTick();
        long perTick = (long) Math.floor(TICK / PAGE_READ) + 1;
        long done = time(core).workUnits() - base;
        assertThat(done).as("first tick: about 12 reads fit in 100 ms").isBetween(perTick - 2, perTick);
        assertThat(core.checkInvariants()).isEmpty();
        int ticks = 1;
        while (time(core).workUnits() - base < SWAPPED && ticks < 40) {
            long before = time(core).workUnits();
            g.play();
            core.endTick();
            ticks++;
            assertThat(core.checkInvariants()).as("tick %d", ticks).isEmpty();
            assertThat(time(core).workUnits() - before).as("tick %d", ticks).isLessThanOrEqualTo(perTick);
            assertThat(time(core).workUnits() - base).as("after %d ticks", ticks)
                    .isLessThanOrEqualTo((long) Math.floor(ticks * TICK / PAGE_READ) + 1);
        }
        assertThat(ticks).as("200 reads of 8.1 ms one after another").isEqualTo((int) Math.ceil(SWAPPED * PAGE_READ / TICK));
        GuestTimeStats t = time(core);
        assertThat(t.workUnits() - base).isEqualTo(SWAPPED);
        assertThat(t.backlog()).isZero();
        assertThat(t.hostSwapWaitSeconds()).isCloseTo(SWAPPED * PAGE_READ, within(1e-6));
        assertThat(t.ioWaitSeconds()).isZero();
        assertThat(t.totalSeconds()).isCloseTo(t.accountedSeconds(), within(1e-9));
        assertThat(t.slowdown()).isEqualTo(1.0);    // it got all its work done, late
        DeviceStats device = core.hostStats().time().devices().get(0);
        assertThat(device.requests()).as("one cluster written, 200 pages read").isEqualTo(1 + SWAPPED);
        assertThat(core.hostReclaim().swapIns()).isEqualTo(SWAPPED);
        assertThat(g.audit()).isZero();
    }

    @Test
    void aGuestThatNeverFaultsRunsAtItsDemandThroughTheHypervisor() {
        HypervisorCore core = core();
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, PAGES, true).play();
        core.endTick();
        for (int t = 0; t < 20; t++) {
            g.touch(0, PAGES, false).touch(0, 50, true).play();
            core.endTick();
            assertThat(core.checkInvariants()).isEmpty();
        }
        GuestTimeStats t = time(core);
        assertThat(t.demand()).isEqualTo(PAGES + 20L * (PAGES + 50));
        assertThat(t.workUnits()).isEqualTo(t.demand());
        assertThat(t.slowdown()).isEqualTo(1.0);
        assertThat(t.hostSwapWaitSeconds() + t.ioWaitSeconds() + t.stalledSeconds() + t.readySeconds()).isZero();
        assertThat(t.accountedSeconds()).isCloseTo(21 * TICK, within(1e-9));
        assertThat(t.totalSeconds()).isCloseTo(21 * TICK, within(1e-9));
    }

    @Test
    void checkInvariantsReportsAGuestWhoseTimeDoesNotAddUp() throws ReflectiveOperationException {
        HypervisorCore core = core();
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, 10, true).play();
        core.endTick();
        assertThat(core.checkInvariants()).isEmpty();
        TickBudgetCorruption.addRunCycles(TickBudgetCorruption.budget(core.time(), 0), 0, 1);
        assertThat(core.checkInvariants()).singleElement().asString()
                .startsWith("reclaim-host: guest 0").contains("does not add up");
    }
}
