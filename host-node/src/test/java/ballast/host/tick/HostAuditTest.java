package ballast.host.tick;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Audit;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TranslationMode;
import ballast.host.HypervisorCore;
import ballast.host.TestHosts;
import ballast.host.TestHosts.Stream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The end-of-tick audit of a real core, without an actor system. */
class HostAuditTest {
    static final long TOKEN = 0x7070_0000_0000_0007L;
    static final long KEY = Ops.key(0, 0x10);

    HypervisorCore core;
    GuestRoster<String> roster;
    final List<String> found = new ArrayList<>();

    @BeforeEach
    void aGuestThatWroteOnePage() {
        core = new HypervisorCore(TestHosts.settings(TestHosts.guest(0, "alpha", TranslationMode.FULL, 64, 1),
                TestHosts.guest(1, "beta", TranslationMode.FULL, 64, 1)));
        core.boot(0, "alpha", new Refusal[1]);
        core.boot(1, "beta", new Refusal[1]);
        Stream s = Stream.of().map(0, 0x10, 3).write(0, 0x10, TOKEN);
        assertThat(core.apply(ballast.host.GuestWork.of(0, 0, List.of(), s.ops(), s.values())).refusals()).isEmpty();
        roster = new GuestRoster<>(2);
        roster.booted(0, "alpha");
        roster.booted(1, "beta");
    }

    @Test
    void aGuestReadingBackWhatItWroteCountsOneCheckAndNoViolation() {
        roster.audit(0, new Audit(new long[] {KEY}, new long[] {TOKEN}));
        assertThat(HostAudit.auditAll(core, 3, roster, new boolean[] {true, false}, found)).isEqualTo(3 + 1);
        assertThat(found).isEmpty();
    }

    @Test
    void aDifferentTokenIsAnIntegrityViolation() {
        roster.audit(0, new Audit(new long[] {KEY}, new long[] {TOKEN + 1}));
        HostAudit.auditAll(core, 3, roster, new boolean[] {true, false}, found);
        assertThat(found).singleElement().asString().contains("test-host: integrity: alpha").contains("1 of 1");
    }

    @Test
    void anAuditedGuestWithoutARecordIsAViolationAndAnUnauditedOneIsSkipped() {
        assertThat(HostAudit.auditAll(core, 3, roster, new boolean[] {false, true}, found)).isEqualTo(3 + 1);
        assertThat(found).singleElement().asString().contains("beta").contains("sent no integrity record");
        found.clear();
        assertThat(HostAudit.auditAll(core, 3, roster, new boolean[] {false, false}, found)).isEqualTo(3);
        assertThat(found).isEmpty();
    }
}
