package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MemoryHotplug;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TranslationMode;
import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.OsProfile;
import ballast.guest.os.GuestOs;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.hotplug.HotplugSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guest OS's hotplug driver against the real hypervisor: a resize below the plugged size makes
 * the guest empty its highest blocks (free ones first), migrating the pages in use out of them, and
 * unplug them, a few blocks a tick; the host gets the frames back; a resize up plugs blocks whose
 * pages the workload then uses. Every read verifies, nothing is refused and every invariant holds
 * after every tick. A guest whose pages fill its memory cannot empty a block: the unplug is busy.
 */
class HotplugGuestTest {
    static final int PAGES = 8192; // 32 MiB: 16 blocks of 2 MiB
    static final int BLOCK = 512;

    enum Mode { FULL, NESTED }

    /**
     * A guest of 32 MiB, all plugged, whose workload works over {@code workingSet} pages for 1 s,
     * then over {@code then} pages (freeing the rest); 0.1 s ticks.
     */
    static Object[] setUp(Mode mode, int workingSet, int then, int frames) {
        TranslationMode m = mode == Mode.FULL ? TranslationMode.FULL : TranslationMode.NESTED;
        WorkloadSettings work = new WorkloadSettings("phases", List.of(Phase.uniform(1.0, workingSet, 40_000, 0.3),
                Phase.uniform(Double.POSITIVE_INFINITY, then, 40_000, 0.3)));
        GuestSettings settings = new GuestSettings("g0", "h", 0, "linux", m, PAGES, 1, 11, 0.1,
                new ContentSettings("linux", 0.25, 0.1), work, OsProfile.NONE,
                new GuestMemorySettings(true, 64, 2, 4000, 1.0).withReporting(false, 9, 20, 32, true)
                        .withHotplug(BLOCK, PAGES, 2));
        GuestOs os = new GuestOs(settings);
        HypervisorCore core = new HypervisorCore(host(frames, 16, quiet(), false,
                new GuestSpec(0, "g0", m, PAGES, 1).withHotplug(new HotplugSpec(BLOCK, PAGES))));
        Refusal[] refusal = new Refusal[1];
        os.booted(core.boot(0, "g0", refusal));
        return new Object[] {os, core};
    }

    /** Plays tick {@code t}: the tick start's requested size, the guest's work, its verification, the invariants. */
    static TickResult play(HypervisorCore core, GuestOs os, long t) {
        TickStart start = core.tickStart(0, t, false);
        os.requestMemory(start.requestedPages(), t);
        GuestOs.Work w = os.generate(t, 100);
        TickResult r = core.apply(new GuestWork(0, t, w.mmuUpdates(), w.opBuffer(), w.opCount(), w.valueBuffer(),
                w.valueCount(), w.kernel(), w.reservation(), w.load(), w.reports(), w.hotplug()));
        assertThat(r.refusals()).as("tick %d", t).isEmpty();
        assertThat(os.verify(r)).as("tick %d reads", t).isTrue();
        core.endTick();
        assertThat(core.checkInvariants()).as("tick %d", t).isEmpty();
        for (MemoryHotplug h : w.hotplug()) {
            assertThat(h.blocks().length).isLessThanOrEqualTo(2);
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aResizeDownEmptiesAndUnplugsTheHighestBlocksAndTheHostGetsTheirFramesBack(Mode mode) {
        Object[] s = setUp(mode, 7000, 2000, 16 + 2 * PAGES); // 2000 pages left, spread over the PPNs 0..6999
        GuestOs os = (GuestOs) s[0];
        HypervisorCore core = (HypervisorCore) s[1];
        long t = 0;
        for (; t < 20; t++) {
            play(core, os, t);
        }
        int backedBefore = core.guest(0).pmap().backedPages();
        assertThat(core.resize(0, 4096)).isNull(); // 8 of 16 blocks
        long firstUnplugged = -1;
        for (; t < 40; t++) {
            play(core, os, t);
            if (firstUnplugged < 0 && os.blocksUnplugged() > 0) {
                firstUnplugged = t;
            }
        }
        assertThat(os.pluggedPages()).isEqualTo(4096);
        assertThat(core.guest(0).hotplug().pluggedPages()).isEqualTo(4096);
        assertThat(os.blocksUnplugged()).isEqualTo(8);
        assertThat(firstUnplugged).as("read with tick 20's start, sent in tick 21, settled in tick 23").isEqualTo(23);
        assertThat(os.pagesMigrated()).as("the pages in the blocks unplugged moved").isPositive();
        assertThat(os.unplugBusy()).isZero();
        assertThat(core.guest(0).pmap().backedPages()).isLessThanOrEqualTo(4096);
        assertThat(core.guest(0).pmap().backedPages()).isLessThan(backedBefore);
        for (int ppn = 4096; ppn < PAGES; ppn++) {
            assertThat(core.guest(0).pmap().state(ppn)).isZero();
        }
        assertThat(os.residentPages()).isEqualTo(2000);

        // back up: blocks plugged, and a workload that grows uses them
        assertThat(core.resize(0, PAGES)).isNull();
        os.changeWorkload(new WorkloadSettings("phases", List.of(Phase.uniform(Double.POSITIVE_INFINITY, 7000, 40_000,
                0.3))), t + 1);
        for (; t < 80; t++) {
            play(core, os, t);
        }
        assertThat(os.pluggedPages()).isEqualTo(PAGES);
        assertThat(os.blocksPlugged()).isEqualTo(8);
        assertThat(core.guest(0).hotplug().pluggedPages()).isEqualTo(PAGES);
        assertThat(core.guest(0).pmap().backedPages()).isGreaterThan(4096);
        assertThat(os.counters().readMismatches()).isZero();
        assertThat(core.audit(0, os.audit().keys(), os.audit().tokens())).isZero();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aGuestWhosePagesFillItsMemoryCannotEmptyABlockAndCountsItBusy(Mode mode) {
        Object[] s = setUp(mode, PAGES - 64, PAGES - 64, 16 + 2 * PAGES);
        GuestOs os = (GuestOs) s[0];
        HypervisorCore core = (HypervisorCore) s[1];
        long t = 0;
        for (; t < 40; t++) {
            play(core, os, t);
        }
        assertThat(os.freePages()).isLessThan(BLOCK);
        assertThat(core.resize(0, PAGES - 2 * BLOCK)).isNull();
        for (; t < 50; t++) {
            play(core, os, t);
        }
        assertThat(os.unplugBusy()).isPositive();
        assertThat(os.pluggedPages()).as("a block with free PPNs enough is still unplugged")
                .isGreaterThanOrEqualTo(PAGES - 2 * BLOCK);
        assertThat(core.guest(0).hotplug().pluggedPages()).isEqualTo(os.pluggedPages());
        assertThat(os.counters().readMismatches()).isZero();
    }
}
