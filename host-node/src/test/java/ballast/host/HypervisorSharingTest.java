package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.memory.FramePool;
import ballast.abi.Tokens;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HypervisorSharingTest {
    static final TranslationMode FULL = TranslationMode.FULL;
    static final TranslationMode PARA = TranslationMode.PARA;
    static final TranslationMode NESTED = TranslationMode.NESTED;

    /** Pages 0-31 hold the same image in every guest, 32-47 are zero pages, 48-63 are the guest's own. */
    static void fillImage(SharingHarness h) {
        for (SharingHarness.Guest g : h.guests) {
            for (int p = 0; p < 64; p++) {
                g.write(p, p < 32 ? 1000 + p : p < 48 ? Tokens.ZERO : (g.index + 1) * 100_000L + p);
            }
        }
    }

    static void readAll(SharingHarness h) {
        for (SharingHarness.Guest g : h.guests) {
            for (int p = 0; p < 64; p++) {
                g.read(p);
            }
        }
    }

    @Test
    void identicalPagesMergeIntoOneFrameInEveryMode() {
        SharingHarness h = new SharingHarness(64, 10_000, 64, FULL, PARA, NESTED);
        fillImage(h);
        h.ticks(4);
        readAll(h);
        h.tick();
        HostStats s = h.core.hostStats();
        // 32 image frames + one zero frame shared; 16 private pages per guest
        assertThat(s.framesMapped()).isEqualTo(32 + 1 + 3 * 16);
        assertThat(s.pagesShared()).isEqualTo(33).isEqualTo(s.framesShared());
        assertThat(s.guestPagesBacked()).isEqualTo(3 * 64);
        assertThat(s.pagesSharing()).isEqualTo(3 * 64 - s.framesMapped());
        assertThat(s.zeroPagesShared()).isEqualTo(3 * 16);
        assertThat(s.mergeCount()).isEqualTo(s.pagesSharing());
        assertThat(s.falseMatches()).isZero();
        assertThat(h.mismatches()).isZero();
        for (SharingHarness.Guest g : h.guests) {
            GuestStats stats = h.core.guestStats(g.index, null);
            assertThat(stats.sharedPages()).as(g.mode.configName()).isEqualTo(48);
            assertThat(stats.cowBreaks()).isZero();
        }
        // the same image page of every guest is one frame; the zero pages are one frame
        assertThat(h.guests[0].mpn(5)).isEqualTo(h.guests[1].mpn(5)).isEqualTo(h.guests[2].mpn(5));
        assertThat(h.guests[0].mpn(32)).isEqualTo(h.guests[2].mpn(47)).isEqualTo(h.guests[1].mpn(40));
        assertThat(h.core.frames().refcount(h.guests[0].mpn(32))).isEqualTo(48);
    }

    @ParameterizedTest
    @EnumSource(TranslationMode.class)
    void aWriteToASharedPageBreaksCopyOnWrite(TranslationMode mode) {
        SharingHarness h = new SharingHarness(64, 10_000, 64, mode, FULL);
        fillImage(h);
        h.ticks(4);
        SharingHarness.Guest writer = h.guests[0];
        SharingHarness.Guest other = h.guests[1];
        int shared = writer.mpn(3);
        assertThat(shared).isEqualTo(other.mpn(3));
        assertThat(h.core.frames().owner(shared)).isEqualTo(FramePool.SHARED);
        // read first, so a read-only TLB entry is cached, then write
        writer.read(3).write(3, 77).read(3);
        other.read(3);
        h.tick();
        assertThat(h.mismatches()).isZero();
        assertThat(writer.mpn(3)).isNotEqualTo(shared);
        assertThat(h.core.frames().token(shared)).isEqualTo(1003);
        assertThat(h.core.frames().token(writer.mpn(3))).isEqualTo(77);
        assertThat(h.core.guestStats(0, null).cowBreaks()).isEqualTo(1);
        assertThat(h.core.guestStats(0, null).sharedPages()).isEqualTo(47);
        // the last sharer's write frees the shared frame; the daemon hears of it
        other.write(3, 78);
        h.tick();
        assertThat(h.core.frames().owner(shared)).isNotEqualTo(FramePool.SHARED);
        assertThat(h.lastSharing.freedMpns()).contains(shared);
        assertThat(h.scanner.index().get(h.core.hashOfToken(1003))).isNotEqualTo(ballast.host.sharing.SharingIndex.shared(shared));
        assertThat(h.mismatches()).isZero();
    }

    @Test
    void aParaGuestIsToldItsNewFramesAndAStaleMmuUpdateIsRefused() {
        SharingHarness h = new SharingHarness(64, 10_000, 64, PARA, PARA);
        int[] bootP2m = h.guests[0].p2m.clone();
        // nothing written: every page of both guests is a zero page, backed since boot
        h.ticks(3);
        SharingHarness.Guest g = h.guests[0];
        int zero = g.p2m[10];
        assertThat(zero).isNotEqualTo(bootP2m[10]);
        assertThat(h.core.frames().owner(zero)).isEqualTo(FramePool.SHARED);
        assertThat(h.core.hostStats().zeroPagesShared()).isEqualTo(128);
        assertThat(h.core.hostStats().framesMapped()).isEqualTo(1);

        // mapping page 10 with the MPN it had at boot: refused whole, nothing changes
        long key = SharingHarness.Guest.key(10);
        TickResult refused = h.core.apply(GuestWork.of(0, h.tick, List.of(new MmuUpdate(new long[] {key}, new int[] {bootP2m[10]},
                new int[] {10})), new long[0], new long[0]));
        assertThat(refused.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.FRAME_NOT_OWNED);
        assertThat(h.core.checkInvariants()).isEmpty();
        // without PPNs a shared frame cannot be mapped either (its PPN is ambiguous)
        TickResult noPpn = h.core.apply(GuestWork.of(0, h.tick, List.of(new MmuUpdate(new long[] {key}, new int[] {zero})),
                new long[0], new long[0]));
        assertThat(noPpn.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.FRAME_NOT_OWNED);

        // with the p2m the notice gave, the mapping is accepted; the OS's fill (zeros, still a
        // write) breaks copy-on-write, and the guest hears of its new frame
        g.write(10, Tokens.ZERO).read(10);
        h.tick();
        assertThat(h.refusals).isEmpty();
        assertThat(h.mismatches()).isZero();
        assertThat(h.core.guestStats(0, null).cowBreaks()).isEqualTo(1);
        assertThat(g.p2m[10]).isEqualTo(g.mpn(10)).isNotEqualTo(zero);
    }

    /**
     * A para-virtual guest writes a page it still believes private while the hypervisor has
     * merged it this very tick: its page-table entry was repointed read-only, so the write faults
     * and gets its own copy; the shared frame is untouched.
     */
    @Test
    void aWriteRacingTheMergeNoticeNeverReachesTheSharedFrame() {
        SharingHarness h = new SharingHarness(64, 10_000, 64, PARA, PARA);
        for (SharingHarness.Guest g : h.guests) {
            g.write(7, 4242);
        }
        h.ticks(3);
        int shared = h.guests[1].mpn(7);
        assertThat(h.core.frames().owner(shared)).isEqualTo(FramePool.SHARED);
        assertThat(h.guests[0].mpn(7)).isEqualTo(shared);
        // the guest writes as if it never heard of the merge
        h.guests[0].write(7, 99).read(7);
        h.guests[1].read(7);
        h.tick();
        assertThat(h.core.frames().token(shared)).isEqualTo(4242);
        assertThat(h.mismatches()).isZero();
        assertThat(h.guests[0].p2m[7]).isEqualTo(h.guests[0].mpn(7)).isNotEqualTo(shared);
    }

    /** With 8-bit hashes different pages collide; the full comparison rejects them and no wrong merge happens. */
    @Test
    void narrowHashesCollideAndTheFullComparisonRejectsThem() {
        SharingHarness h = new SharingHarness(8, 20_000, 1024, FULL, NESTED);
        SplittableRandom random = new SplittableRandom(1);
        for (int p = 0; p < 1024; p++) {
            long common = 5_000 + p;
            for (SharingHarness.Guest g : h.guests) {
                g.write(p, p % 4 == 0 ? common : random.nextLong(1, Long.MAX_VALUE));
            }
        }
        h.ticks(12);
        for (SharingHarness.Guest g : h.guests) {
            for (int p = 0; p < 1024; p++) {
                g.read(p);
            }
        }
        h.tick();
        HostStats s = h.core.hostStats();
        assertThat(s.falseMatches()).isPositive();
        assertThat(h.mismatches()).isZero();
        // every shared frame is mapped only by pages that hold its content (the audit read them all)
        assertThat(s.pagesShared()).isPositive().isLessThanOrEqualTo(256);
        assertThat(s.pagesSharing()).isLessThanOrEqualTo(256);
    }

    /** Random writes and reads on three guests in the three modes, sharing on: integrity and every invariant after every tick. */
    @Test
    void randomWritesKeepIntegrityAndEveryInvariant() {
        SharingHarness h = new SharingHarness(64, 4_000, 256, FULL, PARA, NESTED);
        SplittableRandom random = new SplittableRandom(17);
        long[] pool = {Tokens.ZERO, 11, 12, 13, 14, 15, 16, 17};
        for (SharingHarness.Guest g : h.guests) {
            for (int p = 0; p < 256; p++) {
                g.write(p, pool[random.nextInt(pool.length)]);
            }
        }
        for (int t = 0; t < 150; t++) {
            for (SharingHarness.Guest g : h.guests) {
                for (int k = 0; k < 40; k++) {
                    int p = random.nextInt(256);
                    if (random.nextInt(4) == 0) {
                        // mostly pool content again (so pages merge back), sometimes fresh content
                        g.write(p, random.nextInt(3) == 0 ? random.nextLong(100, Long.MAX_VALUE) : pool[random.nextInt(pool.length)]);
                    } else {
                        g.read(p);
                    }
                }
            }
            h.tick();
        }
        HostStats s = h.core.hostStats();
        assertThat(h.mismatches()).isZero();
        assertThat(s.mergeCount()).isPositive();
        assertThat(s.staleHints()).isPositive();
        assertThat(s.pagesShared()).isPositive();
        assertThat(h.core.guestStats(0, null).cowBreaks()).isPositive();
        assertThat(h.core.guestStats(1, null).cowBreaks()).isPositive();
        assertThat(h.core.guestStats(2, null).cowBreaks()).isPositive();
        assertThat(h.refusals).isEmpty();
    }

    /** With every page indexed as a hint (nothing shares), the daemon costs at most 32 bytes per guest page. */
    @Test
    void theDaemonCostsAtMostThirtyTwoBytesPerIndexedPage() {
        SharingHarness h = new SharingHarness(64, 100_000, 4096, FULL, FULL, NESTED, NESTED);
        for (SharingHarness.Guest g : h.guests) {
            for (int p = 0; p < 4096; p++) {
                g.write(p, (g.index + 1L) << 32 | p);
            }
        }
        h.ticks(4);
        assertThat(h.scanner.fullScans()).isGreaterThanOrEqualTo(2);
        assertThat(h.scanner.index().hints()).isEqualTo(4 * 4096);
        assertThat(h.scanner.counters().pagesUnshared()).isEqualTo(4 * 4096);
        assertThat((double) h.scanner.bytes() / h.scanner.totalPages()).isLessThanOrEqualTo(32.0);
    }
}
