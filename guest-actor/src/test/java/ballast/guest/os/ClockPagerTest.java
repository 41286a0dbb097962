package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The PPN allocator and the clock, without a guest OS around them. */
class ClockPagerTest {
    /** Four pages mapped at PPNs 0..3 and accessed at the given ticks. */
    static PageTable table(int... lastAccess) {
        PageTable pages = new PageTable(1, null, lastAccess.length);
        for (int page = 0; page < lastAccess.length; page++) {
            pages.map(page, page);
            pages.stamp(page, lastAccess[page]);
        }
        return pages;
    }

    @Test
    void freeListGivesBackTheLastReleasedFirstThenNeverUsedInAscendingOrder() {
        ClockPager pager = new ClockPager("g", 8, new PageTable(1, null, 0), 2);
        assertThat(pager.freePages()).isEqualTo(6);
        assertThat(pager.popFree()).isEqualTo(2);
        assertThat(pager.popFree()).isEqualTo(3);
        pager.pressure();
        pager.pin(2);
        pager.pin(3);
        pager.ballooned(2);
        pager.release(2);
        pager.release(3);
        assertThat(pager.balloonPages()).isZero();
        assertThat(pager.popFree()).isEqualTo(3);
        assertThat(pager.popFree()).isEqualTo(2);
        assertThat(pager.popFree()).isEqualTo(4);
    }

    @Test
    void handClearsReferencedPagesAndPicksTheFirstUnreferenced() {
        PageTable pages = table(1, 1, 1, 1);
        ClockPager pager = new ClockPager("g", 4, pages, 4);
        pager.pressure(); // every page counts as just mapped: referenced
        for (int ppn = 0; ppn < 4; ppn++) {
            assertThat(pager.step(2)).isEqualTo(-1); // first round clears
        }
        pages.stamp(1, 2); // page 1 used in tick 2: never a victim in tick 2
        assertThat(pager.step(2)).isEqualTo(0);
        assertThat(pager.step(2)).isEqualTo(-1);
        assertThat(pager.step(2)).isEqualTo(2);
    }

    @Test
    void pageAccessedSinceTheHandPassedGetsASecondChance() {
        PageTable pages = table(1, 1);
        ClockPager pager = new ClockPager("g", 2, pages, 2);
        pager.pressure();
        pager.step(2);
        pager.step(2); // both cleared at tick 2
        pages.stamp(0, 3);
        assertThat(pager.step(4)).isEqualTo(-1); // page 0 accessed at 3 >= its hand stamp 2
        assertThat(pager.step(4)).isEqualTo(1);
    }

    @Test
    void balloonNeverTakesTheLastUsablePpn() {
        ClockPager pager = new ClockPager("g", 4, new PageTable(1, null, 0), 0);
        pager.ballooned(3);
        assertThat(pager.pinnable()).isZero();
    }

    @Test
    void releasingAPpnNotInTheBalloonIsRefused() {
        ClockPager pager = new ClockPager("g", 4, new PageTable(1, null, 0), 0);
        pager.pressure();
        assertThatThrownBy(() -> pager.release(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names PPN 1, which is not in its balloon");
    }

    @Test
    void restoreRebuildsWhatEachPpnHolds() {
        PageTable pages = table(5, 5);
        ClockPager pager = new ClockPager("g", 6, pages, 0);
        // PPNs 0, 1 hold pages; 2 given back; 3 pinned; 4, 5 never used
        assertThat(pager.restore(4, new int[] {2}, new int[] {7, 7}, 1, 1, 0)).isTrue();
        assertThat(pager.pageOf(0)).isZero();
        assertThat(pager.pageOf(2)).isEqualTo(ClockPager.FREE);
        assertThat(pager.pageOf(3)).isEqualTo(ClockPager.BALLOONED);
        assertThat(pager.pageOf(5)).isEqualTo(ClockPager.FREE);
        assertThat(pager.freePages()).isEqualTo(3);
        assertThat(pager.handStampOfPages()).containsExactly(7, 7);
        assertThat(pager.restore(4, new int[] {4}, new int[] {7, 7}, 1, 1, 0)).isFalse(); // given back beyond used
    }
}
