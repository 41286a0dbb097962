package ballast.host.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TranslationCacheTest {

    @Test
    void aBlockMissesOnceAndHitsAfterwards() {
        TranslationCache cache = new TranslationCache(8, 100);

        assertThat(cache.lookup(42)).isFalse();
        assertThat(cache.lookup(42)).isTrue();
        assertThat(cache.lookup(42)).isTrue();
        cache.hits(5);

        assertThat(cache.missCount()).isEqualTo(1);
        assertThat(cache.hitCount()).isEqualTo(7);
        assertThat(cache.evictionCount()).isZero();
        assertThat(cache.contains(42)).isTrue();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aCacheAsLargeAsTheBlocksNeverEvicts() {
        TranslationCache cache = new TranslationCache(4096, 300);
        for (int round = 0; round < 10; round++) {
            for (int block = 0; block < 300; block++) {
                cache.lookup(block);
            }
        }
        assertThat(cache.missCount()).isEqualTo(300);
        assertThat(cache.hitCount()).isEqualTo(2700);
        assertThat(cache.evictionCount()).isZero();
    }

    @Test
    void whenFullTheClockEvictsTheFirstUnreferencedBlock() {
        TranslationCache cache = new TranslationCache(3, 10);
        cache.lookup(0);
        cache.lookup(1);
        cache.lookup(2);
        // every slot referenced: the hand clears all three bits and evicts the first, block 0
        assertThat(cache.lookup(3)).isFalse();
        assertThat(cache.contains(0)).isFalse();
        assertThat(cache.evictionCount()).isEqualTo(1);
        // block 1 is used again (second chance); block 2 is not: 4 replaces 2, not 1
        assertThat(cache.lookup(1)).isTrue();
        assertThat(cache.lookup(4)).isFalse();
        assertThat(cache.contains(1)).isTrue();
        assertThat(cache.contains(2)).isFalse();
        assertThat(cache.contains(3)).isTrue();
        assertThat(cache.contains(4)).isTrue();
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.evictionCount()).isEqualTo(2);
    }

    @Test
    void aLoopLargerThanTheCacheThrashes() {
        TranslationCache cache = new TranslationCache(4, 5);
        for (int round = 0; round < 10; round++) {
            for (int block = 0; block < 5; block++) {
                cache.lookup(block);
            }
        }
        // a cyclic pattern one larger than the cache defeats CLOCK as it defeats LRU
        assertThat(cache.hitCount()).isZero();
        assertThat(cache.missCount()).isEqualTo(50);
        assertThat(cache.evictionCount()).isEqualTo(46);
    }

    @Test
    void aCacheNeedsOneSlot() {
        assertThatThrownBy(() -> new TranslationCache(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
