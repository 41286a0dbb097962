package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.memory.FramePool;
import ballast.host.memory.LargePageSettings;
import ballast.host.memory.Pmap;
import ballast.host.reclaim.FreeMemoryStates;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingSettings;
import ballast.host.translation.GuestPaging;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Large pages: a first touch backs a 2 MiB run with one aligned run of 512 frames (or 4 KiB frames
 * when the host has none), the TLB's 2 MiB entries cut misses and nested walks get shorter, and
 * page sharing follows ESX (no sharing while a large page stands; broken under pressure) or KSM
 * (split on a match). Every test plays the host's deterministic tick through {@link SharingHarness}:
 * every read checked, every invariant after every tick.
 */
class LargePagesTest {
    static final int PAGES = 1024; // two large pages per guest

    static GuestSpec nested(int index, String name, int pages, boolean large) {
        return new GuestSpec(index, name, TranslationMode.NESTED, pages, 1, ballast.host.cpu.CpuSpec.DEFAULT, null, large);
    }

    static GuestSpec nested(int index, String name, int pages, boolean large, ballast.host.cpu.CpuSpec cpu) {
        return new GuestSpec(index, name, TranslationMode.NESTED, pages, 1, cpu, null, large);
    }

    static HostSettings host(int frames, double scanPerSecond, LargePageSettings large, GuestSpec... guests) {
        SharingSettings sharing = new SharingSettings(scanPerSecond > 0, scanPerSecond, scanPerSecond,
                SharingSettings.Order.SEQUENTIAL, 64, 0.1);
        return new HostSettings("h", 5, frames, 16, 64, 1 << 20, 1 << 16, TestHosts.COSTS, List.of(guests), sharing,
                ReclaimSettings.DISABLED, null, large);
    }

    static LargePageSettings esx(int breakAt) {
        return new LargePageSettings(breakAt, LargePageSettings.Flavour.ESX, 32, 19, 15);
    }

    /** Token of page {@code page} in the content every guest of the sharing tests holds. */
    static long content(int page) {
        return 0x5EED_0000L + page;
    }

    static void fill(SharingHarness h, int guest) {
        for (int p = 0; p < h.guests[guest].expected.length; p++) {
            h.guests[guest].write(p, content(p));
        }
    }

    static GuestStats stats(SharingHarness h, int guest) {
        return h.core.guestStats(guest, null);
    }

    @Test
    void aFirstTouchBacksTheWholeAlignedRunWithOneAlignedRunOfFramesOwnedByTheGuest() {
        SharingHarness h = new SharingHarness(host(8192, 0, LargePageSettings.DEFAULT,
                nested(0, "large", PAGES, true), nested(1, "small", PAGES, false)), false);
        h.guests[0].write(5, 77);
        h.guests[1].write(5, 77);
        h.tick();
        Pmap pmap = h.core.guest(0).pmap();
        int base = pmap.mpn(0);
        assertThat(base % FramePool.RUN_FRAMES).isZero();
        for (int ppn = 0; ppn < Pmap.LARGE_PAGES; ppn++) {
            assertThat(pmap.mpn(ppn)).isEqualTo(base + ppn);
            assertThat(h.core.frames().owner(base + ppn)).isEqualTo(0);
        }
        assertThat(pmap.mpn(Pmap.LARGE_PAGES)).as("the next run is untouched").isEqualTo(FramePool.NO_FRAME);
        assertThat(pmap.largePages()).isEqualTo(1);
        assertThat(stats(h, 0).allocatedPages()).isEqualTo(512);
        assertThat(stats(h, 0).largePages().largePages()).isEqualTo(1);
        assertThat(stats(h, 1).allocatedPages()).as("a guest without large pages gets one frame").isEqualTo(1);
        assertThat(stats(h, 1).largePages().largePages()).isZero();
        h.guests[0].read(5);
        h.tick();
        assertThat(h.mismatches()).isZero();
    }

    @Test
    void withoutAWhollyFreeAlignedRunAFirstTouchFallsBackToFourKibFrames() {
        // 1,100 frames: two aligned runs (and a partial one); a guest without large pages takes frames 0 to 599 first
        HostSettings settings = new HostSettings("h", 5, 1100, 16, 64, 1 << 20, 1 << 16, TestHosts.COSTS,
                List.of(nested(0, "small", PAGES, false), nested(1, "large", PAGES, true)), SharingSettings.DISABLED,
                ReclaimSettings.DISABLED, null, LargePageSettings.DEFAULT);
        SharingHarness h = new SharingHarness(settings, false);
        assertThat(h.core.frames().wholeFreeRuns()).isEqualTo(2);
        for (int p = 0; p < 600; p++) {
            h.guests[0].write(p, content(p));
        }
        h.tick();
        assertThat(h.core.frames().wholeFreeRuns()).isZero();
        h.guests[1].write(3, 1).write(700, 2);
        h.tick();
        assertThat(h.core.guest(1).pmap().largePages()).isZero();
        assertThat(stats(h, 1).allocatedPages()).isEqualTo(2);
        h.guests[1].read(3).read(700);
        h.tick();
        assertThat(h.mismatches()).isZero();
    }

    @Test
    void singleFramesAreTakenFromTheBottomAndRunsFromTheTopSoThatFewRunsAreSplit() {
        SharingHarness h = new SharingHarness(host(8192, 0, LargePageSettings.DEFAULT, nested(0, "small", PAGES, false),
                nested(1, "large", PAGES, true)), false);
        int whole = h.core.frames().wholeFreeRuns();
        assertThat(whole).isEqualTo(15); // 16 runs, the reserve at the top splits the last
        for (int p = 0; p < 600; p++) {
            h.guests[0].write(p, content(p));
        }
        h.guests[1].write(0, 1).write(600, 2);
        h.tick();
        // 600 single frames split two runs; the large guest's two runs come from the top
        assertThat(h.core.frames().wholeFreeRuns()).isEqualTo(whole - 4);
        assertThat(h.core.guest(1).pmap().mpn(0)).isEqualTo(14 * 512);
    }

    @Test
    void aGuestWithoutNestedPagingIsNotBackedWithLargePages() {
        SharingHarness h = new SharingHarness(host(8192, 0, LargePageSettings.DEFAULT,
                nested(0, "shadow", PAGES, true, new ballast.host.cpu.CpuSpec(true, false, 4096, 0)),
                new GuestSpec(1, "full", TranslationMode.FULL, PAGES, 1, ballast.host.cpu.CpuSpec.DEFAULT, null, true)), false);
        h.guests[0].write(1, 1);
        h.guests[1].write(1, 1);
        h.tick();
        assertThat(h.core.guest(0).pmap().largePages()).isZero();
        assertThat(h.core.guest(1).pmap().largePages()).isZero();
    }

    /** Misses, hits and overhead of the same seeded hot-cold reads over 4 MiB, with large pages on or off. */
    static GuestStats playReads(boolean large) {
        int pages = 2048;
        SharingHarness h = new SharingHarness(host(8192, 0, LargePageSettings.DEFAULT, nested(0, "g", pages, large)), false);
        for (int p = 0; p < pages; p++) {
            h.guests[0].write(p, content(p));
        }
        h.tick();
        SplittableRandom random = new SplittableRandom(11);
        for (int t = 0; t < 20; t++) {
            for (int i = 0; i < 5000; i++) {
                int page = random.nextInt(10) < 8 ? random.nextInt(256) : random.nextInt(pages);
                h.guests[0].read(page);
            }
            h.tick();
        }
        assertThat(h.mismatches()).isZero();
        return stats(h, 0);
    }

    @Test
    void tlbMissesFallAndTheReachGrowsWithLargePagesOn() {
        GuestStats off = playReads(false);
        GuestStats on = playReads(true);
        assertThat(on.tlbHits() + on.tlbMisses()).isEqualTo(off.tlbHits() + off.tlbMisses());
        // 64 entries of 4 KiB cover 256 KiB of a 8 MiB working set; 4 entries of 2 MiB cover it all
        assertThat(on.tlbMisses()).isLessThan(off.tlbMisses() / 20);
        assertThat(on.largePages().tlbReachPages()).isGreaterThanOrEqualTo(4 * 512);
        assertThat(off.largePages().tlbReachPages()).isLessThanOrEqualTo(64);
        assertThat(on.overheadCycles()).isLessThan(off.overheadCycles());
    }

    @Test
    void aNestedWalkThatEndsOnAHostLargePageCostsNineteenReferencesInsteadOfTwentyFour() {
        // large TLB entries off: every miss still walks, but the walk's nested dimension ends at 2 MiB
        LargePageSettings noLargeTlb = new LargePageSettings(1, LargePageSettings.Flavour.ESX, 0, 19, 15);
        SharingHarness h = new SharingHarness(host(8192, 0, noLargeTlb, nested(0, "g", PAGES, true)), false);
        h.guests[0].write(0, 1);
        h.tick();
        long before = stats(h, 0).overheadCyclesByEvent()[ballast.host.cpu.CpuAccount.TLB_MISS];
        long missesBefore = stats(h, 0).tlbMisses();
        h.guests[0].write(1, 2).write(2, 3); // two first writes: two misses
        h.tick();
        long walks = stats(h, 0).tlbMisses() - missesBefore;
        long cycles = stats(h, 0).overheadCyclesByEvent()[ballast.host.cpu.CpuAccount.TLB_MISS] - before;
        assertThat(walks).isEqualTo(2);
        // (19 - 4) references of 10 cycles over a native walk, against (24 - 4) without large pages
        assertThat(cycles).isEqualTo(walks * (19 - 4) * 10);
        assertThat(stats(h, 0).largePages().largeWalks()).isEqualTo(3);
    }

    /**
     * Two large-page guests and two guests without, all four holding the same 1,024 pages of content,
     * on a host whose free memory after the fill sits in {@code state}'s band (or high when roomy).
     */
    static SharingHarness sharingHost(int frames, LargePageSettings large) {
        SharingHarness h = new SharingHarness(host(frames, 20_000, large, nested(0, "a", PAGES, true),
                nested(1, "b", PAGES, true), nested(2, "c", PAGES, false), nested(3, "d", PAGES, false)), true);
        for (int g = 0; g < 4; g++) {
            fill(h, g);
        }
        h.ticks(40);
        assertThat(h.mismatches()).isZero();
        return h;
    }

    static final int ROOMY = 16384;
    static final int TIGHT = 8192;
    /** The third guest's pages: on the tight host they leave 300 frames of 8,192 free (3.7%: below soft, 4%, above hard, 2%). */
    static final int FILLER = TIGHT - 16 - 2 * PAGES - 300;

    /**
     * Two large-page guests holding the same 1,024 pages of content, and a third without large
     * pages holding content of its own, sized so that the tight host sits in the soft state.
     */
    static SharingHarness pressureHost(int frames, LargePageSettings large) {
        SharingHarness h = new SharingHarness(host(frames, 20_000, large, nested(0, "a", PAGES, true),
                nested(1, "b", PAGES, true), nested(2, "filler", FILLER, false)), true);
        fill(h, 0);
        fill(h, 1);
        for (int p = 0; p < FILLER; p++) {
            h.guests[2].write(p, 0xF111_0000_0000L + p);
        }
        h.ticks(40);
        assertThat(h.mismatches()).isZero();
        return h;
    }

    @Test
    void withoutPressureSharingSavesOnlyWhatItCanWithoutBreakingALargePage() {
        SharingHarness h = sharingHost(ROOMY, esx(FreeMemoryStates.SOFT));
        assertThat(h.core.reclamation().states().state()).isEqualTo(FreeMemoryStates.HIGH);
        for (int g = 0; g < 2; g++) {
            assertThat(stats(h, g).sharedPages()).as("large-page guest %d shares nothing", g).isZero();
            assertThat(stats(h, g).largePages().largePages()).isEqualTo(2);
            assertThat(stats(h, g).largePages().largePagesBroken()).isZero();
        }
        for (int g = 2; g < 4; g++) {
            assertThat(stats(h, g).sharedPages()).as("4 KiB guest %d shares its pages", g).isEqualTo(PAGES);
        }
        assertThat(h.core.hostStats().largePages().shareRefusals()).isPositive();
        // c and d share one frame per content: 1,024 frames saved, a's and b's 2,048 pages not
        assertThat(h.core.hostStats().pagesSharing()).isEqualTo(PAGES);
    }

    @Test
    void underPressureLargePagesAreBrokenAndSharingRises() {
        SharingHarness roomy = pressureHost(ROOMY, esx(FreeMemoryStates.SOFT));
        SharingHarness tight = pressureHost(TIGHT, esx(FreeMemoryStates.SOFT));
        long brokenTight = 0;
        long sharedTight = 0;
        for (int g = 0; g < 2; g++) {
            assertThat(stats(roomy, g).largePages().largePagesBroken()).isZero();
            assertThat(stats(roomy, g).sharedPages()).isZero();
            brokenTight += stats(tight, g).largePages().largePagesBroken();
            sharedTight += stats(tight, g).sharedPages();
        }
        assertThat(roomy.core.hostStats().pagesSharing()).isZero();
        assertThat(brokenTight).isPositive();
        assertThat(sharedTight).isGreaterThanOrEqualTo(Pmap.LARGE_PAGES);
        assertThat(tight.core.hostStats().pagesSharing()).isGreaterThanOrEqualTo(Pmap.LARGE_PAGES / 2);
    }

    @Test
    void theBreakStateIsConfigurableAHostInSoftDoesNotBreakWhenTheyBreakAtHard() {
        SharingHarness tight = pressureHost(TIGHT, esx(FreeMemoryStates.HARD));
        assertThat(tight.core.reclamation().states().state()).isEqualTo(FreeMemoryStates.SOFT);
        for (int g = 0; g < 2; g++) {
            assertThat(stats(tight, g).largePages().largePagesBroken()).isZero();
            assertThat(stats(tight, g).sharedPages()).isZero();
        }
    }

    @Test
    void theKsmFlavourSplitsALargePageOnAMatchWithoutPressure() {
        SharingHarness h = sharingHost(ROOMY, new LargePageSettings(FreeMemoryStates.SOFT, LargePageSettings.Flavour.KSM,
                32, 19, 15));
        assertThat(h.core.reclamation().states().state()).isEqualTo(FreeMemoryStates.HIGH);
        for (int g = 0; g < 2; g++) {
            assertThat(stats(h, g).largePages().largePagesBroken()).isEqualTo(2);
            assertThat(stats(h, g).largePages().largePages()).isZero();
            assertThat(stats(h, g).sharedPages()).isEqualTo(PAGES);
        }
    }

    @Test
    void swappingOutOrBallooningAPieceBreaksItsLargePageAndLeavesTheOtherPiecesMapped() {
        SharingHarness h = new SharingHarness(host(8192, 0, LargePageSettings.DEFAULT, nested(0, "g", PAGES, true)), false);
        fill(h, 0);
        h.tick();
        GuestPaging paging = h.core.guest(0).paging();
        paging.inflate(7);
        h.guests[0].mapped[7] = false; // the balloon took it: not read again
        assertThat(h.core.guest(0).pmap().largePages()).isEqualTo(1);
        assertThat(h.core.guest(0).pmap().largePagesBroken()).isEqualTo(1);
        assertThat(h.core.checkInvariants()).isEmpty();
        for (int p = 0; p < PAGES; p++) {
            if (p != 7) {
                h.guests[0].read(p);
            }
        }
        h.tick();
        assertThat(h.mismatches()).isZero();
    }

    @Test
    void aReleasedGuestGivesItsRunsBackWhole() {
        SharingHarness h = new SharingHarness(host(8192, 0, LargePageSettings.DEFAULT, nested(0, "g", PAGES, true)), false);
        int whole = h.core.frames().wholeFreeRuns();
        fill(h, 0);
        h.tick();
        assertThat(h.core.frames().wholeFreeRuns()).isEqualTo(whole - 2);
        h.core.releaseGuest(0);
        assertThat(h.core.frames().wholeFreeRuns()).isEqualTo(whole);
        assertThat(h.core.checkInvariants()).isEmpty();
    }
}
