package ballast.host;

import ballast.host.translation.GuestMemory;
import ballast.host.translation.TranslationInternals;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A fuzzer playing hostile guests: 100,000 malformed or malicious calls (other guests' frames,
 * free and reserved frames, frames that do not exist, addresses outside the address space, processes
 * the guest does not have, guest-physical pages outside its memory, oversized batches, value streams
 * too short or too long, stray bits, page-table writes from the wrong mode, calls for guests that do
 * not exist, balloon calls naming pages outside memory, twice, not in the balloon or beyond the
 * balloon's cap, page-outs outside memory), each mixed into otherwise valid work. Every call must be refused with a typed reason,
 * counted once, and change nothing; and no guest may ever read a token another guest wrote to a
 * private page.
 */
class HostileFuzzTest {
    static final int MESSAGES = 100_000;

    /** A cheap digest of everything observable (frames, pmaps, tables, TLBs, counters but refusals). */
    static long stateDigest(HypervisorCore core) {
        FramePool frames = core.frames();
        long h = 17;
        for (int mpn = 0; mpn < frames.totalFrames(); mpn++) {
            h = Tokens.fold(h, frames.owner(mpn));
            h = Tokens.fold(h, frames.token(mpn));
            h = Tokens.fold(h, frames.refcount(mpn));
        }
        for (int i = 0; i < core.guestCount(); i++) {
            GuestMemory g = core.guest(i);
            long[] acc = {h};
            for (int ppn = 0; ppn < g.pmap().pages(); ppn++) {
                acc[0] = Tokens.fold(acc[0], g.pmap().mpn(ppn) * 31L + g.pmap().state(ppn));
            }
            for (int p = 0; p < TranslationInternals.tables(g).length; p++) {
                TranslationInternals.tables(g)[p].forEach((vpn, v) -> acc[0] = Tokens.fold(acc[0], vpn * 1_000_003L + v));
                if (TranslationInternals.shadow(g) != null) {
                    TranslationInternals.shadow(g)[p].forEach((vpn, v) -> acc[0] = Tokens.fold(acc[0], vpn * 7_000_003L + v));
                }
            }
            TranslationInternals.tlb(g).forEach((key, mpn, ro) -> acc[0] = Tokens.fold(acc[0], key * 13 + mpn));
            h = Tokens.fold(acc[0], g.counters().tlbHits() + 3 * g.counters().tlbMisses() + 5 * g.cpu().traps() + 7 * g.cpu().hypercalls() + 11 * g.counters().hiddenFaults()
                    + 13 * g.counters().guestFaults() + 17 * g.cpu().vmExits() + 19 * g.cpu().overheadCycles() + 23 * g.counters().tlbFlushes());
        }
        return h;
    }

    record Hostile(String what, int guest, List<MmuUpdate> mmu, long[] ops, long[] values, RefusalReason expected,
                   Reservation reservation) {
        Hostile(String what, int guest, List<MmuUpdate> mmu, long[] ops, long[] values, RefusalReason expected) {
            this(what, guest, mmu, ops, values, expected, null);
        }
    }

    @Test
    void oneHundredThousandHostileCallsAreRefusedCountedAndChangeNothing() {
        int pages = 64;
        HostSettings settings = new HostSettings("fuzz", 3, 512, 32, 16, 256, 16, TestHosts.COSTS, List.of(
                new GuestSpec(0, "victim", TranslationMode.FULL, pages, 2),
                new GuestSpec(1, "para", TranslationMode.PARA, pages, 2),
                new GuestSpec(2, "nested", TranslationMode.NESTED, pages, 2)));
        HypervisorCore core = new HypervisorCore(settings);
        int[][] p2m = new int[3][];
        for (int g = 0; g < 3; g++) {
            p2m[g] = core.boot(g, settings.guests().get(g).name(), new Refusal[1]);
        }
        // Every guest fills its pages with secrets of its own.
        LongOpenHashSet[] secrets = {new LongOpenHashSet(), new LongOpenHashSet(), new LongOpenHashSet()};
        SplittableRandom random = new SplittableRandom(2026);
        for (int g = 0; g < 3; g++) {
            TestHosts.Stream s = TestHosts.Stream.of();
            long[] keys = new long[16];
            int[] mpns = new int[16];
            for (int page = 0; page < 16; page++) {
                long secret = Tokens.nonZero(g + 100, page);
                secrets[g].add(secret);
                if (g == 1) {
                    keys[page] = Ops.key(0, page);
                    mpns[page] = p2m[1][page];
                } else {
                    s.map(0, page, page);
                }
                s.write(0, page, secret);
            }
            List<MmuUpdate> mmu = g == 1 ? List.of(new MmuUpdate(keys, mpns)) : List.of();
            TickResult r = core.apply(GuestWork.of(g, 0, mmu, s.ops(), s.values()));
            assertThat(r.refusals()).isEmpty();
        }
        assertThat(core.checkInvariants()).isEmpty();

        Map<RefusalReason, Integer> seen = new EnumMap<>(RefusalReason.class);
        long before = stateDigest(core);
        for (int i = 0; i < MESSAGES; i++) {
            Hostile h = hostile(random, core, p2m);
            long refusedBefore = core.guest(h.guest()).counters().refusedHypercalls();
            TickResult r = core.apply(GuestWork.of(h.guest(), i + 1, h.mmu(), h.ops(), h.values(), null, h.reservation()));
            assertThat(r.refusals()).as(h.what()).isNotEmpty();
            assertThat(r.refusals().get(0).reason()).as(h.what()).isEqualTo(h.expected());
            assertThat(r.reads()).as(h.what()).isZero();
            assertThat(core.guest(h.guest()).counters().refusedHypercalls() - refusedBefore).as(h.what()).isEqualTo(r.refusals().size());
            seen.merge(h.expected(), 1, Integer::sum);
            if (i % 1000 == 0) {
                assertThat(stateDigest(core)).as("state after " + h.what()).isEqualTo(before);
            }
        }
        assertThat(stateDigest(core)).isEqualTo(before);
        assertThat(core.checkInvariants()).isEmpty();
        // No guest reads another guest's secret through any address it can name.
        for (int g = 0; g < 3; g++) {
            GuestMemory mem = core.guest(g);
            for (int p = 0; p < 2; p++) {
                for (long vpn = 0; vpn < 64; vpn++) {
                    int target = mem.view().peekTarget(Ops.key(p, vpn));
                    if (target >= 0) {
                        long token = core.frames().token(target);
                        for (int other = 0; other < 3; other++) {
                            if (other != g) {
                                assertThat(secrets[other].contains(token)).as("g%d reads g%d's secret", g, other).isFalse();
                            }
                        }
                    }
                }
            }
        }
        // every refusal is counted under its reason, per guest
        Map<String, Long> counted = new java.util.TreeMap<>();
        long total = 0;
        for (int g = 0; g < 3; g++) {
            ballast.host.control.GuestStats stats = core.guestStats(g, null);
            stats.refusedHypercallsByReason().forEach((reason, n) -> counted.merge(reason, n, Long::sum));
            total += stats.refusedHypercalls();
        }
        Map<String, Long> expected = new java.util.TreeMap<>();
        seen.forEach((reason, n) -> expected.put(reason.name(), (long) n));
        assertThat(counted).isEqualTo(expected);
        assertThat(total).isEqualTo(MESSAGES);
        System.out.println("hostile calls refused: " + MESSAGES + " " + seen);
        assertThat(seen.keySet()).contains(RefusalReason.FRAME_NOT_OWNED, RefusalReason.FRAME_OUT_OF_RANGE,
                RefusalReason.VPN_OUT_OF_RANGE, RefusalReason.PROCESS_OUT_OF_RANGE, RefusalReason.PPN_OUT_OF_RANGE,
                RefusalReason.BATCH_TOO_LARGE, RefusalReason.MALFORMED, RefusalReason.VALUES_MISMATCH,
                RefusalReason.NOT_PARAVIRTUAL, RefusalReason.ALREADY_BALLOONED, RefusalReason.NOT_BALLOONED,
                RefusalReason.BALLOON_CAP);
    }

    /** One hostile call: valid work with one poisoned element. */
    static Hostile hostile(SplittableRandom random, HypervisorCore core, int[][] p2m) {
        int kind = random.nextInt(16);
        // harmless valid prefix (reads of the guest's own pages would change counters, so none)
        switch (kind) {
            case 0: { // para guest maps another guest's frame
                int victim = random.nextBoolean() ? 0 : 2;
                int mpn = core.guest(victim).pmap().mpn(random.nextInt(16));
                return mmu("map another guest's frame", mpn, Ops.key(0, 1), RefusalReason.FRAME_NOT_OWNED, random, p2m);
            }
            case 1: { // a free or reserved frame
                int mpn;
                do {
                    mpn = random.nextInt(512);
                } while (core.frames().owner(mpn) >= 0);
                return mmu("map a free or reserved frame", mpn, Ops.key(0, 1), RefusalReason.FRAME_NOT_OWNED, random, p2m);
            }
            case 2:
                return mmu("map a frame that does not exist", random.nextBoolean() ? 512 + random.nextInt(1 << 20)
                        : -2 - random.nextInt(1000), Ops.key(0, 1), RefusalReason.FRAME_OUT_OF_RANGE, random, p2m);
            case 3:
                return mmu("address outside the address space", p2m[1][0],
                        random.nextBoolean() ? -1 - random.nextInt(1000) : Ops.KEY_MASK + 1 + random.nextInt(1 << 20),
                        RefusalReason.VPN_OUT_OF_RANGE, random, p2m);
            case 4:
                return mmu("process the guest does not have", p2m[1][0], Ops.key(2 + random.nextInt(1000), 5),
                        RefusalReason.PROCESS_OUT_OF_RANGE, random, p2m);
            case 5: { // oversized mmu_update
                int n = 17 + random.nextInt(100);
                long[] keys = new long[n];
                int[] mpns = new int[n];
                for (int i = 0; i < n; i++) {
                    keys[i] = Ops.key(0, i);
                    mpns[i] = p2m[1][i % 64];
                }
                return new Hostile("oversized mmu_update", 1, List.of(new MmuUpdate(keys, mpns)), new long[0], new long[0],
                        RefusalReason.BATCH_TOO_LARGE);
            }
            case 6: // mmu_update from a guest that is not para-virtual
                return new Hostile("mmu_update from full/nested", random.nextBoolean() ? 0 : 2,
                        List.of(new MmuUpdate(new long[] {Ops.key(0, 1)}, new int[] {p2m[1][0]})), new long[0], new long[0],
                        RefusalReason.NOT_PARAVIRTUAL);
            case 7: { // MAP to a PPN outside the guest's memory
                int g = random.nextBoolean() ? 0 : 2;
                long ppn = random.nextBoolean() ? 64 + random.nextInt(1 << 20) : -1 - random.nextInt(1000);
                return new Hostile("map a PPN outside memory", g, List.of(),
                        new long[] {Ops.op(Ops.MAP, 0, 20), Ops.op(Ops.MAP, 0, 21)}, new long[] {3, ppn}, RefusalReason.PPN_OUT_OF_RANGE);
            }
            case 8: { // too many operations
                int g = random.nextInt(3);
                long[] ops = new long[257 + random.nextInt(200)];
                java.util.Arrays.fill(ops, Ops.op(Ops.READ, 0, 1));
                return new Hostile("too many operations", g, List.of(), ops, new long[0], RefusalReason.BATCH_TOO_LARGE);
            }
            case 9: { // values stream too short or too long
                int g = random.nextInt(3);
                boolean shortStream = random.nextBoolean();
                return new Hostile("values stream mismatch", g, List.of(),
                        new long[] {Ops.op(Ops.WRITE, 0, 1), Ops.op(Ops.WRITE, 0, 2)},
                        shortStream ? new long[] {7} : new long[] {7, 8, 9}, RefusalReason.VALUES_MISMATCH);
            }
            case 10: { // stray bits or an unknown kind
                int g = random.nextInt(3);
                long bad = random.nextBoolean() ? (5L + random.nextInt(11)) << Ops.KIND_SHIFT : Ops.op(Ops.READ, 0, 1) | (1L << (46 + random.nextInt(14)));
                return new Hostile("malformed operation", g, List.of(), new long[] {Ops.op(Ops.WRITE, 0, 1), bad},
                        new long[] {42}, RefusalReason.MALFORMED);
            }
            case 12: { // an inflate naming a page outside memory, or one page twice
                int g = random.nextInt(3);
                int first = random.nextInt(64);
                boolean outside = random.nextBoolean();
                int last = outside ? (random.nextBoolean() ? 64 + random.nextInt(1 << 20) : -1 - random.nextInt(1000)) : first;
                return new Hostile("inflate outside memory or twice", g, List.of(), new long[0], new long[0],
                        outside ? RefusalReason.PPN_OUT_OF_RANGE : RefusalReason.ALREADY_BALLOONED,
                        new Reservation(new int[0], new int[] {first, (first + 1) % 64, last}, new int[0]));
            }
            case 13: // a deflate of pages that are not in the balloon (none is)
                return new Hostile("deflate of pages not ballooned", random.nextInt(3), List.of(), new long[0], new long[0],
                        RefusalReason.NOT_BALLOONED, new Reservation(new int[0], new int[0],
                        new int[] {random.nextInt(64), random.nextInt(64)}));
            case 14: { // an inflate beyond the balloon's cap (65% of 64 pages: 41)
                int[] ppns = new int[42 + random.nextInt(22)];
                for (int i = 0; i < ppns.length; i++) {
                    ppns[i] = i;
                }
                return new Hostile("inflate beyond the cap", random.nextInt(3), List.of(), new long[0], new long[0],
                        RefusalReason.BALLOON_CAP, new Reservation(new int[0], ppns, new int[0]));
            }
            case 15: // a page-out outside memory
                return new Hostile("page-out outside memory", random.nextInt(3), List.of(), new long[0], new long[0],
                        RefusalReason.PPN_OUT_OF_RANGE, new Reservation(new int[] {1, 64 + random.nextInt(1000)}, new int[0],
                        new int[0]));
            default: { // page-table writes in the op stream from a para guest
                return new Hostile("MAP op from a para guest", 1, List.of(),
                        new long[] {Ops.op(Ops.WRITE, 0, 1), Ops.op(random.nextBoolean() ? Ops.MAP : Ops.UNMAP, 0, 2)},
                        new long[] {42, 3}, RefusalReason.MALFORMED);
            }
        }
    }

    /** A para mmu_update of several valid entries with one poisoned one; the op stream is empty. */
    static Hostile mmu(String what, int mpn, long key, RefusalReason expected, SplittableRandom random, int[][] p2m) {
        int n = 1 + random.nextInt(8);
        int bad = random.nextInt(n);
        long[] keys = new long[n];
        int[] mpns = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = Ops.key(random.nextInt(2), 30 + i);
            mpns[i] = p2m[1][20 + random.nextInt(40)];
        }
        keys[bad] = key;
        mpns[bad] = mpn;
        List<MmuUpdate> list = new ArrayList<>();
        list.add(new MmuUpdate(keys, mpns));
        // an empty stream is valid, so the only refusal is the mmu_update's
        return new Hostile(what, 1, list, new long[0], new long[0], expected);
    }
}
