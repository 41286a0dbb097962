package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.host.migration.GuestTransfer;
import ballast.host.migration.PostCopyArrivals;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.translation.GuestMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of post-copy and hybrid migration under reclamation, on the hosts of
 * {@link RandomizedMigrationTest}: one guest (full, shadow-paged nested, nested or para-virtual)
 * switches to a second reclaiming host either at once (post-copy) or after one to three pre-copy
 * rounds (hybrid); the pages of its last round count there as still at the source and arrive by
 * network faults, pre-paging and the background push while every guest keeps running. After every
 * tick, on both hosts: every read was predicted (the digest), every mapped page audits clean, every
 * invariant holds (the time model's breakdowns included), and no page crossed twice (faults,
 * pre-paged and pushed pages and those still missing add up to the pages at the switch); by the end
 * every page has arrived.
 */
class RandomizedPostCopyTest {
    static final int RUNS = 60;
    static final int TICKS = 40;

    @Test
    void aGuestSwitchedToPostCopyReadsBackEverythingItWroteAndEveryPageCrossesOnce() {
        long faults = 0;
        long pushed = 0;
        long hybrids = 0;
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] f = play(seed);
            faults += f[0];
            pushed += f[1];
            hybrids += f[2];
        }
        assertThat(faults).as("network faults over all runs").isPositive();
        assertThat(pushed).as("pages pushed over all runs").isPositive();
        assertThat(hybrids).as("hybrid runs").isBetween(1L, RUNS - 1L);
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed * 104_729);
        ReclaimSettings reclaim = new ReclaimSettings(true, "shares", 0.75, 0.25, 0.5, 0.3, 16,
                0.16, 0.12, 0.08, 0.04, 0.01, 64, 1000, 200, 0, 0.1);
        boolean sharing = seed % 2 == 0;
        Kind[] kinds = {Kind.FULL, Kind.NESTED_SHADOW, Kind.NESTED, Kind.PARA};
        Kind moving = kinds[(int) (seed % 4)];
        HypervisorCore source = new HypervisorCore(host(232, 8, reclaim, sharing, moving.spec(0, 96),
                Kind.NESTED.spec(1, 96), Kind.FULL.spec(2, 64)));
        HypervisorCore dest = new HypervisorCore(host(400, 8, reclaim, sharing, Kind.FULL.spec(0, 96)));
        List<ModelGuest> here = new ArrayList<>(List.of(new ModelGuest(source, 0), new ModelGuest(source, 1),
                new ModelGuest(source, 2)));
        List<ModelGuest> there = new ArrayList<>(List.of(new ModelGuest(dest, 0)));
        int startAt = 6 + random.nextInt(6);
        int preRounds = (int) (seed % 3 == 0 ? 0 : random.nextInt(4)); // 0: post-copy; else hybrid
        int window = random.nextInt(9);
        long perTick = 4 + random.nextInt(40);
        int roundsSent = 0;
        int arrivedAs = -1;
        PostCopyArrivals arrivals = null;
        long[] out = new long[3];
        out[2] = preRounds > 0 ? 1 : 0;
        for (int t = 0; t < TICKS; t++) {
            if (t == startAt) {
                GuestTransfer.track(source, 0);
                arrivedAs = GuestTransfer.admit(dest, moving.spec(1, 96));
            } else if (arrivedAs >= 0 && here.get(0) != null) {
                boolean switchNow = roundsSent >= preRounds;
                GuestTransfer.Pages pages = GuestTransfer.read(source, 0, GuestTransfer.takeRound(source, 0,
                        roundsSent == 0));
                assertThat(GuestTransfer.receive(dest, arrivedAs, pages)).as("seed %d tick %d", seed, t).isNull();
                roundsSent++;
                if (switchNow) { // the switch: the guest runs at the destination, these pages still to come
                    GuestTransfer.PageTables tables = GuestTransfer.tables(source, 0);
                    var averages = GuestTransfer.workingSet(source, 0);
                    GuestTransfer.depart(source, 0);
                    GuestTransfer.install(dest, arrivedAs, tables.keys(), tables.ppns(), averages);
                    GuestMemory g = dest.guest(arrivedAs);
                    arrivals = new PostCopyArrivals(g.pmap().pages(), pages.ppns(), window, perTick, 0.0002);
                    assertThat(arrivals.initial()).isEqualTo(pages.ppns().length);
                    g.setArrivals(arrivals);
                    ModelGuest moved = new ModelGuest(here.get(0), dest, arrivedAs);
                    here.set(0, null);
                    there.add(moved);
                }
            }
            for (List<ModelGuest> guests : List.of(here, there)) {
                HypervisorCore core = guests == here ? source : dest;
                RandomizedMigrationTest.planTick(core, guests, random, sharing);
                RandomizedMigrationTest.playTick(guests);
                RandomizedMigrationTest.endTickAndCheck(core, guests, seed, t, core == source ? "source" : "dest");
            }
            if (arrivals != null) {
                assertThat(arrivals.faults() + arrivals.prepaged() + arrivals.pushed() + arrivals.left())
                        .as("seed %d tick %d: every page crosses once", seed, t).isEqualTo(arrivals.initial());
            }
        }
        assertThat(here.get(0)).as("seed %d: the guest moved", seed).isNull();
        assertThat(arrivals.done()).as("seed %d: every page arrived", seed).isTrue();
        out[0] = arrivals.faults();
        out[1] = arrivals.pushed();
        return out;
    }
}
