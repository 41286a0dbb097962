package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.guest.ContentSettings;
import ballast.guest.GuestSettings;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuestOsTest {

    static GuestSettings settings(TranslationMode mode, int processes, int workingSet, double rate, double writes) {
        return new GuestSettings("g", "h", 0, "linux", mode, 4096, processes, 99, 0.1,
                new ContentSettings("linux", 0.25, 0.1),
                new WorkloadSettings("uniform", List.of(Phase.uniform(Double.POSITIVE_INFINITY, workingSet, rate, writes))));
    }

    /** Replays a guest's op stream on a plain map of (key -> token), as a perfect memory would. */
    static long replay(GuestOs.Work work, Map<Long, Long> memory, Map<Long, Integer> pageTable) {
        long digest = Tokens.EMPTY_DIGEST;
        int v = 0;
        long[] values = work.values();
        for (long op : work.ops()) {
            long key = Ops.keyOf(op);
            switch (Ops.kind(op)) {
                case Ops.READ -> digest = Tokens.fold(digest, memory.get(key));
                case Ops.WRITE -> memory.put(key, values[v++]);
                case Ops.MAP -> pageTable.put(key, (int) values[v++]);
                default -> { }
            }
        }
        assertThat(v).isEqualTo(values.length);
        return digest;
    }

    @Test
    void firstTouchMapsThenFillsAndEveryReadIsPredicted() {
        GuestOs os = new GuestOs(settings(TranslationMode.FULL, 1, 512, 20_000, 0.3));
        os.booted(new int[0]);
        Map<Long, Long> memory = new HashMap<>();
        Map<Long, Integer> pageTable = new HashMap<>();
        for (long tick = 0; tick < 5; tick++) {
            GuestOs.Work work = os.generate(tick, 1000);
            assertThat(work.mmuUpdates()).isEmpty();
            // no page is read or written before it is mapped
            Set<Long> mapped = new HashSet<>(pageTable.keySet());
            for (long op : work.ops()) {
                if (Ops.kind(op) == Ops.MAP) {
                    mapped.add(Ops.keyOf(op));
                } else if (Ops.kind(op) == Ops.READ || Ops.kind(op) == Ops.WRITE) {
                    assertThat(mapped).contains(Ops.keyOf(op));
                }
            }
            long digest = replay(work, memory, pageTable);
            int reads = (int) java.util.Arrays.stream(work.ops()).filter(op -> Ops.kind(op) == Ops.READ).count();
            assertThat(os.verify(new TickResult(tick, digest, reads, List.of()))).isTrue();
        }
        // distinct PPNs, all inside the guest's memory
        assertThat(new HashSet<>(pageTable.values())).hasSize(pageTable.size());
        assertThat(pageTable.values()).allMatch(ppn -> ppn >= 0 && ppn < 4096);
        assertThat(os.counters().pagesTouched()).isEqualTo(pageTable.size()).isEqualTo(512);
        assertThat(os.counters().readMismatches()).isZero();
        assertThat(os.counters().readsVerified()).isEqualTo(os.counters().reads()).isPositive();
        // the audit record is exactly what the perfect memory holds
        var audit = os.audit();
        for (int i = 0; i < audit.keys().length; i++) {
            assertThat(memory.get(audit.keys()[i])).isEqualTo(audit.tokens()[i]);
        }
    }

    @Test
    void aWrongDigestIsCountedAsMismatchedReads() {
        GuestOs os = new GuestOs(settings(TranslationMode.FULL, 1, 64, 1000, 0.0));
        os.booted(new int[0]);
        GuestOs.Work work = os.generate(0, 1000);
        int reads = (int) java.util.Arrays.stream(work.ops()).filter(op -> Ops.kind(op) == Ops.READ).count();
        assertThat(os.verify(new TickResult(0, 12345L, reads, List.of()))).isFalse();
        assertThat(os.counters().readMismatches()).isEqualTo(reads);
        assertThat(os.counters().readsVerified()).isZero();
    }

    @Test
    void paraGuestBatchesItsPageTableWritesAsMmuUpdatesOfItsOwnFrames() {
        GuestOs os = new GuestOs(settings(TranslationMode.PARA, 1, 300, 100_000, 0.3));
        int[] p2m = new int[4096];
        for (int i = 0; i < p2m.length; i++) {
            p2m[i] = 100_000 + i * 7;
        }
        os.booted(p2m);
        GuestOs.Work work = os.generate(0, 128);
        assertThat(java.util.Arrays.stream(work.ops()).noneMatch(op -> Ops.kind(op) == Ops.MAP)).isTrue();
        // 300 first touches split into batches of at most 128 entries
        assertThat(work.mmuUpdates()).hasSize(3);
        Set<Integer> frames = new HashSet<>();
        for (MmuUpdate u : work.mmuUpdates()) {
            assertThat(u.entries()).isLessThanOrEqualTo(128);
            for (int mpn : u.mpns()) {
                assertThat((mpn - 100_000) % 7).isZero();
                frames.add(mpn);
            }
        }
        assertThat(frames).hasSize(300);
    }

    @Test
    void processesGetTheirOwnPagesAndAContextSwitchEach() {
        GuestOs os = new GuestOs(settings(TranslationMode.NESTED, 4, 400, 4_000, 0.5));
        os.booted(new int[0]);
        GuestOs.Work work = os.generate(0, 1000);
        int switches = 0;
        int current = -1;
        for (long op : work.ops()) {
            if (Ops.kind(op) == Ops.SWITCH) {
                switches++;
                current = Ops.process(op);
            } else {
                assertThat(Ops.process(op)).isEqualTo(current);
            }
        }
        assertThat(switches).isEqualTo(4);
    }

    @Test
    void keysAreSparseAndDistinct() {
        GuestOs os = new GuestOs(settings(TranslationMode.FULL, 2, 1000, 1, 0));
        Set<Long> keys = new HashSet<>();
        for (int page = 0; page < 1000; page++) {
            long key = os.keyOf(page);
            assertThat(Ops.process(key)).isEqualTo(page % 2);
            keys.add(key);
        }
        assertThat(keys).hasSize(1000);
        assertThat(Ops.vpn(os.keyOf(1 * 2))).isGreaterThanOrEqualTo(PageTable.HIGH_REGION_VPN);
        assertThat(Ops.vpn(os.keyOf(0))).isEqualTo(PageTable.LOW_REGION_VPN);
    }
    @Test
    void ticksAreHandedOverInTwoAlternatingBuffersThatAreNotWrittenBeforeTheirTickIsVerified() {
        GuestOs os = new GuestOs(settings(TranslationMode.FULL, 1, 512, 20_000, 0.3));
        os.booted(new int[0]);
        Map<Long, Long> memory = new HashMap<>();
        Map<Long, Integer> pageTable = new HashMap<>();
        GuestOs.Work t0 = os.generate(0, 1000);
        long[] t0Ops = t0.ops();
        long[] t0Values = t0.values();
        // Tick 1 generated ahead, while tick 0 is (say) being applied: a buffer of its own.
        GuestOs.Work t1 = os.generate(1, 1000);
        assertThat(t1.opBuffer()).isNotSameAs(t0.opBuffer());
        assertThat(t1.valueBuffer()).isNotSameAs(t0.valueBuffer());
        assertThat(t0.ops()).as("tick 0's stream untouched by tick 1").isEqualTo(t0Ops);
        assertThat(t0.values()).isEqualTo(t0Values);
        // Tick 2 would reuse tick 0's buffers: refused before they are written while tick 0 is unverified.
        assertThatThrownBy(() -> os.generate(2, 1000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tick 0 is still unverified");
        assertThat(t0.ops()).as("the refused generation wrote nothing").isEqualTo(t0Ops);
        assertThat(t0.values()).isEqualTo(t0Values);
        assertThat(os.verify(result(0, t0, memory, pageTable))).isTrue();
        GuestOs.Work t2 = os.generate(2, 1000);
        assertThat(t2.opBuffer()).isSameAs(t0.opBuffer());
        assertThat(t1.ops()).as("tick 1 still intact while tick 2 is generated").isNotEmpty();
        assertThat(os.verify(result(1, t1, memory, pageTable))).isTrue();
        assertThat(os.verify(result(2, t2, memory, pageTable))).isTrue();
        assertThat(t2.opCount()).isLessThanOrEqualTo(t2.opBuffer().length);
        assertThat(os.counters().readMismatches()).isZero();
    }

    private static TickResult result(long tick, GuestOs.Work work, Map<Long, Long> memory, Map<Long, Integer> pageTable) {
        long digest = replay(work, memory, pageTable);
        int reads = (int) java.util.Arrays.stream(work.ops()).filter(op -> Ops.kind(op) == Ops.READ).count();
        return new TickResult(tick, digest, reads, List.of());
    }
}
