package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A page's PPN, last access and written token share two words: each keeps its value whatever the
 * others hold, through growing and a snapshot.
 */
class PageTableTest {
    @Test
    void ppnLastAccessAndTokenOfAPageAreIndependentAtExtremeValues() {
        PageTable pages = new PageTable(1, null, 4);
        assertThat(pages.ppnOf(2)).isEqualTo(PageTable.UNTOUCHED);
        assertThat(pages.lastAccess(2)).isEqualTo(PageTable.NEVER);
        int[] stamps = {0, 1, Integer.MAX_VALUE, PageTable.NEVER};
        int[] ppns = {0, Integer.MAX_VALUE, 12345};
        long[] tokens = {-1L, Long.MIN_VALUE, 1L << 32, 0xFFFF_FFFFL};
        for (int stamp : stamps) {
            for (int ppn : ppns) {
                long token = tokens[(stamp + ppn) & 3];
                pages.map(2, ppn);
                pages.setToken(2, token);
                pages.stamp(2, stamp);
                assertThat(pages.ppnOf(2)).isEqualTo(ppn);
                assertThat(pages.lastAccess(2)).isEqualTo(stamp);
                assertThat(pages.token(2)).isEqualTo(token);
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
        assertThat(pages.token(1)).isZero();
        assertThat(pages.token(3)).isZero();
    }

    @Test
    void grownAndRestoredTablesKeepEveryPagesPpnAndStamp() {
        PageTable pages = new PageTable(2, null, 3);
        pages.map(0, 7);
        pages.stamp(0, 40);
        pages.stamp(2, 41); // accessed, never mapped
        pages.setToken(0, -5L);
        pages.setToken(2, 9L);
        pages.resize(6);
        assertThat(pages.tokensCopy()).containsExactly(-5L, 0L, 9L, 0L, 0L, 0L);
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
        copy.restoreTokens(pages.tokensCopy());
        assertThat(copy.tokensCopy()).containsExactly(-5L, 0L, 9L, 0L, 0L, 0L);
        assertThat(copy.ppnOfPageCopy()).containsExactly(7, -1, -1, -1, -1, -1);
        assertThat(copy.lastAccessCopy()).containsExactly(40, -1, 41, -1, -1, -1);
        assertThat(copy.residentPages()).isEqualTo(1);
    }
}
