package ballast.host.memory;

import ballast.abi.Tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FramePoolTest {

    private static final int TOTAL = 4096;
    private static final int RESERVED = 256;

    @Test
    void aRunOfAllocationsIsScatteredOverTheMachine() {
        FramePool pool = new FramePool(TOTAL, RESERVED, 42L);
        int[] run = new int[512];
        for (int i = 0; i < run.length; i++) {
            run[i] = pool.allocate(0);
        }
        int successors = 0;
        int ascending = 0;
        for (int i = 1; i < run.length; i++) {
            if (run[i] == run[i - 1] + 1) {
                successors++;
            }
            if (run[i] > run[i - 1]) {
                ascending++;
            }
        }
        // A contiguous or sorted hand-out would give 511 of each; a random permutation about 0 and 255.
        assertThat(successors).isLessThan(10);
        assertThat(ascending).isBetween(180, 330);
        assertThat(new HashSet<>(boxed(run))).hasSize(run.length);
    }

    @Test
    void everyFrameOfAPoolOfAnySizeIsHandedOutOnceAndFreedFramesComeBackFirst() {
        for (int total : new int[] {1, 2, 3, 17, 1000, 4097, 65537}) {
            int reserved = total / 10;
            FramePool pool = new FramePool(total, reserved, total);
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < total - reserved; i++) {
                int mpn = pool.allocate(0);
                assertThat(mpn).as("pool of %d, frame %d", total, i).isBetween(0, total - 1);
                assertThat(seen.add(mpn)).as("pool of %d: MPN %d handed out twice", total, mpn).isTrue();
                assertThat(pool.freeFrames()).isEqualTo(total - reserved - i - 1);
            }
            assertThat(pool.allocate(0)).isEqualTo(FramePool.NO_FRAME);
            for (int mpn = 0; mpn < total; mpn++) {
                assertThat(seen.contains(mpn) || pool.owner(mpn) == FramePool.HOST_RESERVED).as("MPN %d", mpn).isTrue();
            }
            if (total > reserved + 1) {
                // given back last, handed out first; then the one before
                int a = seen.iterator().next();
                int b = seen.stream().filter(m -> m != a).findFirst().orElseThrow();
                pool.free(a);
                pool.free(b);
                assertThat(pool.freeFrames()).isEqualTo(2);
                assertThat(pool.allocate(1)).isEqualTo(b);
                assertThat(pool.allocate(1)).isEqualTo(a);
                assertThat(pool.allocate(1)).isEqualTo(FramePool.NO_FRAME);
            }
        }
    }

    @Test
    void theOrderIsDeterministicPerSeed() {
        assertThat(handOut(new FramePool(TOTAL, RESERVED, 7L), 100))
                .containsExactlyElementsOf(handOut(new FramePool(TOTAL, RESERVED, 7L), 100))
                .isNotEqualTo(handOut(new FramePool(TOTAL, RESERVED, 8L), 100));
    }

    @Test
    void reservedFramesAreNeverHandedOutAndExhaustionReturnsNoFrame() {
        FramePool pool = new FramePool(TOTAL, RESERVED, 3L);
        Set<Integer> reserved = new HashSet<>();
        for (int mpn = 0; mpn < TOTAL; mpn++) {
            if (pool.owner(mpn) == FramePool.HOST_RESERVED) {
                reserved.add(mpn);
            } else {
                assertThat(pool.owner(mpn)).isEqualTo(FramePool.FREE);
            }
        }
        assertThat(reserved).hasSize(RESERVED);
        assertThat(pool.reservedFrames()).isEqualTo(RESERVED);
        assertThat(pool.freeFrames()).isEqualTo(TOTAL - RESERVED);

        Set<Integer> handedOut = new HashSet<>();
        for (int i = 0; i < TOTAL - RESERVED; i++) {
            int mpn = pool.allocate(i % 3);
            assertThat(mpn).isBetween(0, TOTAL - 1);
            assertThat(reserved).doesNotContain(mpn);
            assertThat(handedOut.add(mpn)).as("MPN %d handed out twice", mpn).isTrue();
            assertThat(pool.owner(mpn)).isEqualTo(i % 3);
            assertThat(pool.refcount(mpn)).isEqualTo(1);
        }
        assertThat(pool.freeFrames()).isZero();
        assertThat(pool.allocate(0)).isEqualTo(FramePool.NO_FRAME);
        assertThat(pool.allocate(1)).isEqualTo(FramePool.NO_FRAME);
        assertThat(pool.mappedFrames()).isEqualTo(TOTAL - RESERVED);
        for (int mpn : reserved) {
            assertThat(pool.owner(mpn)).isEqualTo(FramePool.HOST_RESERVED);
        }
    }

    @Test
    void newFramesAreZeroedEvenWhenRecycled() {
        FramePool pool = new FramePool(64, 8, 1L);
        int mpn = pool.allocate(2);
        assertThat(pool.token(mpn)).isEqualTo(Tokens.ZERO);
        pool.setToken(mpn, 0xDEADBEEFL);
        pool.free(mpn);
        assertThat(pool.owner(mpn)).isEqualTo(FramePool.FREE);
        assertThat(pool.refcount(mpn)).isZero();
        // A freed frame goes back on top of the free list.
        int again = pool.allocate(5);
        assertThat(again).isEqualTo(mpn);
        assertThat(pool.token(again)).isEqualTo(Tokens.ZERO);
        assertThat(pool.owner(again)).isEqualTo(5);
        assertThat(pool.refcount(again)).isEqualTo(1);

        // Every frame of a fresh pool reads as zero, and so does each later allocation.
        for (int i = 0; i < 56 - 1; i++) {
            int m = pool.allocate(0);
            assertThat(pool.token(m)).isEqualTo(Tokens.ZERO);
            pool.setToken(m, i + 1);
        }
    }

    @Test
    void freeingAFrameThatIsNotPrivateThrowsAndChangesNothing() {
        FramePool pool = new FramePool(64, 8, 1L);
        int reserved = firstWithOwner(pool, FramePool.HOST_RESERVED);
        int free = firstWithOwner(pool, FramePool.FREE);
        int shared = pool.allocate(0);
        pool.markShared(shared);
        int freeBefore = pool.freeFrames();

        assertThatThrownBy(() -> pool.free(reserved)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.free(free)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.free(shared)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.freeShared(reserved)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.markShared(free)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.markShared(shared)).isInstanceOf(IllegalStateException.class);
        int priv = pool.allocate(1);
        assertThatThrownBy(() -> pool.freeShared(priv)).isInstanceOf(IllegalStateException.class);
        pool.free(priv);
        assertThatThrownBy(() -> pool.free(priv)).as("double free").isInstanceOf(IllegalStateException.class);

        assertThat(pool.freeFrames()).isEqualTo(freeBefore);
        assertThat(pool.owner(reserved)).isEqualTo(FramePool.HOST_RESERVED);
        assertThat(pool.owner(free)).isEqualTo(FramePool.FREE);
        assertThat(pool.owner(shared)).isEqualTo(FramePool.SHARED);
        assertThat(pool.sharedFrames()).isEqualTo(1);
    }

    @Test
    void allocateRejectsANegativeGuestAndTheConstructorItsArguments() {
        FramePool pool = new FramePool(16, 0, 1L);
        assertThatThrownBy(() -> pool.allocate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(pool.freeFrames()).isEqualTo(16);
        assertThatThrownBy(() -> new FramePool(0, 0, 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FramePool(16, 17, 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FramePool(16, -1, 1L)).isInstanceOf(IllegalArgumentException.class);
        FramePool allReserved = new FramePool(16, 16, 1L);
        assertThat(allReserved.allocate(0)).isEqualTo(FramePool.NO_FRAME);
    }

    @Test
    void sharingMovesAFrameBetweenPrivateAndShared() {
        FramePool pool = new FramePool(32, 4, 9L);
        int mpn = pool.allocate(0);
        pool.setToken(mpn, 77L);
        pool.markShared(mpn);
        assertThat(pool.owner(mpn)).isEqualTo(FramePool.SHARED);
        assertThat(pool.refcount(mpn)).as("refcount unchanged by markShared").isEqualTo(1);
        assertThat(pool.token(mpn)).isEqualTo(77L);
        assertThat(pool.sharedFrames()).isEqualTo(1);
        assertThat(pool.privateFrames()).isZero();
        assertThat(pool.mappedFrames()).isEqualTo(1);
        pool.freeShared(mpn);
        assertThat(pool.owner(mpn)).isEqualTo(FramePool.FREE);
        assertThat(pool.token(mpn)).isEqualTo(Tokens.ZERO);
        assertThat(pool.refcount(mpn)).isZero();
        assertThat(pool.sharedFrames()).isZero();
        assertThat(pool.freeFrames()).isEqualTo(28);
    }

    @Test
    void framesAreConservedOverRandomAllocateFreeAndShareSequences() {
        FramePool pool = new FramePool(1024, 100, 11L);
        SplittableRandom random = new SplittableRandom(2024L);
        Set<Integer> modelFree = new HashSet<>();
        for (int mpn = 0; mpn < 1024; mpn++) {
            if (pool.owner(mpn) == FramePool.FREE) {
                modelFree.add(mpn);
            }
        }
        List<Integer> privateFrames = new ArrayList<>();
        List<Integer> sharedFrames = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            int action = random.nextInt(10);
            if (action < 5) {
                int guest = random.nextInt(4);
                int mpn = pool.allocate(guest);
                if (modelFree.isEmpty()) {
                    assertThat(mpn).isEqualTo(FramePool.NO_FRAME);
                } else {
                    assertThat(modelFree.remove(mpn)).as("step %d: MPN %d was not free", step, mpn).isTrue();
                    assertThat(pool.owner(mpn)).isEqualTo(guest);
                    assertThat(pool.token(mpn)).isEqualTo(Tokens.ZERO);
                    pool.setToken(mpn, random.nextLong());
                    privateFrames.add(mpn);
                }
            } else if (action < 8 && !privateFrames.isEmpty()) {
                int mpn = privateFrames.remove(random.nextInt(privateFrames.size()));
                pool.free(mpn);
                modelFree.add(mpn);
            } else if (action == 8 && !privateFrames.isEmpty()) {
                int mpn = privateFrames.remove(random.nextInt(privateFrames.size()));
                pool.markShared(mpn);
                sharedFrames.add(mpn);
            } else if (!sharedFrames.isEmpty()) {
                int mpn = sharedFrames.remove(random.nextInt(sharedFrames.size()));
                pool.freeShared(mpn);
                modelFree.add(mpn);
            }
            if (step % 500 == 0) {
                assertConserved(pool, modelFree.size(), privateFrames.size(), sharedFrames.size());
            }
        }
        assertConserved(pool, modelFree.size(), privateFrames.size(), sharedFrames.size());
    }

    private static void assertConserved(FramePool pool, int free, int priv, int shared) {
        int countFree = 0;
        int countReserved = 0;
        int countShared = 0;
        int countPrivate = 0;
        for (int mpn = 0; mpn < pool.totalFrames(); mpn++) {
            int o = pool.owner(mpn);
            if (o == FramePool.FREE) {
                countFree++;
                assertThat(pool.refcount(mpn)).isZero();
            } else if (o == FramePool.HOST_RESERVED) {
                countReserved++;
            } else if (o == FramePool.SHARED) {
                countShared++;
            } else {
                assertThat(o).isGreaterThanOrEqualTo(0);
                countPrivate++;
            }
        }
        assertThat(countFree).isEqualTo(free).isEqualTo(pool.freeFrames());
        assertThat(countShared).isEqualTo(shared).isEqualTo(pool.sharedFrames());
        assertThat(countPrivate).isEqualTo(priv).isEqualTo(pool.privateFrames());
        assertThat(countReserved).isEqualTo(pool.reservedFrames());
        assertThat(countFree + countPrivate + countShared + countReserved).isEqualTo(pool.totalFrames());
        assertThat(pool.mappedFrames()).isEqualTo(countPrivate + countShared);
    }

    private static int firstWithOwner(FramePool pool, int owner) {
        for (int mpn = 0; mpn < pool.totalFrames(); mpn++) {
            if (pool.owner(mpn) == owner) {
                return mpn;
            }
        }
        throw new AssertionError("no frame with owner " + owner);
    }

    private static List<Integer> handOut(FramePool pool, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pool.allocate(0));
        }
        return out;
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> out = new ArrayList<>(a.length);
        for (int x : a) {
            out.add(x);
        }
        return out;
    }
    @Test
    void onlySharedFramesKeepACount() {
        FramePool pool = new FramePool(64, 8, 3L);
        int priv = pool.allocate(1);
        int shared = pool.allocate(1);
        int reserved = -1;
        int free = -1;
        for (int mpn = 0; mpn < 64; mpn++) {
            if (pool.owner(mpn) == FramePool.HOST_RESERVED) {
                reserved = mpn;
            } else if (pool.owner(mpn) == FramePool.FREE) {
                free = mpn;
            }
        }
        pool.markShared(shared);
        pool.setRefcount(shared, 7);
        assertThat(pool.refcount(shared)).isEqualTo(7);
        assertThat(pool.refcount(priv)).isEqualTo(1);
        assertThat(pool.refcount(free)).isZero();
        assertThat(pool.refcount(reserved)).isZero();
        for (int mpn : new int[] {priv, free, reserved}) {
            assertThatThrownBy(() -> pool.setRefcount(mpn, 2)).isInstanceOf(IllegalStateException.class);
        }
        pool.freeShared(shared);
        assertThat(pool.refcount(shared)).isZero();
        assertThat(pool.allocate(4)).isEqualTo(shared);
        assertThat(pool.refcount(shared)).as("a recycled shared frame is private again, count 1").isEqualTo(1);
        pool.markShared(shared);
        assertThat(pool.refcount(shared)).as("a count starts at 1 again").isEqualTo(1);
    }

    /**
     * Owner, token and back reference share one frame's words: each round-trips whatever the
     * others hold, at the first and last frame and their neighbours, with extreme values (negative
     * owners, the largest guest index and PPN, tokens with the sign bit).
     */
    @Test
    void ownerTokenAndBackReferenceRoundTripAtBoundaryFrames() {
        int total = 4099;
        FramePool pool = new FramePool(total, 0, 5L);
        int[] owners = {0, 1, Integer.MAX_VALUE, 12345};
        int[] ppns = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 77};
        long[] tokens = {Tokens.ZERO, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 1L << 32};
        java.util.Map<Integer, Integer> ownerOf = new java.util.HashMap<>();
        for (int i = 0; i < total; i++) {
            int mpn = pool.allocate(owners[i % owners.length]);
            ownerOf.put(mpn, owners[i % owners.length]);
        }
        for (int mpn : new int[] {0, 1, 2, total / 2, total - 2, total - 1}) {
            int owner = ownerOf.get(mpn);
            for (int ppn : ppns) {
                for (long token : tokens) {
                    pool.setM2p(mpn, ppn);
                    pool.setToken(mpn, token);
                    assertThat(pool.m2p(mpn)).isEqualTo(ppn);
                    assertThat(pool.token(mpn)).isEqualTo(token);
                    assertThat(pool.owner(mpn)).isEqualTo(owner);
                    pool.setToken(mpn, ~token);
                    pool.setM2p(mpn, ~ppn);
                    assertThat(pool.m2p(mpn)).isEqualTo(~ppn);
                    assertThat(pool.token(mpn)).isEqualTo(~token);
                    assertThat(pool.owner(mpn)).isEqualTo(owner);
                }
            }
            // Neighbours untouched.
            for (int n : new int[] {mpn - 1, mpn + 1}) {
                if (n >= 0 && n < total && n != 0 && n != 1 && n != 2 && n != total / 2 && n != total - 2 && n != total - 1) {
                    assertThat(pool.token(n)).isEqualTo(Tokens.ZERO);
                    assertThat(pool.owner(n)).isEqualTo(ownerOf.get(n));
                }
            }
            pool.setM2p(mpn, Integer.MIN_VALUE);
            pool.markShared(mpn);
            assertThat(pool.owner(mpn)).isEqualTo(FramePool.SHARED);
            assertThat(pool.m2p(mpn)).as("the owner's change keeps the back reference").isEqualTo(Integer.MIN_VALUE);
            pool.freeShared(mpn);
            assertThat(pool.owner(mpn)).isEqualTo(FramePool.FREE);
            assertThat(pool.token(mpn)).isEqualTo(Tokens.ZERO);
            int again = pool.allocate(Integer.MAX_VALUE);
            assertThat(again).isEqualTo(mpn);
            assertThat(pool.owner(again)).isEqualTo(Integer.MAX_VALUE);
            assertThat(pool.token(again)).isEqualTo(Tokens.ZERO);
            ownerOf.put(mpn, Integer.MAX_VALUE);
        }
        assertThatThrownBy(() -> new FramePool(FramePool.MAX_FRAMES + 1, 0, 1L)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A frame taken for a PPN comes with its back reference set, whether fresh or given back
     * (with another back reference before), and in the same order as frames taken without one:
     * the PPN changes nothing but the back reference.
     */
    @Test
    void frameTakenForAPpnHasItsBackReferenceAndTheSameOrder() {
        FramePool plain = new FramePool(1000, 10, 9L);
        FramePool forPpn = new FramePool(1000, 10, 9L);
        for (int i = 0; i < 500; i++) {
            int mpn = forPpn.allocate(3, 7 * i);
            assertThat(mpn).isEqualTo(plain.allocate(3));
            assertThat(forPpn.m2p(mpn)).isEqualTo(7 * i);
            assertThat(forPpn.owner(mpn)).isEqualTo(3);
            assertThat(forPpn.token(mpn)).isEqualTo(Tokens.ZERO);
        }
        int mpn = forPpn.allocate(4, 11);
        forPpn.setToken(mpn, 99L);
        forPpn.free(mpn);
        int again = forPpn.allocate(5, Integer.MAX_VALUE);
        assertThat(again).as("a frame given back is taken first").isEqualTo(mpn);
        assertThat(forPpn.m2p(again)).isEqualTo(Integer.MAX_VALUE);
        assertThat(forPpn.owner(again)).isEqualTo(5);
        assertThat(forPpn.token(again)).isEqualTo(Tokens.ZERO);
        assertThat(forPpn.privateFrames()).isEqualTo(plain.privateFrames() + 1);
    }
}
