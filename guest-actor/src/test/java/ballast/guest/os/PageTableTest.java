package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A page's PPN and its last access share one word: each keeps its value whatever the other holds. */
class PageTableTest {
    @Test
    void ppnAndLastAccessOfAPageAreIndependentAtExtremeValues() {
        PageTable pages = new PageTable(1, null, 4);
        assertThat(pages.ppnOf(2)).isEqualTo(PageTable.UNTOUCHED);
        assertThat(pages.lastAccess(2)).isEqualTo(PageTable.NEVER);
        int[] stamps = {0, 1, Integer.MAX_VALUE, PageTable.NEVER};
        int[] ppns = {0, Integer.MAX_VALUE, 12345};
        for (int stamp : stamps) {
            for (int ppn : ppns) {
                pages.map(2, ppn);
                pages.stamp(2, stamp);
                assertThat(pages.ppnOf(2)).isEqualTo(ppn);
                assertThat(pages.lastAccess(2)).isEqualTo(stamp);
                pages.pagedOut(2);
                assertThat(pages.ppnOf(2)).isEqualTo(PageTable.ON_DISK);
                assertThat(pages.lastAccess(2)).as("paging out keeps the stamp").isEqualTo(stamp);
                pages.pagedIn();
            }
        }
        pages.freedOnDisk(2);
        assertThat(pages.ppnOf(2)).isEqualTo(PageTable.FREED);
        assertThat(pages.ppnOf(1)).as("a neighbour untouched").isEqualTo(PageTable.UNTOUCHED);
        assertThat(pages.lastAccess(3)).isEqualTo(PageTable.NEVER);
    }

    @Test
    void grownAndRestoredTablesKeepEveryPagesPpnAndStamp() {
        PageTable pages = new PageTable(2, null, 3);
        pages.map(0, 7);
        pages.stamp(0, 40);
        pages.stamp(2, 41); // accessed, never mapped
        pages.resize(6);
        assertThat(pages.size()).isEqualTo(6);
        assertThat(pages.ppnOf(0)).isEqualTo(7);
        assertThat(pages.lastAccess(0)).isEqualTo(40);
        assertThat(pages.ppnOf(2)).isEqualTo(PageTable.UNTOUCHED);
        assertThat(pages.lastAccess(2)).isEqualTo(41);
        assertThat(pages.ppnOf(5)).isEqualTo(PageTable.UNTOUCHED);
        assertThat(pages.lastAccess(5)).isEqualTo(PageTable.NEVER);
        assertThat(pages.accessedBetween(40, 42)).isEqualTo(2);
        assertThat(pages.accessedBetween(41, 42)).isEqualTo(1);

        PageTable copy = new PageTable(2, null, 1);
        copy.restore(pages.ppnOfPageCopy(), pages.lastAccessCopy(), pages.touchedCopy(), pages.residentPages(),
                pages.pagesOnDisk());
        assertThat(copy.ppnOfPageCopy()).containsExactly(7, -1, -1, -1, -1, -1);
        assertThat(copy.lastAccessCopy()).containsExactly(40, -1, 41, -1, -1, -1);
        assertThat(copy.residentPages()).isEqualTo(1);
    }
}
