package ballast.host;

import static ballast.host.TestHosts.guest;
import static ballast.host.TestHosts.mmu;
import static ballast.host.TestHosts.settings;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.TestHosts.Stream;
import ballast.host.translation.TranslationInternals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The end-of-run audit reads frames in batches (the frames' owners and tokens ahead of their
 * checks): guests larger than a batch, with differences and violations on both sides of the
 * batches' boundaries (256, 512, 768), must be counted and reported exactly, in order.
 */
class AuditBatchTest {
    static final int FULL = 0;
    static final int PARA = 1;
    static final int PAGES = 800;
    static final int MAPPED = 700;
    static final long VPN = 0x1000;

    HypervisorCore core;
    int[] p2m;
    long[] fullKeys = new long[MAPPED];
    long[] paraKeys = new long[MAPPED];
    long[] tokens = new long[MAPPED];

    @BeforeEach
    void setUp() {
        core = new HypervisorCore(settings(guest(FULL, "full", TranslationMode.FULL, PAGES, 1),
                guest(PARA, "para", TranslationMode.PARA, PAGES, 1)));
        Refusal[] refusal = new Refusal[1];
        core.boot(FULL, "full", refusal);
        p2m = core.boot(PARA, "para", refusal);
        for (int i = 0; i < MAPPED; i++) {
            fullKeys[i] = Ops.key(0, VPN + i);
            paraKeys[i] = Ops.key(0, VPN + i);
            tokens[i] = 0x5EED_0000L + i;
        }
        for (int first = 0; first < MAPPED; first += 100) {
            Stream full = Stream.of();
            Stream para = Stream.of();
            List<MmuUpdate> updates = new ArrayList<>();
            for (int i = first; i < first + 100; i++) {
                full.map(0, VPN + i, i).write(0, VPN + i, tokens[i]);
                para.write(0, VPN + i, tokens[i]);
            }
            for (int i = first; i < first + 100; i += TestHosts.MAX_MMU_UPDATE_ENTRIES) {
                int n = Math.min(TestHosts.MAX_MMU_UPDATE_ENTRIES, first + 100 - i);
                updates.add(mmu(Arrays.copyOfRange(paraKeys, i, i + n), Arrays.copyOfRange(p2m, i, i + n)));
            }
            ok(core.apply(GuestWork.of(FULL, 0, List.of(), full.ops(), full.values())));
            ok(core.apply(GuestWork.of(PARA, 0, updates, para.ops(), para.values())));
        }
        assertThat(core.checkInvariants()).isEmpty();
    }

    private static void ok(TickResult r) {
        assertThat(r.refusals()).isEmpty();
    }

    @Test
    void theIntegrityAuditCountsEachDifferenceOnEitherSideOfItsBatches() {
        assertThat(core.audit(FULL, fullKeys, tokens)).isZero();
        assertThat(core.audit(PARA, paraKeys, tokens)).isZero();
        int[] changed = {0, 255, 256, 257, 511, 512, 699};
        for (int guest : new int[] {FULL, PARA}) {
            long[] keys = (guest == FULL ? fullKeys : paraKeys).clone();
            long[] expected = tokens.clone();
            for (int i : changed) {
                expected[i]++;
            }
            keys[300] = Ops.key(0, VPN + PAGES + 5); // never mapped
            assertThat(core.audit(guest, keys, expected)).as("guest %d", guest).isEqualTo(changed.length + 1);
            assertThat(core.audit(guest, Arrays.copyOf(keys, 256), Arrays.copyOf(expected, 256))).isEqualTo(2);
            assertThat(core.audit(guest, Arrays.copyOf(keys, 257), Arrays.copyOf(expected, 257))).isEqualTo(3);
        }
    }

    @Test
    void violationsOnEitherSideOfABatchBoundaryAreReportedInOrder() {
        int a = p2m[10];
        int b = p2m[11];
        core.guest(FULL).pmap().back(767, a);
        core.guest(FULL).pmap().back(768, b);
        int c = core.guest(FULL).pmap().mpn(20);
        int d = core.guest(FULL).pmap().mpn(21);
        TranslationInternals.tables(core.guest(PARA))[0].set(VPN + 255, c);
        TranslationInternals.tables(core.guest(PARA))[0].set(VPN + 256, d);
        List<String> found = core.checkInvariants();
        assertThat(found).hasSizeLessThan(20);
        assertThat(found.stream().filter(l -> l.contains(" owned by "))).containsExactly(
                "test-host: isolation: full PPN 767 maps MPN " + a + " owned by guest para",
                "test-host: isolation: full PPN 768 maps MPN " + b + " owned by guest para",
                "test-host: isolation: para process 0 VPN 0x" + Long.toHexString(VPN + 255) + " maps MPN " + c
                        + " owned by guest full",
                "test-host: isolation: para process 0 VPN 0x" + Long.toHexString(VPN + 256) + " maps MPN " + d
                        + " owned by guest full");
        assertThat(found).contains("test-host: refcounts: MPN " + a + " (guest para) has refcount 1 but 2 mappings",
                "test-host: refcounts: MPN " + b + " (guest para) has refcount 1 but 2 mappings");
    }
}
