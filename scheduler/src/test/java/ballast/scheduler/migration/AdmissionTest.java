package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import org.junit.jupiter.api.Test;

/** The admission rule on its own: what a host promises one guest. */
class AdmissionTest {

    @Test
    void aReclaimingHostPromisesMinPlusOverheadAndMaxMinusMinInSwap() {
        assertThat(Admission.memoryPages(true, 100, TranslationMode.FULL, 8_000, 2_000)).isEqualTo(2_100);
        assertThat(Admission.memoryPages(true, 100, TranslationMode.NESTED, 8_000, 2_000)).isEqualTo(2_100);
        assertThat(Admission.swapPages(true, 8_000, 2_000)).isEqualTo(6_000);
    }

    @Test
    void aParaVirtualGuestIsPromisedItsWholeMemoryPlusOverheadOnAReclaimingHost() {
        assertThat(Admission.memoryPages(true, 100, TranslationMode.PARA, 8_000, 2_000)).isEqualTo(8_100);
        assertThat(Admission.backedWhole(TranslationMode.PARA)).isTrue();
        assertThat(Admission.backedWhole(TranslationMode.FULL)).isFalse();
    }

    @Test
    void aHostThatDoesNotReclaimPromisesTheWholeMemoryAndNoSwapWhateverTheMode() {
        for (TranslationMode mode : TranslationMode.values()) {
            assertThat(Admission.memoryPages(false, 100, mode, 8_000, 2_000)).isEqualTo(8_000);
        }
        assertThat(Admission.swapPages(false, 8_000, 2_000)).isZero();
    }
}
