package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Tokens;
import org.junit.jupiter.api.Test;

/** The guest's record of what it wrote and the digest its reads must produce. */
class IntegrityRecordTest {
    @Test
    void readsVerifyWhenTheHypervisorFoldsTheTokensLastWritten() {
        IntegrityRecord record = new IntegrityRecord(2);
        record.beginTick();
        record.wrote(0, 41);
        record.wrote(1, 42);
        record.expectRead(1);
        record.expectRead(0);
        record.seal(3);
        assertThat(record.unverified(3)).isEqualTo(3);
        long digest = Tokens.fold(Tokens.fold(Tokens.EMPTY_DIGEST, 42), 41);
        assertThat(record.check(3, digest, 2)).isTrue();
        assertThat(record.readsVerified()).isEqualTo(2);
        assertThat(record.unverified(3)).isEqualTo(-1);
    }

    @Test
    void aDifferentDigestCountsTheTicksReadsAsMismatches() {
        IntegrityRecord record = new IntegrityRecord(1);
        record.beginTick();
        record.wrote(0, 5);
        record.expectRead(0);
        record.seal(4);
        assertThat(record.check(4, Tokens.fold(Tokens.EMPTY_DIGEST, 6), 1)).isFalse();
        assertThat(record.readMismatches()).isEqualTo(1);
        assertThat(record.readsVerified()).isZero();
    }

    @Test
    void twoTicksMayBeUnverifiedAtOnceByParity() {
        IntegrityRecord record = new IntegrityRecord(1);
        record.beginTick();
        record.seal(6);
        record.beginTick();
        record.seal(7);
        assertThat(record.anyUnverified()).isEqualTo(6);
        record.check(6, Tokens.EMPTY_DIGEST, 0);
        assertThat(record.anyUnverified()).isEqualTo(7);
    }
}
