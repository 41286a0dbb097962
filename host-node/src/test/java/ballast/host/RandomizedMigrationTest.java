package ballast.host;

import ballast.host.migration.GuestTransfer;
import ballast.host.translation.GuestMemory;
import static ballast.host.ReclaimHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import ballast.host.memory.Pmap;
import ballast.host.reclaim.ReclaimSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of live migration under reclamation: seeded random runs of the over-committed host
 * of {@link RandomizedReclaimSequenceTest} (balloons following their targets, host paging, guest
 * page-outs, pops, bad balloon calls) from which one guest (full, shadow-paged nested, nested or
 * para-virtual) moves to a second host that reclaims too and runs a guest of its own: tracking,
 * one to five pre-copy rounds taken while every guest keeps running (its balloon moving, its pages
 * swapped out and in), then stop-and-copy and install. After every tick, on both hosts: every
 * read was predicted (the digest), every mapped page audits clean, and every invariant holds; the
 * moved guest's balloon at the destination is exactly the one it left.
 */
class RandomizedMigrationTest {
    static final int RUNS = 80;
    static final int TICKS = 40;

    @Test
    void aGuestMovedWhileItsHostReclaimsReadsBackEverythingItWrote() {
        long rounds = 0;
        long ballooned = 0;
        long swapped = 0;
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] f = play(seed);
            rounds += f[0];
            ballooned += f[1];
            swapped += f[2];
        }
        System.out.printf("randomized migration: %d runs of %d ticks, %d pre-copy rounds, %d ballooned and %d"
                + " host-swapped PPNs at the start of the migrations%n", RUNS, TICKS, rounds, ballooned, swapped);
        assertThat(ballooned).isPositive();
        assertThat(swapped).isPositive();
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed * 7919);
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
        int startAt = 8 + random.nextInt(8);
        int roundsWanted = 1 + random.nextInt(5);
        int roundsSent = 0;
        int arrivedAs = -1;
        long[] out = new long[3];
        for (int t = 0; t < TICKS; t++) {
            if (t == startAt) {
                GuestMemory m = source.guest(0);
                out[1] = m.pmap().balloonedPages();
                out[2] = m.pmap().swappedPages();
                GuestTransfer.track(source, 0);
                arrivedAs = GuestTransfer.admit(dest, moving.spec(1, 96));
                GuestTransfer.Pages first = GuestTransfer.read(source, 0, GuestTransfer.takeRound(source, 0, true));
                assertThat(GuestTransfer.receive(dest, arrivedAs, first)).isNull();
                roundsSent = 1;
            } else if (arrivedAs >= 0 && here.get(0) != null && (random.nextInt(2) == 0 || t >= TICKS - 10)) {
                GuestTransfer.Pages next = GuestTransfer.read(source, 0, GuestTransfer.takeRound(source, 0, false));
                assertThat(GuestTransfer.receive(dest, arrivedAs, next)).as("seed %d tick %d", seed, t).isNull();
                if (++roundsSent > roundsWanted) { // that was the stop-and-copy: the guest moves now
                    int[] balloon = ballooned(source.guest(0));
                    GuestTransfer.PageTables tables = GuestTransfer.tables(source, 0);
                    var averages = GuestTransfer.workingSet(source, 0);
                    GuestTransfer.depart(source, 0);
                    GuestTransfer.install(dest, arrivedAs, tables.keys(), tables.ppns(), averages);
                    assertThat(ballooned(dest.guest(arrivedAs))).as("seed %d", seed).containsExactly(balloon);
                    ModelGuest moved = new ModelGuest(here.get(0), dest, arrivedAs);
                    here.set(0, null);
                    there.add(moved);
                    out[0] += roundsSent;
                }
            }
            for (List<ModelGuest> guests : List.of(here, there)) {
                HypervisorCore core = guests == here ? source : dest;
                RandomizedMigrationTest.planTick(core, guests, random, sharing);
                RandomizedMigrationTest.playTick(guests);
                RandomizedMigrationTest.endTickAndCheck(core, guests, seed, t, core == source ? "source" : "dest");
            }
        }
        assertThat(here.get(0)).as("seed %d: the guest moved", seed).isNull();
        return out;
    }

    static int[] ballooned(GuestMemory g) {
        return java.util.stream.IntStream.range(0, g.pmap().pages()).filter(p -> g.pmap().state(p) == Pmap.BALLOONED).toArray();
    }

    /** Plans a tick of reclamation work for every guest of {@code guests} on {@code core}. */
    static void planTick(HypervisorCore core, List<ModelGuest> guests, SplittableRandom random, boolean sharing) {
        long[] budget = {core.frames().freeFrames() - 1L};
        for (ModelGuest g : guests) {
            if (g != null) {
                RandomizedReclaimSequenceTest.plan(g, core.balloonTarget(g.index), random, budget, sharing);
            }
        }
    }

    /** Plays every guest's planned tick. */
    static void playTick(List<ModelGuest> guests) {
        for (ModelGuest g : guests) {
            if (g != null) {
                g.play();
            }
        }
    }

    /** Ends {@code core}'s tick and checks every invariant and the audit of every guest of {@code guests}. */
    static void endTickAndCheck(HypervisorCore core, List<ModelGuest> guests, long seed, int t, String host) {
        core.endTick();
        assertThat(core.checkInvariants()).as("seed %d tick %d %s", seed, t, host).isEmpty();
        for (ModelGuest g : guests) {
            if (g != null) {
                assertThat(g.audit()).as("seed %d tick %d guest %d", seed, t, g.index).isZero();
            }
        }
    }
}
