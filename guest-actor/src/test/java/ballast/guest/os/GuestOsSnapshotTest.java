package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.guest.GuestOsSnapshot;
import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.workload.Phase;
import ballast.guest.workload.SeededStream;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.Ops;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.guest.OsProfile;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A guest OS restored from a snapshot goes on exactly as the original would have (live migration). */
class GuestOsSnapshotTest {

    static GuestSettings settings(int index) {
        return settings(index, null);
    }

    static GuestSettings settings(int index, GuestMemorySettings memory) {
        OsProfile linux = OsProfile.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.os-profiles.linux")
                .withFallback(ConfigFactory.defaultReference().getConfig("ballast.os-profile")));
        return new GuestSettings("g", "h", index, "linux", TranslationMode.FULL, 4096, 2, 99, 0.1,
                new ContentSettings("linux", 0.25, 0.1),
                new WorkloadSettings("phases", List.of(Phase.uniform(0.35, 300, 20_000, 0.3),
                        new Phase(Double.POSITIVE_INFINITY, 900, 33_333, 0.6, 0.1, 0.9))), linux, memory);
    }

    /** One tick against a perfect memory (key -> token); the guest verifies what a correct host returns. */
    static GuestOs.Work step(GuestOs os, long tick, Map<Long, Long> memory) {
        return step(os, tick, memory, GuestOs.BalloonOrders.NONE, false);
    }

    /** As above, with the balloon driver's orders and a stall. */
    static GuestOs.Work step(GuestOs os, long tick, Map<Long, Long> memory, GuestOs.BalloonOrders orders,
                             boolean stall) {
        GuestOs.Work w = os.generate(tick, 1000, orders, stall);
        long digest = GuestOsTest.replay(w, memory, new HashMap<>());
        int reads = 0;
        for (long op : w.ops()) {
            if (Ops.kind(op) == Ops.READ) {
                reads++;
            }
        }
        assertThat(os.verify(new TickResult(tick, digest, reads, List.of()))).isTrue();
        return w;
    }

    @Test
    void seededStreamIsSplittableRandom() {
        for (long seed : new long[] {0, 1, -7, 0x9e3779b97f4a7c15L, Long.MIN_VALUE}) {
            SplittableRandom r = new SplittableRandom(seed);
            SeededStream s = new SeededStream(seed);
            for (int i = 0; i < 1000; i++) {
                if (i % 3 == 0) {
                    assertThat(s.nextDouble()).isEqualTo(r.nextDouble());
                } else {
                    assertThat(s.nextLong()).isEqualTo(r.nextLong());
                }
            }
            assertThat(new SeededStream(s.state()).nextLong()).isEqualTo(r.nextLong());
        }
    }

    @Test
    void aRestoredGuestGeneratesExactlyWhatTheOriginalWould() {
        GuestOs original = new GuestOs(settings(0));
        original.booted(new int[0]);
        GuestOs twin = new GuestOs(settings(0));
        twin.booted(new int[0]);
        Map<Long, Long> originalMemory = new HashMap<>();
        Map<Long, Long> twinMemory = new HashMap<>();
        for (long t = 0; t < 5; t++) {
            step(original, t, originalMemory);
            step(twin, t, twinMemory);
        }
        // the twin moves: saved, and restored into a fresh guest OS under another index; its memory goes with it
        GuestOsSnapshot snapshot = twin.snapshot();
        GuestOs moved = new GuestOs(settings(3));
        moved.restore(snapshot);
        moved.booted(new int[0]);
        for (long t = 5; t < 12; t++) {
            GuestOs.Work a = step(original, t, originalMemory);
            GuestOs.Work b = step(moved, t, twinMemory);
            assertThat(b.ops()).as("tick %d ops", t).isEqualTo(a.ops());
            assertThat(b.values()).as("tick %d values", t).isEqualTo(a.values());
            assertThat(b.kernel().events()).isEqualTo(a.kernel().events());
            assertThat(b.kernel().workCycles()).isEqualTo(a.kernel().workCycles());
        }
        assertThat(moved.counters()).isEqualTo(original.counters());
        assertThat(moved.counters().readsVerified()).isPositive();
        assertThat(moved.audit().keys()).isEqualTo(original.audit().keys());
        assertThat(moved.audit().tokens()).isEqualTo(original.audit().tokens());
    }

    /** The balloon's orders of each tick: pin most of the memory (the guest pages), then give some back; tick 9 stalls. */
    static GuestOs.BalloonOrders orders(long tick, int[] pinned) {
        if (tick == 3) {
            return new GuestOs.BalloonOrders(new int[0], 3900, new int[0]);
        }
        if (tick == 7) {
            return new GuestOs.BalloonOrders(java.util.Arrays.copyOf(pinned, 300), 0, new int[0]);
        }
        return GuestOs.BalloonOrders.NONE;
    }

    @Test
    void aGuestRestoredWhileItPagesAndHoldsABalloonGoesOnExactlyAsTheOriginal() {
        GuestMemorySettings memory = new GuestMemorySettings(true, 4096, 2, 4000, 0.5);
        GuestOs original = new GuestOs(settings(0, memory));
        original.booted(new int[0]);
        GuestOs twin = new GuestOs(settings(0, memory));
        twin.booted(new int[0]);
        Map<Long, Long> originalMemory = new HashMap<>();
        Map<Long, Long> twinMemory = new HashMap<>();
        int[][] pinned = new int[2][];
        for (long t = 0; t < 6; t++) {
            GuestOs.Work a = step(original, t, originalMemory, orders(t, pinned[0]), t == 9);
            GuestOs.Work b = step(twin, t, twinMemory, orders(t, pinned[1]), t == 9);
            if (t == 3) {
                pinned[0] = a.pinned();
                pinned[1] = b.pinned();
            }
        }
        int balloon = twin.balloonPages();
        assertThat(balloon).isGreaterThan(3700); // pinned free PPNs first, then paged out to pin more
        assertThat(twin.counters().guestPageOuts()).isPositive(); // about 200 usable pages for a working set of 900
        GuestOsSnapshot snapshot = twin.snapshot();
        GuestOs moved = new GuestOs(settings(5, memory));
        moved.restore(snapshot);
        moved.booted(new int[0]);
        long pageInsBefore = moved.counters().guestPageIns();
        for (long t = 6; t < 14; t++) {
            GuestOs.Work a = step(original, t, originalMemory, orders(t, pinned[0]), t == 9);
            GuestOs.Work b = step(moved, t, twinMemory, orders(t, pinned[1]), t == 9);
            assertThat(b.ops()).as("tick %d ops", t).isEqualTo(a.ops());
            assertThat(b.values()).as("tick %d values", t).isEqualTo(a.values());
            assertThat(b.reservation() == null).isEqualTo(a.reservation() == null);
            if (a.reservation() != null) {
                assertThat(b.reservation().pageOuts()).as("tick %d page-outs", t).isEqualTo(a.reservation().pageOuts());
                assertThat(b.reservation().inflate()).isEqualTo(a.reservation().inflate());
                assertThat(b.reservation().deflate()).isEqualTo(a.reservation().deflate());
            }
        }
        assertThat(moved.counters()).isEqualTo(original.counters());
        assertThat(moved.counters().guestPageIns()).isGreaterThan(pageInsBefore);
        assertThat(moved.counters().stalledTicks()).isEqualTo(1);
        assertThat(moved.counters().workingSetTruePages()).isPositive();
        assertThat(moved.balloonPages()).isEqualTo(balloon - 300).isEqualTo(original.balloonPages());
        assertThat(moved.audit().keys()).isEqualTo(original.audit().keys());
        assertThat(moved.audit().tokens()).isEqualTo(original.audit().tokens());
    }

    @Test
    void aSnapshotThatDoesNotFitIsRefused() {
        GuestOs os = new GuestOs(settings(0));
        os.booted(new int[0]);
        step(os, 0, new HashMap<>());
        GuestOsSnapshot s = os.snapshot();
        GuestOsSnapshot wrong = new GuestOsSnapshot(s.ppnOfPage(), s.expected(), s.touched(), s.nextNeverUsed(),
                s.givenBack(), s.imageLoaded(), s.remapPages(), s.remapTicks(), s.accesses(), s.reads(), s.writes(), s.readsVerified(),
                s.readMismatches(), s.verifiedCounters(), s.workloadRandom(), s.workloadCarry(), s.kernelRandom(),
                s.kernelWorkRemainder(), s.contentWrites(), new GuestOsSnapshot.Paging(s.paging().lastAccess(),
                new int[7], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), s.workload(), s.trace());
        assertThatThrownBy(() -> new GuestOs(settings(1)).restore(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
    }

    @Test
    void theSnapshotGrowsWithTheTouchedPagesNotWithTheMemory() {
        GuestOs os = new GuestOs(settings(0));
        os.booted(new int[0]);
        Map<Long, Long> memory = new HashMap<>();
        for (long t = 0; t < 3; t++) {
            step(os, t, memory);
        }
        GuestOsSnapshot s = os.snapshot();
        assertThat(s.givenBack()).isEmpty(); // no pressure: nothing given back, the rest never used
        assertThat(s.nextNeverUsed()).isEqualTo(s.touched().length);
        assertThat(s.paging().handStampOfPage()).hasSameSizeAs(s.ppnOfPage());
        assertThat(s.ppnOfPage().length).isLessThan(4096);
    }

    @Test
    void noSnapshotWhileATickIsGeneratedAhead() {
        GuestOs os = new GuestOs(settings(0));
        os.booted(new int[0]);
        os.generate(0, 1000);
        assertThatThrownBy(os::snapshot).isInstanceOf(IllegalStateException.class).hasMessageContaining("ahead");
    }
}
