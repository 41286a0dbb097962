package ballast.host;

import ballast.host.translation.GuestMemory;
import ballast.host.translation.TranslationInternals;
import static ballast.host.TestHosts.COSTS;
import static ballast.host.TestHosts.guest;
import static ballast.host.TestHosts.mmu;
import static ballast.host.TestHosts.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.host.TestHosts.Stream;
import ballast.abi.GuestCounters;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.memory.FramePool;
import ballast.host.memory.RadixPageTable;
import ballast.abi.Tokens;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HypervisorCoreTest {
    static final int FULL = 0;
    static final int NESTED = 1;
    static final int PARA = 2;
    static final long T1 = 0x1111_2222_3333_4444L;
    static final long T2 = 0x5555_6666_7777_8888L;
    static final long T3 = 0x0123_4567_89ab_cdefL;

    HypervisorCore core;
    FramePool frames;
    long tick;

    @BeforeEach
    void setUp() {
        core = new HypervisorCore(settings(
                guest(0, "full", TranslationMode.FULL, 64, 2),
                guest(1, "nested", TranslationMode.NESTED, 64, 2),
                guest(2, "para", TranslationMode.PARA, 32, 2)));
        frames = core.frames();
    }

    @AfterEach
    void invariantsHold() {
        assertThat(core.checkInvariants()).isEmpty();
    }

    TickResult run(int guest, Stream stream) {
        return run(guest, List.of(), stream);
    }

    TickResult run(int guest, List<MmuUpdate> updates, Stream stream) {
        TickResult r = core.apply(GuestWork.of(guest, tick, updates, stream.ops(), stream.values()));
        assertThat(r.tick()).isEqualTo(tick);
        tick++;
        assertThat(r.refusals()).isEmpty();
        assertThat(core.checkInvariants()).isEmpty();
        return r;
    }

    GuestStats stats(int guest) {
        return core.guestStats(guest, null);
    }

    int[] boot(int guest, String name) {
        Refusal[] refusal = new Refusal[1];
        int[] p2m = core.boot(guest, name, refusal);
        assertThat(refusal[0]).isNull();
        assertThat(p2m).isNotNull();
        assertThat(core.isBooted(guest)).isTrue();
        return p2m;
    }

    static long digest(long... tokens) {
        long d = Tokens.EMPTY_DIGEST;
        for (long t : tokens) {
            d = Tokens.fold(d, t);
        }
        return d;
    }

    @Test
    void theCostTableIsTheReferenceOne() {
        assertThat(COSTS.ptWriteOverhead()).isEqualTo(390);
        assertThat(COSTS.hiddenFault()).isEqualTo(3927);
        assertThat(COSTS.nestedWalkOverhead()).isEqualTo(200);
        assertThat(COSTS.vmExit()).isEqualTo(937);
        assertThat(COSTS.hypercall()).isEqualTo(937);
        assertThat(COSTS.mmuUpdateEntry()).isEqualTo(40);
        assertThat(COSTS.privilegedTrap()).isEqualTo(2308);
    }

    @Nested
    class Full {
        @BeforeEach
        void bootIt() {
            assertThat(boot(FULL, "full")).isEmpty();
        }

        @Test
        void mapOperationsTrapAndAreChargedTheWriteOverhead() {
            int freeBefore = frames.freeFrames();
            TickResult r = run(FULL, Stream.of().map(0, 0x10, 3).map(0, 0x11, 4).map(1, 0x10, 5));
            assertThat(r.reads()).isZero();
            assertThat(r.readDigest()).isEqualTo(Tokens.EMPTY_DIGEST);
            GuestStats s = stats(FULL);
            assertThat(s.traps()).isEqualTo(3);
            assertThat(s.overheadCycles()).isEqualTo(3 * 390);
            assertThat(s.hiddenFaults()).isZero();
            assertThat(s.tlbMisses()).isZero();
            assertThat(s.allocatedPages()).as("mapping does not back").isZero();
            assertThat(frames.freeFrames()).isEqualTo(freeBefore);
            run(FULL, Stream.of().unmap(0, 0x11));
            assertThat(stats(FULL).traps()).isEqualTo(4);
            assertThat(stats(FULL).overheadCycles()).isEqualTo(4 * 390);
        }

        @Test
        void firstAccessIsAHiddenFaultThatBacksAFrameThenTheTlbHits() {
            run(FULL, Stream.of().map(0, 0x10, 3));
            int freeBefore = frames.freeFrames();
            run(FULL, Stream.of().write(0, 0x10, T1));
            GuestStats s = stats(FULL);
            assertThat(s.tlbMisses()).isEqualTo(1);
            assertThat(s.tlbHits()).isZero();
            assertThat(s.hiddenFaults()).isEqualTo(1);
            assertThat(s.guestFaults()).isZero();
            assertThat(s.overheadCycles()).isEqualTo(390 + 3927);
            assertThat(s.allocatedPages()).isEqualTo(1);
            assertThat(frames.freeFrames()).isEqualTo(freeBefore - 1);
            GuestMemory g = core.guest(FULL);
            int mpn = g.pmap().mpn(3);
            assertThat(frames.owner(mpn)).isEqualTo(FULL);
            assertThat(frames.refcount(mpn)).isEqualTo(1);
            assertThat(frames.token(mpn)).isEqualTo(T1);
            assertThat(TranslationInternals.shadow(g)[0].get(0x10)).isEqualTo(mpn);
            assertThat(TranslationInternals.rmap(g).contains(3, Ops.key(0, 0x10))).isTrue();

            TickResult r = run(FULL, Stream.of().read(0, 0x10));
            assertThat(r.readDigest()).isEqualTo(digest(T1));
            assertThat(r.reads()).isEqualTo(1);
            s = stats(FULL);
            assertThat(s.tlbHits()).isEqualTo(1);
            assertThat(s.tlbMisses()).isEqualTo(1);
            assertThat(s.hiddenFaults()).isEqualTo(1);
            assertThat(s.overheadCycles()).isEqualTo(390 + 3927);
        }

        @Test
        void readsReturnWhatWasWrittenFoldedInOperationOrder() {
            TickResult r = run(FULL, Stream.of()
                    .map(0, 0x10, 3).map(0, 0x20, 9).map(1, 0x10, 10)
                    .write(0, 0x10, T1).write(0, 0x20, T2)
                    .read(0, 0x20).read(0, 0x10).read(1, 0x10).read(1, 0x999)
                    .write(0, 0x10, T3).read(0, 0x10));
            assertThat(r.reads()).isEqualTo(5);
            assertThat(r.readDigest()).isEqualTo(digest(T2, T1, Tokens.ZERO, HypervisorCore.FAULT_TOKEN, T3));
            assertThat(r.readDigest()).isNotEqualTo(digest(T1, T2, Tokens.ZERO, HypervisorCore.FAULT_TOKEN, T3));
            assertThat(stats(FULL).guestFaults()).isEqualTo(1);
            assertThat(stats(FULL).allocatedPages()).isEqualTo(3);

            // Persistence across ticks.
            TickResult next = run(FULL, Stream.of().read(0, 0x10).read(0, 0x20));
            assertThat(next.readDigest()).isEqualTo(digest(T3, T2));
        }

        @Test
        void aWriteToAnUnmappedPageIsAGuestFaultAndChangesNoFrame() {
            int freeBefore = frames.freeFrames();
            TickResult r = run(FULL, Stream.of().write(0, 0x55, T1).read(0, 0x55));
            assertThat(r.readDigest()).isEqualTo(digest(HypervisorCore.FAULT_TOKEN));
            assertThat(stats(FULL).guestFaults()).isEqualTo(2);
            assertThat(frames.freeFrames()).isEqualTo(freeBefore);
        }

        @Test
        void remappingAVpnInvalidatesItsShadowAndTlbEntries() {
            long key = Ops.key(0, 0x10);
            run(FULL, Stream.of().map(0, 0x10, 3).write(0, 0x10, T1).read(0, 0x10));
            GuestMemory g = core.guest(FULL);
            int oldMpn = g.pmap().mpn(3);
            assertThat(TranslationInternals.tlb(g).lookup(key)).isEqualTo(oldMpn);

            run(FULL, Stream.of().map(0, 0x10, 7));
            assertThat(TranslationInternals.shadow(g)[0].get(0x10)).isEqualTo(RadixPageTable.NOT_PRESENT);
            assertThat(TranslationInternals.tlb(g).lookup(key)).isEqualTo(FramePool.NO_FRAME);
            assertThat(TranslationInternals.rmap(g).contains(3, key)).isFalse();
            long faultsBefore = stats(FULL).hiddenFaults();

            TickResult r = run(FULL, Stream.of().read(0, 0x10));
            assertThat(r.readDigest()).as("PPN 7 is a fresh zero page").isEqualTo(digest(Tokens.ZERO));
            assertThat(stats(FULL).hiddenFaults()).isEqualTo(faultsBefore + 1);
            assertThat(TranslationInternals.shadow(g)[0].get(0x10)).isEqualTo(g.pmap().mpn(7)).isNotEqualTo(oldMpn);
            assertThat(TranslationInternals.rmap(g).contains(7, key)).isTrue();

            // The old PPN keeps its content, reachable through another mapping.
            TickResult back = run(FULL, Stream.of().map(1, 0x77, 3).read(1, 0x77));
            assertThat(back.readDigest()).isEqualTo(digest(T1));
            assertThat(TranslationInternals.shadow(g)[1].get(0x77)).isEqualTo(oldMpn);

            // Remapping to the same PPN keeps the shadow entry (still coherent).
            run(FULL, Stream.of().map(1, 0x77, 3));
            assertThat(TranslationInternals.shadow(g)[1].get(0x77)).isEqualTo(oldMpn);
        }

        @Test
        void unmappingDropsTheShadowEntryAndTheNextReadFaults() {
            long key = Ops.key(0, 0x10);
            run(FULL, Stream.of().map(0, 0x10, 3).write(0, 0x10, T1));
            run(FULL, Stream.of().unmap(0, 0x10));
            GuestMemory g = core.guest(FULL);
            assertThat(TranslationInternals.shadow(g)[0].get(0x10)).isEqualTo(RadixPageTable.NOT_PRESENT);
            assertThat(TranslationInternals.tlb(g).lookup(key)).isEqualTo(FramePool.NO_FRAME);
            assertThat(TranslationInternals.rmap(g).count(3)).isZero();
            TickResult r = run(FULL, Stream.of().read(0, 0x10));
            assertThat(r.readDigest()).isEqualTo(digest(HypervisorCore.FAULT_TOKEN));
            assertThat(stats(FULL).guestFaults()).isEqualTo(1);
            // The PPN stays backed: the guest's memory did not go anywhere.
            assertThat(g.pmap().mpn(3)).isNotEqualTo(FramePool.NO_FRAME);
        }

        @Test
        void aliasedVpnsShareOneFrame() {
            TickResult r = run(FULL, Stream.of().map(0, 0x30, 5).map(1, 0x40, 5)
                    .write(0, 0x30, T1).read(1, 0x40));
            assertThat(r.readDigest()).isEqualTo(digest(T1));
            GuestMemory g = core.guest(FULL);
            assertThat(g.pmap().backedPages()).isEqualTo(1);
            assertThat(TranslationInternals.rmap(g).count(5)).isEqualTo(2);
            assertThat(TranslationInternals.shadow(g)[0].get(0x30)).isEqualTo(TranslationInternals.shadow(g)[1].get(0x40));
        }

        @Test
        void aContextSwitchFlushesTheTlbAndTraps() {
            run(FULL, Stream.of().map(0, 0x10, 3).write(0, 0x10, T1).read(0, 0x10));
            GuestStats before = stats(FULL);
            run(FULL, Stream.of().switchTo(1));
            GuestStats after = stats(FULL);
            assertThat(after.tlbFlushes()).isEqualTo(before.tlbFlushes() + 1);
            assertThat(after.traps()).isEqualTo(before.traps() + 1);
            assertThat(after.overheadCycles()).isEqualTo(before.overheadCycles() + 2308);
            List<Long> cached = new ArrayList<>();
            TranslationInternals.tlb(core.guest(FULL)).forEach((key, mpn, ro) -> cached.add(key));
            assertThat(cached).isEmpty();

            TickResult r = run(FULL, Stream.of().read(0, 0x10));
            assertThat(r.readDigest()).isEqualTo(digest(T1));
            GuestStats reread = stats(FULL);
            assertThat(reread.tlbMisses()).isEqualTo(after.tlbMisses() + 1);
            assertThat(reread.hiddenFaults()).as("the shadow entry survived").isEqualTo(after.hiddenFaults());
            assertThat(reread.overheadCycles()).isEqualTo(after.overheadCycles());
        }

        @Test
        void auditReadsThroughTheTablesWithoutSideEffects() {
            run(FULL, Stream.of().map(0, 0x10, 3).map(0, 0x20, 4).write(0, 0x10, T1).write(0, 0x20, T2));
            long k1 = Ops.key(0, 0x10);
            long k2 = Ops.key(0, 0x20);
            GuestStats before = stats(FULL);
            assertThat(core.audit(FULL, new long[] {k1, k2}, new long[] {T1, T2})).isZero();
            assertThat(core.audit(FULL, new long[] {k1, k2}, new long[] {T1, T2 + 1})).isEqualTo(1);
            assertThat(core.audit(FULL, new long[] {k1, k2}, new long[] {T2, T1})).isEqualTo(2);
            assertThat(core.audit(FULL, new long[] {Ops.key(0, 0x30)}, new long[] {Tokens.ZERO}))
                    .as("an unmapped page is a difference").isEqualTo(1);
            assertThat(core.audit(FULL, new long[] {Ops.key(1023, 0x10)}, new long[] {T1}))
                    .as("a process the guest does not have").isEqualTo(1);
            assertThat(core.audit(FULL, new long[] {k1, k2}, new long[] {T1})).isEqualTo(1);
            assertThat(core.audit(FULL, new long[0], new long[0])).isZero();
            assertThat(stats(FULL)).usingRecursiveComparison().isEqualTo(before);
        }

        @Test
        void runningOutOfFramesFaultsInsteadOfCorrupting() {
            HypervisorCore tiny = new HypervisorCore(new HostSettings("tiny", 1L, 16, 8, 16, 100, 16, COSTS,
                    List.of(guest(0, "full", TranslationMode.FULL, 64, 1))));
            tiny.boot(0, "full", new Refusal[1]);
            Stream s = Stream.of();
            for (int p = 0; p < 9; p++) {
                s.map(0, p, p).write(0, p, 100 + p);
            }
            for (int p = 0; p < 9; p++) {
                s.read(0, p);
            }
            TickResult r = tiny.apply(GuestWork.of(0, 0, List.of(), s.ops(), s.values()));
            long[] expected = new long[9];
            for (int p = 0; p < 8; p++) {
                expected[p] = 100 + p;
            }
            expected[8] = HypervisorCore.FAULT_TOKEN;
            assertThat(r.readDigest()).isEqualTo(digest(expected));
            assertThat(tiny.guest(0).counters().allocationFailures()).isGreaterThanOrEqualTo(1);
            assertThat(tiny.hostStats().framesFree()).isZero();
            assertThat(tiny.checkInvariants()).isEmpty();
        }
    }

    @Nested
    class NestedPaging {
        @BeforeEach
        void bootIt() {
            assertThat(boot(NESTED, "nested")).isEmpty();
        }

        @Test
        void pageTableWritesDoNotTrapAndFirstTouchIsAnEptViolation() {
            run(NESTED, Stream.of().map(0, 0x10, 3).map(1, 0x10, 4));
            GuestStats s = stats(NESTED);
            assertThat(s.traps()).isZero();
            assertThat(s.vmExits()).isZero();
            assertThat(s.overheadCycles()).isZero();
            assertThat(s.allocatedPages()).isZero();

            run(NESTED, Stream.of().write(0, 0x10, T1));
            s = stats(NESTED);
            assertThat(s.tlbMisses()).isEqualTo(1);
            assertThat(s.hiddenFaults()).isEqualTo(1);
            assertThat(s.vmExits()).isEqualTo(1);
            assertThat(s.traps()).isZero();
            assertThat(s.overheadCycles()).isEqualTo(200 + 937);
            assertThat(s.allocatedPages()).isEqualTo(1);
            GuestMemory g = core.guest(NESTED);
            assertThat(TranslationInternals.shadow(g)).isNull();
            assertThat(frames.owner(g.pmap().mpn(3))).isEqualTo(NESTED);

            TickResult r = run(NESTED, Stream.of().read(0, 0x10));
            assertThat(r.readDigest()).isEqualTo(digest(T1));
            assertThat(stats(NESTED).tlbHits()).isEqualTo(1);
            assertThat(stats(NESTED).overheadCycles()).isEqualTo(200 + 937);
        }

        @Test
        void aTlbMissOnABackedPageCostsOnlyTheNestedWalk() {
            run(NESTED, Stream.of().map(0, 0x10, 3).write(0, 0x10, T1));
            GuestStats before = stats(NESTED);
            run(NESTED, Stream.of().switchTo(1));
            GuestStats switched = stats(NESTED);
            assertThat(switched.tlbFlushes()).isEqualTo(1);
            assertThat(switched.traps()).isZero();
            assertThat(switched.hypercalls()).isZero();
            assertThat(switched.overheadCycles()).as("CR3 loads do not exit").isEqualTo(before.overheadCycles());

            TickResult r = run(NESTED, Stream.of().read(0, 0x10));
            assertThat(r.readDigest()).isEqualTo(digest(T1));
            GuestStats after = stats(NESTED);
            assertThat(after.tlbMisses()).isEqualTo(before.tlbMisses() + 1);
            assertThat(after.hiddenFaults()).isEqualTo(before.hiddenFaults());
            assertThat(after.vmExits()).isEqualTo(before.vmExits());
            assertThat(after.overheadCycles()).isEqualTo(before.overheadCycles() + 200);
        }

        @Test
        void unmapAndRemapInvalidateTheTlbEntry() {
            long key = Ops.key(0, 0x10);
            run(NESTED, Stream.of().map(0, 0x10, 3).map(0, 0x11, 4).write(0, 0x10, T1).write(0, 0x11, T2)
                    .read(0, 0x10));
            GuestMemory g = core.guest(NESTED);
            assertThat(TranslationInternals.tlb(g).lookup(key)).isEqualTo(g.pmap().mpn(3));
            run(NESTED, Stream.of().map(0, 0x10, 4));
            assertThat(TranslationInternals.tlb(g).lookup(key)).isEqualTo(FramePool.NO_FRAME);
            assertThat(run(NESTED, Stream.of().read(0, 0x10)).readDigest()).isEqualTo(digest(T2));

            run(NESTED, Stream.of().unmap(0, 0x10));
            assertThat(TranslationInternals.tlb(g).lookup(key)).isEqualTo(FramePool.NO_FRAME);
            GuestStats before = stats(NESTED);
            TickResult r = run(NESTED, Stream.of().read(0, 0x10));
            assertThat(r.readDigest()).isEqualTo(digest(HypervisorCore.FAULT_TOKEN));
            GuestStats after = stats(NESTED);
            assertThat(after.guestFaults()).isEqualTo(before.guestFaults() + 1);
            assertThat(after.overheadCycles()).isEqualTo(before.overheadCycles() + 200);
            assertThat(after.traps()).isZero();
        }
    }

    @Nested
    class Para {
        int[] p2m;

        @BeforeEach
        void bootIt() {
            int freeBefore = frames.freeFrames();
            p2m = boot(PARA, "para");
            assertThat(frames.freeFrames()).isEqualTo(freeBefore - 32);
        }

        @Test
        void bootReturnsAP2mOfDistinctFramesOwnedByTheGuest() {
            assertThat(p2m).hasSize(32);
            Set<Integer> distinct = new HashSet<>();
            GuestMemory g = core.guest(PARA);
            for (int ppn = 0; ppn < p2m.length; ppn++) {
                int mpn = p2m[ppn];
                assertThat(distinct.add(mpn)).isTrue();
                assertThat(frames.owner(mpn)).isEqualTo(PARA);
                assertThat(frames.refcount(mpn)).isEqualTo(1);
                assertThat(frames.token(mpn)).isEqualTo(Tokens.ZERO);
                assertThat(g.pmap().mpn(ppn)).isEqualTo(mpn);
            }
            assertThat(stats(PARA).allocatedPages()).isEqualTo(32);
            assertThat(core.hostStats()).extracting(HostStats::framesTotal, HostStats::framesFree, HostStats::framesMapped,
                    HostStats::framesReserved, HostStats::framesShared, HostStats::guestPagesBacked)
                    .containsExactly(4096L, 4096L - 256 - 32, 32L, 256L, 0L, 32L);
        }

        @Test
        void anMmuUpdateIsOneHypercallAndReadsAndWritesWorkThroughIt() {
            long k0 = Ops.key(0, 0x100);
            long k1 = Ops.key(1, 0x100);
            TickResult r = run(PARA, List.of(mmu(new long[] {k0, k1}, new int[] {p2m[0], p2m[1]})),
                    Stream.of().write(0, 0x100, T1).write(1, 0x100, T2).read(0, 0x100).read(1, 0x100));
            assertThat(r.readDigest()).isEqualTo(digest(T1, T2));
            GuestStats s = stats(PARA);
            assertThat(s.hypercalls()).isEqualTo(1);
            assertThat(s.mmuUpdateEntries()).isEqualTo(2);
            assertThat(s.overheadCycles()).isEqualTo(937 + 2 * 40);
            assertThat(s.traps()).isZero();
            assertThat(s.hiddenFaults()).isZero();
            assertThat(s.tlbMisses()).isEqualTo(2);
            assertThat(s.tlbHits()).isEqualTo(2);
            assertThat(frames.token(p2m[0])).isEqualTo(T1);
            assertThat(frames.token(p2m[1])).isEqualTo(T2);
            assertThat(core.audit(PARA, new long[] {k0, k1}, new long[] {T1, T2})).isZero();
            assertThat(core.audit(PARA, new long[] {k0, k1}, new long[] {T1, T1})).isEqualTo(1);

            // Remap k0 onto the frame of k1; the cached translation must go.
            TickResult remapped = run(PARA, List.of(mmu(new long[] {k0}, new int[] {p2m[1]})),
                    Stream.of().read(0, 0x100));
            assertThat(remapped.readDigest()).isEqualTo(digest(T2));

            // Clear it.
            TickResult cleared = run(PARA, List.of(mmu(new long[] {k0}, new int[] {MmuUpdate.CLEAR})),
                    Stream.of().read(0, 0x100).write(0, 0x100, T3));
            assertThat(cleared.readDigest()).isEqualTo(digest(HypervisorCore.FAULT_TOKEN));
            assertThat(stats(PARA).guestFaults()).isEqualTo(2);
            assertThat(stats(PARA).hypercalls()).isEqualTo(3);
            assertThat(frames.token(p2m[0])).isEqualTo(T1);
            assertThat(frames.token(p2m[1])).isEqualTo(T2);
        }

        @Test
        void severalHypercallsInOneTickAndTheLargestBatchAreAccepted() {
            long[] keys = new long[TestHosts.MAX_MMU_UPDATE_ENTRIES];
            int[] mpns = new int[keys.length];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Ops.key(i % 2, 0x200 + i);
                mpns[i] = p2m[i];
            }
            run(PARA, List.of(mmu(keys, mpns), mmu(new long[] {Ops.key(0, 0x999)}, new int[] {p2m[31]})), Stream.of());
            GuestStats s = stats(PARA);
            assertThat(s.hypercalls()).isEqualTo(2);
            assertThat(s.mmuUpdateEntries()).isEqualTo(keys.length + 1);
            assertThat(s.overheadCycles()).isEqualTo(2 * 937 + (keys.length + 1) * 40L);
            GuestMemory g = core.guest(PARA);
            for (int i = 0; i < keys.length; i++) {
                assertThat(g.view().peekMpn(keys[i])).isEqualTo(p2m[i]);
            }
            assertThat(g.view().peekMpn(Ops.key(0, 0x999))).isEqualTo(p2m[31]);
        }

        @Test
        void aContextSwitchIsAHypercallAndFlushesTheTlb() {
            run(PARA, List.of(mmu(new long[] {Ops.key(0, 1)}, new int[] {p2m[0]})), Stream.of().read(0, 1));
            GuestStats before = stats(PARA);
            run(PARA, Stream.of().switchTo(1));
            GuestStats after = stats(PARA);
            assertThat(after.tlbFlushes()).isEqualTo(1);
            assertThat(after.hypercalls()).isEqualTo(before.hypercalls() + 1);
            assertThat(after.overheadCycles()).isEqualTo(before.overheadCycles() + 937);
            assertThat(TranslationInternals.tlb(core.guest(PARA)).lookup(Ops.key(0, 1))).isEqualTo(FramePool.NO_FRAME);
        }

        @Test
        void aSecondBootIsRefusedAndChangesNothing() {
            HostStats host = core.hostStats();
            Refusal[] refusal = new Refusal[1];
            assertThat(core.boot(PARA, "para", refusal)).isNull();
            assertThat(refusal[0].reason()).isEqualTo(RefusalReason.ALREADY_BOOTED);
            assertThat(core.hostStats()).isEqualTo(host);
        }
    }

    @Test
    void bootRefusesUnknownGuestsAndWrongNames() {
        Refusal[] refusal = new Refusal[1];
        assertThat(core.boot(3, "full", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(core.boot(-1, "full", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(core.boot(0, "nested", refusal)).isNull();
        assertThat(refusal[0].reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(core.boot(2, "impostor", refusal)).isNull();
        assertThat(core.isBooted(0)).isFalse();
        assertThat(core.isBooted(2)).isFalse();
        assertThat(core.hostStats().framesFree()).isEqualTo(4096 - 256);
    }

    @Test
    void aParaGuestThatDoesNotFitIsRefusedWithoutTakingFrames() {
        HypervisorCore small = new HypervisorCore(new HostSettings("small", 1L, 64, 8, 16, 100, 16, COSTS,
                List.of(guest(0, "big", TranslationMode.PARA, 57, 1), guest(1, "fits", TranslationMode.PARA, 56, 1))));
        Refusal[] refusal = new Refusal[1];
        assertThat(small.boot(0, "big", refusal)).isNull();
        assertThat(refusal[0]).isNotNull();
        assertThat(small.isBooted(0)).isFalse();
        assertThat(small.hostStats().framesFree()).isEqualTo(56);
        assertThat(small.boot(1, "fits", new Refusal[1])).hasSize(56);
        assertThat(small.hostStats().framesFree()).isZero();
        assertThat(small.checkInvariants()).isEmpty();
    }

    @Test
    void guestStatsMergeTheGuestsOwnCounters() {
        boot(FULL, "full");
        run(FULL, Stream.of().map(0, 1, 1).write(0, 1, T1));
        GuestStats s = core.guestStats(FULL, new GuestCounters(10, 6, 4, 3, 5, 1));
        assertThat(s.name()).isEqualTo("full");
        assertThat(s.configuredPages()).isEqualTo(64);
        assertThat(s.allocatedPages()).isEqualTo(1);
        assertThat(s.accesses()).isEqualTo(10);
        assertThat(s.reads()).isEqualTo(6);
        assertThat(s.writes()).isEqualTo(4);
        assertThat(s.pagesTouched()).isEqualTo(3);
        assertThat(s.readsVerified()).isEqualTo(5);
        assertThat(s.readMismatches()).isEqualTo(1);
        assertThat(s.traps()).isEqualTo(1);
        assertThat(s.hiddenFaults()).isEqualTo(1);
        GuestStats none = core.guestStats(FULL, null);
        assertThat(none.accesses()).isZero();
        assertThat(none.traps()).isEqualTo(1);
    }

    @Test
    void hostStatsAccountForEveryFrame() {
        boot(FULL, "full");
        boot(NESTED, "nested");
        boot(PARA, "para");
        run(FULL, Stream.of().map(0, 1, 1).map(0, 2, 2).write(0, 1, T1).write(0, 2, T2));
        run(NESTED, Stream.of().map(0, 1, 1).read(0, 1));
        HostStats h = core.hostStats();
        assertThat(h.framesTotal()).isEqualTo(4096);
        assertThat(h.framesReserved()).isEqualTo(256);
        assertThat(h.framesMapped()).isEqualTo(2 + 1 + 32);
        assertThat(h.framesShared()).isZero();
        assertThat(h.framesFree() + h.framesMapped() + h.framesReserved()).isEqualTo(h.framesTotal());
    }

    @Test
    void guestsAreIsolatedFromEachOther() {
        boot(FULL, "full");
        boot(NESTED, "nested");
        run(FULL, Stream.of().map(0, 0x10, 3).write(0, 0x10, T1));
        TickResult r = run(NESTED, Stream.of().map(0, 0x10, 3).read(0, 0x10));
        assertThat(r.readDigest()).as("the same PPN of another guest is another frame").isEqualTo(digest(Tokens.ZERO));
        assertThat(core.guest(FULL).pmap().mpn(3)).isNotEqualTo(core.guest(NESTED).pmap().mpn(3));
    }

    @Test
    void settingsWithMisnumberedGuestsAreRejected() {
        assertThatThrownBy(() -> new HypervisorCore(settings(
                guest(1, "a", TranslationMode.FULL, 8, 1)))).isInstanceOf(IllegalArgumentException.class);
    }
}
