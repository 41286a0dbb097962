package ballast.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher's class-data archive preparation, as the bench reads it from the launcher's variable. */
class JvmProbeArchiveTest {

    @Test
    void theLaunchersNanosecondsAreReadAsSeconds() {
        assertThat(JvmProbe.archiveSeconds("5790000000")).isEqualTo(5.79);
        assertThat(JvmProbe.archiveSeconds(" 1500000000\n")).isEqualTo(1.5);
    }

    @Test
    void anAbsentMalformedOrNegativeValueIsNoPreparation() {
        assertThat(JvmProbe.archiveSeconds(null)).isZero();
        assertThat(JvmProbe.archiveSeconds("")).isZero();
        assertThat(JvmProbe.archiveSeconds("12N")).isZero();
        assertThat(JvmProbe.archiveSeconds("-3")).isZero();
    }
}
