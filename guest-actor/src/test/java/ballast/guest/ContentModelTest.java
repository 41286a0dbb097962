package ballast.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ballast.abi.Tokens;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContentModelTest {

    @Test
    void guestsWithTheSameImageAgreeOnImagePagesAndOnlyThere() {
        ContentModel a = new ContentModel(new ContentSettings("linux", 0.3, 0.1), 1);
        ContentModel b = new ContentModel(new ContentSettings("linux", 0.3, 0.1), 2);
        ContentModel other = new ContentModel(new ContentSettings("windows", 0.3, 0.1), 3);
        int n = 20_000;
        int image = 0;
        int zero = 0;
        int same = 0;
        int sameAsOther = 0;
        for (int page = 0; page < n; page++) {
            long t = a.initialToken(page);
            if (a.isImagePage(page)) {
                image++;
                assertThat(b.initialToken(page)).isEqualTo(t).isNotEqualTo(Tokens.ZERO);
            }
            if (t == Tokens.ZERO) {
                zero++;
            }
            if (t == b.initialToken(page) && t != Tokens.ZERO) {
                same++;
            }
            if (t == other.initialToken(page) && t != Tokens.ZERO) {
                sameAsOther++;
            }
        }
        assertThat(image / (double) n).isCloseTo(0.3, within(0.015));
        assertThat(zero / (double) n).isCloseTo(0.1, within(0.015));
        assertThat(same).isEqualTo(image);
        assertThat(sameAsOther).isZero();
    }

    @Test
    void writeTokensAreFreshAndNeverZero() {
        ContentModel m = new ContentModel(new ContentSettings("linux", 0.3, 0.1), 5);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long t = m.nextWriteToken();
            assertThat(t).isNotEqualTo(Tokens.ZERO);
            assertThat(seen.add(t)).isTrue();
        }
    }
}
