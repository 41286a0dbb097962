package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import ballast.host.cpu.CpuSpec;
import ballast.host.memory.LargePageSettings;
import ballast.host.migration.GuestTransfer;
import ballast.host.reclaim.FreeMemoryStates;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of large pages under reclamation, sharing and live migration: seeded random runs
 * of an over-committed host whose two nested guests are backed with large pages (their whole
 * memory written in the first tick, so every run of it is one large page), beside a full guest;
 * then balloons following their targets, host paging, guest page-outs, pops and bad balloon calls
 * ({@link RandomizedReclaimSequenceTest#plan}), sharing candidates on a sharing host (ESX or KSM
 * flavour) and the move of one large-page guest to a second host that backs its own guest with
 * large pages. After every tick, on both hosts: every read was predicted, every mapped page audits
 * clean and every invariant holds, large pages' included.
 */
class RandomizedLargePagesTest {
    static final int RUNS = 24;
    static final int TICKS = 40;
    static final int LARGE = 1024;

    @Test
    void largePageGuestsReclaimedSharedAndMovedReadBackEverythingTheyWrote() {
        long broken = 0;
        long standingAtStart = 0;
        long moved = 0;
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] f = play(seed);
            standingAtStart += f[0];
            broken += f[1];
            moved += f[2];
        }
        System.out.printf("randomized large pages: %d runs of %d ticks, %d large pages backed, %d broken, %d guests moved%n",
                RUNS, TICKS, standingAtStart, broken, moved);
        assertThat(standingAtStart).isEqualTo(RUNS * 4L);
        assertThat(broken).isPositive();
        assertThat(moved).isEqualTo(RUNS);
    }

    static GuestSpec nested(int index, int pages) {
        return new GuestSpec(index, "g" + index, TranslationMode.NESTED, pages, 1, CpuSpec.DEFAULT, null, true);
    }

    static HostSettings host(int frames, ReclaimSettings reclaim, boolean sharing, LargePageSettings large,
                             GuestSpec... guests) {
        SharingSettings share = new SharingSettings(sharing, 200, 50, SharingSettings.Order.RANDOM, 64, 0.1);
        return new HostSettings("large-host", 42L, frames, 8, 64, 1 << 20, 4096, TestHosts.COSTS, List.of(guests),
                share, reclaim, null, large);
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed * 104729);
        ReclaimSettings reclaim = new ReclaimSettings(true, "shares", 0.75, 0.25, 0.5, 0.3, 16,
                0.16, 0.12, 0.08, 0.04, 0.01, 256, 1000, 400, 0, 0.1);
        boolean sharing = seed % 2 == 0;
        LargePageSettings large = new LargePageSettings(seed % 3 == 0 ? FreeMemoryStates.HARD : FreeMemoryStates.SOFT,
                seed % 4 == 0 ? LargePageSettings.Flavour.KSM : LargePageSettings.Flavour.ESX, 8, 19, 15);
        HypervisorCore source = new HypervisorCore(host(2 * LARGE + 250, reclaim, sharing, large, nested(0, LARGE),
                nested(1, LARGE), ReclaimHosts.guest(2, TranslationMode.FULL, 512)));
        HypervisorCore dest = new HypervisorCore(host(2 * LARGE + 1200, reclaim, sharing, large, nested(0, LARGE)));
        List<ModelGuest> here = new ArrayList<>(List.of(new ModelGuest(source, 0), new ModelGuest(source, 1),
                new ModelGuest(source, 2)));
        List<ModelGuest> there = new ArrayList<>(List.of(new ModelGuest(dest, 0)));
        // the large-page guests write all their memory at once: every run of it backed by a large page
        here.get(0).touch(0, LARGE, true);
        here.get(1).touch(0, LARGE, true);
        there.get(0).touch(0, LARGE, true);
        int startAt = 8 + random.nextInt(8);
        int roundsWanted = 1 + random.nextInt(4);
        int roundsSent = 0;
        int arrivedAs = -1;
        long[] out = new long[3];
        for (int t = 0; t < TICKS; t++) {
            if (t == startAt) {
                GuestTransfer.track(source, 0);
                arrivedAs = GuestTransfer.admit(dest, nested(1, LARGE));
                GuestTransfer.Pages first = GuestTransfer.read(source, 0, GuestTransfer.takeRound(source, 0, true));
                assertThat(GuestTransfer.receive(dest, arrivedAs, first)).isNull();
                roundsSent = 1;
            } else if (arrivedAs >= 0 && here.get(0) != null && (random.nextInt(2) == 0 || t >= TICKS - 10)) {
                GuestTransfer.Pages next = GuestTransfer.read(source, 0, GuestTransfer.takeRound(source, 0, false));
                assertThat(GuestTransfer.receive(dest, arrivedAs, next)).as("seed %d tick %d", seed, t).isNull();
                if (++roundsSent > roundsWanted) { // the stop-and-copy: the guest moves now
                    GuestTransfer.PageTables tables = GuestTransfer.tables(source, 0);
                    var averages = GuestTransfer.workingSet(source, 0);
                    out[1] += source.guest(0).pmap().largePagesBroken();
                    GuestTransfer.depart(source, 0);
                    GuestTransfer.install(dest, arrivedAs, tables.keys(), tables.ppns(), averages);
                    there.add(new ModelGuest(here.get(0), dest, arrivedAs));
                    here.set(0, null);
                    out[2]++;
                }
            }
            for (List<ModelGuest> guests : List.of(here, there)) {
                HypervisorCore core = guests == here ? source : dest;
                if (t > 0) {
                    RandomizedMigrationTest.planTick(core, guests, random, sharing);
                }
                RandomizedMigrationTest.playTick(guests);
                if (t == 0 && guests == here) {
                    out[0] = source.guest(0).pmap().largePages() + source.guest(1).pmap().largePages();
                }
                RandomizedMigrationTest.endTickAndCheck(core, guests, seed, t, core == source ? "source" : "dest");
            }
        }
        out[1] += source.guest(1).pmap().largePagesBroken() + dest.guest(0).pmap().largePagesBroken();
        assertThat(here.get(0)).as("seed %d: the guest moved", seed).isNull();
        return out;
    }
}
