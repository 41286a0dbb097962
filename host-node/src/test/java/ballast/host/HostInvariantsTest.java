package ballast.host;

import ballast.host.translation.GuestMemory;
import ballast.host.translation.TranslationInternals;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Ops;
import ballast.host.memory.FramePool;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The invariant checker must see corruption: each test breaks one thing through package access. */
class HostInvariantsTest {
    PrimedHost h;
    HypervisorCore core;
    FramePool frames;

    @BeforeEach
    void setUp() {
        h = new PrimedHost();
        core = h.core;
        frames = core.frames();
    }

    List<String> violations() {
        List<String> v = core.checkInvariants();
        assertThat(v).allSatisfy(line -> assertThat(line).startsWith("test-host: "));
        return v;
    }

    @Test
    void aCleanHostReportsNothing() {
        assertThat(violations()).isEmpty();
        assertThat(HostInvariants.CHECKS).isEqualTo(3);
    }

    @Test
    void aWrongRefcountOnASharedFrameIsReported() {
        core.guest(PrimedHost.FULL).makeShared(3, h.fullMpn); // one mapping, count 1: consistent
        assertThat(violations()).isEmpty();
        frames.setRefcount(h.fullMpn, 2);
        assertThat(violations()).singleElement().asString()
                .contains("refcounts").contains("MPN " + h.fullMpn).contains("refcount 2").contains("1 mappings");
    }

    @Test
    void aPrivateFrameMappedTwiceIsReportedWithItsCountOfOne() {
        // A private frame's count is 1 by construction; a second mapping makes it wrong.
        GuestMemory full = core.guest(PrimedHost.FULL);
        full.pmap().back(41, h.fullMpn);
        assertThat(violations()).anySatisfy(l -> assertThat(l).contains("refcounts").contains("MPN " + h.fullMpn)
                .contains("refcount 1 but 2 mappings"));
    }

    @Test
    void aPmapEntryPointingAtAnotherGuestsFrameIsReported() {
        GuestMemory full = core.guest(PrimedHost.FULL);
        full.pmap().back(40, h.p2mA[7]);
        assertThat(violations())
                .anySatisfy(l -> assertThat(l).contains("isolation").contains("full PPN 40")
                        .contains("MPN " + h.p2mA[7]).contains("guest para-a"))
                .anySatisfy(l -> assertThat(l).contains("refcounts").contains("MPN " + h.p2mA[7]).contains("2 mappings"));
    }

    @Test
    void aPmapEntryPointingAtAFreeFrameIsReported() {
        core.guest(PrimedHost.NESTED).pmap().back(41, h.freeMpn);
        assertThat(violations())
                .anySatisfy(l -> assertThat(l).contains("isolation").contains("nested PPN 41").contains("free"))
                .anySatisfy(l -> assertThat(l).contains("refcounts").contains("MPN " + h.freeMpn));
    }

    @Test
    void aFrameFreedWhileStillMappedIsReported() {
        frames.free(h.fullMpn);
        assertThat(violations())
                .anySatisfy(l -> assertThat(l).contains("isolation").contains("MPN " + h.fullMpn).contains("free"))
                .anySatisfy(l -> assertThat(l).contains("refcounts").contains("MPN " + h.fullMpn));
    }

    @Test
    void aParaTableEntryPointingAtAnotherGuestsFrameIsReported() {
        TranslationInternals.tables(core.guest(PrimedHost.PARA_A))[1].set(0x55, h.p2mB[4]);
        assertThat(violations()).singleElement().asString()
                .contains("isolation").contains("para-a process 1 VPN 0x55").contains("guest para-b");
    }

    @Test
    void aParaTableEntryPointingAtAReservedOrMissingFrameIsReported() {
        TranslationInternals.tables(core.guest(PrimedHost.PARA_B))[0].set(0x56, h.reservedMpn);
        TranslationInternals.tables(core.guest(PrimedHost.PARA_B))[0].set(0x57, TestHosts.TOTAL_FRAMES + 5);
        assertThat(violations()).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("VPN 0x56").contains("host-reserved"))
                .anySatisfy(l -> assertThat(l).contains("VPN 0x57").contains("nonexistent MPN"));
    }

    @Test
    void aGuestTableEntryOutsideTheGuestsMemoryIsReported() {
        TranslationInternals.tables(core.guest(PrimedHost.NESTED))[0].set(0x58, PrimedHost.PAGES);
        assertThat(violations()).singleElement().asString().contains("nested").contains("outside its memory");
    }

    @Test
    void aStaleTlbEntryIsReported() {
        GuestMemory nested = core.guest(PrimedHost.NESTED);
        long key = Ops.key(0, 0x10);
        int right = nested.view().peekMpn(key);
        TranslationInternals.tlb(nested).fill(key, nested.pmap().mpn(4), false);
        assertThat(violations()).singleElement().asString()
                .contains("stale TLB entry").contains("nested").contains("tables say " + right);
    }

    @Test
    void aTlbEntryForAnUnmappedPageIsReported() {
        TranslationInternals.tlb(core.guest(PrimedHost.PARA_A)).fill(Ops.key(1, 0x77), h.p2mA[3], false);
        assertThat(violations()).singleElement().asString().contains("stale TLB entry").contains("para-a");
    }

    @Test
    void aStaleShadowEntryIsReported() {
        GuestMemory full = core.guest(PrimedHost.FULL);
        TranslationInternals.shadow(full)[0].set(0x10, full.pmap().mpn(4));
        TranslationInternals.tlb(full).flush();
        assertThat(violations()).singleElement().asString().contains("stale shadow entry").contains("VPN 0x10");
    }

    @Test
    void aShadowEntryMissingFromTheReverseMapIsReported() {
        GuestMemory full = core.guest(PrimedHost.FULL);
        assertThat(TranslationInternals.rmap(full).remove(3, Ops.key(0, 0x10))).isTrue();
        assertThat(violations()).singleElement().asString().contains("missing from the reverse map of PPN 3");
    }

    @Test
    void aSharedFrameCachedWritableIsReported() {
        GuestMemory para = core.guest(PrimedHost.PARA_A);
        long key = Ops.key(0, 0x10);
        assertThat(TranslationInternals.tlb(para).lookupWritable(key)).isEqualTo(h.p2mA[0]);
        frames.markShared(h.p2mA[0]);
        assertThat(violations()).anySatisfy(l -> assertThat(l).contains("TLB caches shared MPN " + h.p2mA[0] + " writable"));
        // Read-only, it is no longer a TLB violation (the pmap state still is).
        TranslationInternals.tlb(para).fill(key, h.p2mA[0], true);
        assertThat(violations()).noneSatisfy(l -> assertThat(l).contains("writable"));
    }

    @Test
    void aGuestTableEntryOutsideMemoryUnderAShadowEntryIsReportedNotThrown() {
        GuestMemory full = core.guest(PrimedHost.FULL);
        assertThat(TranslationInternals.shadow(full)[0].get(0x10)).isNotNegative();
        TranslationInternals.tables(full)[0].set(0x10, PrimedHost.PAGES + 5);
        assertThat(violations()).anySatisfy(l -> assertThat(l).contains("full").contains("outside its memory"))
                .anySatisfy(l -> assertThat(l).contains("stale shadow entry").contains("VPN 0x10"));
    }

    @Test
    void aGuestTableEntryOutsideMemoryUnderATlbEntryIsReportedNotThrown() {
        GuestMemory nested = core.guest(PrimedHost.NESTED);
        long key = Ops.key(0, 0x10);
        assertThat(TranslationInternals.tlb(nested).lookup(key)).isNotNegative();
        TranslationInternals.tables(nested)[0].set(0x10, PrimedHost.PAGES + 5);
        assertThat(violations()).anySatisfy(l -> assertThat(l).contains("nested").contains("outside its memory"))
                .anySatisfy(l -> assertThat(l).contains("stale TLB entry").contains("nested"));
    }

    @Test
    void aNonexistentFrameInAParaTableAndItsTlbIsReportedNotThrown() {
        GuestMemory para = core.guest(PrimedHost.PARA_A);
        long key = Ops.key(0, 0x10);
        int bogus = TestHosts.TOTAL_FRAMES + 5;
        TranslationInternals.tables(para)[0].set(0x10, bogus);
        TranslationInternals.tlb(para).fill(key, bogus, false);
        assertThat(violations()).anySatisfy(l -> assertThat(l).contains("para-a").contains("nonexistent MPN " + bogus));
    }

    @Test
    void manyViolationsAreCappedWithACount() {
        GuestMemory para = core.guest(PrimedHost.PARA_A);
        for (int i = 0; i < 30; i++) {
            frames.setToken(h.p2mA[i], 1000 + i); // no two shared frames hold the zero page
            para.makeShared(i, h.p2mA[i]);
            frames.setRefcount(h.p2mA[i], 5);
        }
        List<String> v = violations();
        assertThat(v).hasSize(21);
        assertThat(v.get(20)).endsWith("... and 10 more violations");
    }
}
