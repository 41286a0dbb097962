package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import org.junit.jupiter.api.Test;

/** A guest that is gone gives back every frame: its private ones, and its references to shared ones. */
class ReleaseGuestTest {

    @Test
    void releasingGuestsWithSharedPagesLeaksNothing() {
        SharingHarness h = new SharingHarness(64, 1e6, 16, TranslationMode.FULL, TranslationMode.PARA,
                TranslationMode.NESTED);
        for (SharingHarness.Guest g : h.guests) {
            for (int page = 0; page < 16; page++) {
                g.write(page, page < 12 ? Tokens.nonZero(7, page % 4) : Tokens.nonZero(g.index + 100, page));
            }
        }
        h.ticks(4);
        assertThat(h.core.hostStats().mergeCount()).as("pages merged").isPositive();
        assertThat(h.core.hostStats().framesShared()).isPositive();
        int free = h.core.frames().freeFrames();

        int released = h.core.releaseGuest(0);
        assertThat(released).isEqualTo(16);
        assertThat(h.core.checkInvariants()).isEmpty();
        assertThat(h.core.frames().freeFrames()).isGreaterThan(free);
        assertThat(h.mismatches() - h.guests[0].auditMismatches()).as("the others still read what they wrote").isZero();

        h.core.releaseGuest(1);
        h.core.releaseGuest(2);
        assertThat(h.core.checkInvariants()).isEmpty();
        assertThat(h.core.frames().mappedFrames()).as("nothing left mapped").isZero();
        assertThat(h.core.frames().sharedFrames()).isZero();
        assertThat(h.core.frames().freeFrames() + h.core.frames().reservedFrames())
                .isEqualTo(h.core.frames().totalFrames());
    }
}
