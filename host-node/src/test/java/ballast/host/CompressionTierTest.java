package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.TranslationMode;
import ballast.guest.workload.FileImage;
import ballast.host.compression.CompressionCache;
import ballast.host.compression.CompressionFlavour;
import ballast.host.compression.CompressionSettings;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import ballast.host.migration.GuestTransfer;
import ballast.host.translation.GuestMemory;
import ballast.host.translation.GuestPaging;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compression tier through the hypervisor's core: the reclaim order, the cache limits, read-back, LZ4 sizes, migration. */
class CompressionTierTest {

    /** The tier with every private page compressing to {@code privateBytes} and a threshold of {@code threshold}. */
    static CompressionSettings tier(CompressionFlavour flavour, int threshold, double cache, int privateBytes, List<String> files) {
        return new CompressionSettings(true, threshold, cache, flavour, 1200, 3000, privateBytes, privateBytes,
                59_400, 13_800, files, List.of());
    }

    static HypervisorCore core(int frames, boolean sharing, CompressionSettings tier, GuestSpec... guests) {
        return new HypervisorCore(ReclaimHosts.host(frames, 8, ReclaimHosts.quiet(), sharing, guests).withCompression(tier));
    }

    static GuestSpec full(int index, int pages) {
        return ReclaimHosts.guest(index, TranslationMode.FULL, pages);
    }

    @Test
    void aVictimThatCompressesWithinTheThresholdIsCompressedAndALargerOneSwapped() {
        // private pages compress to 2048 bytes; the zero page to a few bytes
        HypervisorCore small = core(256, false, tier(CompressionFlavour.ESX, 2048, 0.5, 2048, List.of()), full(0, 64));
        ModelGuest g = new ModelGuest(small, 0);
        g.touch(0, 8, true).play();
        GuestPaging paging = g.memory().paging();
        assertThat(paging.swapOutPage(0, false)).isEqualTo(GuestPaging.COMPRESSED);
        HypervisorCore large = core(256, false, tier(CompressionFlavour.ESX, 2047, 0.5, 2048, List.of()), full(0, 64));
        ModelGuest h = new ModelGuest(large, 0);
        h.touch(0, 8, true).play();
        assertThat(h.memory().paging().swapOutPage(0, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        assertThat(large.compression().tooLarge(0)).isEqualTo(1);
        assertThat(large.compression().compressedPages(0)).isZero();
        assertThat(h.memory().paging().hostSwapOuts()).isEqualTo(1);
        assertThat(paging.hostSwapOuts()).as("a compressed victim is no swap-out").isZero();
        assertThat(small.compression().compressedBytes(0)).isEqualTo(2048);
        assertThat(small.checkInvariants()).isEmpty();
        assertThat(large.checkInvariants()).isEmpty();
    }

    @Test
    void theBalloonComesBeforeCompressionAndAGuestWhoseBalloonIsStuckIsCompressedNotSwapped() {
        // ReclaimerTest's soft state: a's balloon progresses, b has no balloon driver
        HypervisorCore core = new HypervisorCore(ReclaimHosts.host(ReclaimerTest.FRAMES, 0, ReclaimerTest.settings(100, 1000), false,
                new GuestSpec(0, "a", TranslationMode.FULL, ReclaimerTest.PAGES, 1),
                new GuestSpec(1, "b", TranslationMode.NESTED, ReclaimerTest.PAGES, 1))
                .withCompression(tier(CompressionFlavour.ESX, 4096, 0.5, 2048, List.of())));
        ModelGuest[] g = ReclaimerTest.fill(core, 475, 490);
        assertThat(ReclaimerTest.state(core)).isEqualTo("soft");
        int stuckTicks = (int) Math.round(ballast.host.reclaim.Reclamation.BALLOON_PATIENCE_SECONDS / 0.1);
        int next = 475;
        int firstCompression = -1;
        for (int tick = 1; tick <= 40; tick++) {
            g[0].inflate(tick - 1).write(next++);
            g[0].play();
            g[1].touch(0, 10, false).play();
            core.endTick();
            assertThat(core.compression().compressions(0)).as("a's balloon progresses: nothing of a's is compressed").isZero();
            assertThat(g[0].memory().paging().hostSwapOuts()).isZero();
            if (firstCompression < 0 && core.compression().compressions(1) > 0) {
                firstCompression = tick;
            }
            assertThat(core.checkInvariants()).isEmpty();
        }
        assertThat(firstCompression).isEqualTo(stuckTicks);
        assertThat(g[1].memory().paging().hostSwapOuts()).as("every victim of b compressed within the threshold").isZero();
        // b's backed pages and its cache's frames together come down to its target
        assertThat(g[1].memory().pmap().backedPages() + core.compression().chargedPages(1)).isEqualTo(core.targetPages(1));
        assertThat(g[0].audit()).isZero();
        assertThat(g[1].audit()).isZero();
    }

    @Test
    void aVictimWhoseContentIsSharedAlreadyJoinsTheSharedFrameBeforeItIsCompressed() {
        HypervisorCore c = core(256, true, tier(CompressionFlavour.ESX, 4096, 0.5, 1000, List.of()), full(0, 64), full(1, 64));
        ModelGuest a = new ModelGuest(c, 0);
        ModelGuest b = new ModelGuest(c, 1);
        a.write(0, RandomizedReclaimSequenceTest.COMMON).play();
        b.write(0, RandomizedReclaimSequenceTest.COMMON).play();
        RandomizedReclaimSequenceTest.mergeCommonPages(c);
        a.write(5, RandomizedReclaimSequenceTest.COMMON);
        a.write(6);
        a.play();
        assertThat(a.memory().paging().swapOutPage(5, true)).isEqualTo(GuestPaging.SHARED_INSTEAD);
        assertThat(a.memory().paging().swapOutPage(6, true)).isEqualTo(GuestPaging.COMPRESSED);
        assertThat(c.compression().compressions(0)).isEqualTo(1);
        assertThat(c.checkInvariants()).isEmpty();
        assertThat(a.audit()).isZero();
    }

    @Test
    void aGuestsCacheNeverExceedsItsShareOfItsMemoryAndItsOldestPagesAreWrittenBackFirst() {
        // 10% of 100 pages: 10 pages, 40,960 bytes: twenty pages of 2048 bytes
        HypervisorCore c = core(400, false, tier(CompressionFlavour.ESX, 2048, 0.10, 2048, List.of()), full(0, 100));
        ModelGuest g = new ModelGuest(c, 0);
        g.touch(0, 30, true).play();
        CompressionCache cache = c.compression();
        for (int ppn = 0; ppn < 30; ppn++) {
            assertThat(g.memory().paging().swapOutPage(ppn, false)).isEqualTo(GuestPaging.COMPRESSED);
            assertThat(cache.compressedBytes(0)).isLessThanOrEqualTo(cache.limitBytes(0));
            assertThat(c.checkInvariants()).isEmpty();
        }
        assertThat(cache.limitBytes(0)).isEqualTo(40_960);
        assertThat(cache.writeBacks(0)).isEqualTo(10);
        assertThat(cache.compressedPpns(0)).containsExactly(java.util.stream.IntStream.range(10, 30).toArray());
        for (int ppn = 0; ppn < 10; ppn++) {
            assertThat(g.memory().pmap().state(ppn)).isEqualTo(Pmap.SWAPPED);
            assertThat(c.swap().slot(0, ppn)).isNotEqualTo(HostSwap.NO_SLOT);
        }
        assertThat(c.frames().cacheFrames()).isEqualTo(10);
        g.touch(0, 30, false).play(); // every page reads back what was written, compressed or written back
        assertThat(cache.decompressions(0)).isEqualTo(20);
        assertThat(g.memory().counters().hostSwapIns()).isEqualTo(10);
        assertThat(c.frames().cacheFrames()).isZero();
        assertThat(c.checkInvariants()).isEmpty();
    }

    @Test
    void zswapsPoolWritesBackTheHostsOldestPageOfAnyGuestWhereEsxKeepsEachGuestsCacheApart() {
        for (CompressionFlavour flavour : CompressionFlavour.values()) {
            // zswap: 5% of 400 frames = 20 pages = 40 compressed pages for the host; esx: 10 pages per guest of 200 (20 each)
            double cache = 0.05;
            HypervisorCore c = core(400, false, tier(flavour, 2048, cache, 2048, List.of()), full(0, 200), full(1, 200));
            ModelGuest a = new ModelGuest(c, 0);
            ModelGuest b = new ModelGuest(c, 1);
            a.touch(0, 30, true).play();
            b.touch(0, 30, true).play();
            for (int ppn = 0; ppn < 20; ppn++) {
                a.memory().paging().swapOutPage(ppn, false);
            }
            for (int ppn = 0; ppn < 20; ppn++) {
                b.memory().paging().swapOutPage(ppn, false);
            }
            CompressionCache z = c.compression();
            if (flavour == CompressionFlavour.ZSWAP) {
                assertThat(z.limitBytes(0)).isEqualTo(20L * 4096);
                assertThat(z.writeBacks(0)).as("40 pages fit: nothing written back yet").isZero();
                // five more of b's push out a's five oldest, the host's oldest
                for (int ppn = 20; ppn < 25; ppn++) {
                    b.memory().paging().swapOutPage(ppn, false);
                }
                assertThat(z.writeBacks(0)).isEqualTo(5);
                assertThat(z.writeBacks(1)).isZero();
                assertThat(z.compressedPpns(0)).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
            } else {
                assertThat(z.limitBytes(0)).isEqualTo(10L * 4096);
                for (int ppn = 20; ppn < 25; ppn++) {
                    b.memory().paging().swapOutPage(ppn, false);
                }
                assertThat(z.writeBacks(0)).as("b's cache is its own").isZero();
                assertThat(z.writeBacks(1)).isEqualTo(5);
                assertThat(z.compressedPages(0)).isEqualTo(20);
            }
            assertThat(c.checkInvariants()).isEmpty();
            assertThat(a.audit()).isZero();
            assertThat(b.audit()).isZero();
        }
    }

    @Test
    void aCompressedPageReadsBackExactlyWithoutWaitingForTheSwapDevice() {
        // the same guest and page on a host with the tier and one without
        HypervisorCore c = core(256, false, tier(CompressionFlavour.ESX, 2048, 0.5, 2048, List.of()), full(0, 64));
        HypervisorCore plain = new HypervisorCore(ReclaimHosts.host(256, 8, ReclaimHosts.quiet(), false, full(0, 64)));
        ModelGuest a = new ModelGuest(c, 0);
        ModelGuest p = new ModelGuest(plain, 0);
        a.touch(0, 4, true).play();
        p.touch(0, 4, true).play();
        c.endTick();
        plain.endTick();
        assertThat(a.memory().paging().swapOutPage(2, false)).isEqualTo(GuestPaging.COMPRESSED);
        assertThat(p.memory().paging().swapOutPage(2, false)).isEqualTo(GuestPaging.SWAPPED_OUT);
        for (int t = 0; t < 3; t++) {
            a.read(2).play();
            p.read(2).play();
            c.endTick();
            plain.endTick();
        }
        assertThat(c.compression().decompressions(0)).isEqualTo(1);
        assertThat(a.memory().counters().hostSwapIns()).isZero();
        assertThat(p.memory().counters().hostSwapIns()).isEqualTo(1);
        assertThat(c.guestStats(0, null).time().hostSwapWaitSeconds()).isZero();
        assertThat(plain.guestStats(0, null).time().hostSwapWaitSeconds()).isPositive();
        assertThat(c.guestStats(0, null).time().overheadSeconds())
                .as("decompressing costs the vCPU that touched the page")
                .isGreaterThan(plain.guestStats(0, null).time().overheadSeconds());
        assertThat(c.guestStats(0, null).compression().decompressions()).isEqualTo(1);
        assertThat(a.audit()).isZero();
        assertThat(c.checkInvariants()).isEmpty();
    }

    /** Chunks of varied compressibility: text, random bytes, sparse data and a short tail. */
    static List<Path> files(Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        SplittableRandom r = new SplittableRandom(7);
        String[] words = {"page", "frame", "balloon", "swap", "share", "guest", "host", "compress", "tier", "\n"};
        while (text.length() < 5 * 4096) {
            text.append(words[r.nextInt(words.length)]).append(' ');
        }
        byte[] random = new byte[3 * 4096];
        for (int i = 0; i < random.length; i++) {
            random[i] = (byte) r.nextInt(256);
        }
        byte[] sparse = new byte[4 * 4096 + 100];
        for (int i = 0; i < sparse.length; i += 1 + r.nextInt(64)) {
            sparse[i] = (byte) r.nextInt(256);
        }
        Path a = Files.writeString(dir.resolve("words.txt"), text, StandardCharsets.UTF_8);
        Path b = Files.write(dir.resolve("random.bin"), random);
        Path c = Files.write(dir.resolve("sparse.bin"), sparse);
        return List.of(a, b, c);
    }

    /** Each 4 KiB chunk of {@code files} (the last of each zero-padded), in order. */
    static List<byte[]> chunks(List<Path> files) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (Path f : files) {
            byte[] all = Files.readAllBytes(f);
            for (int off = 0; off < all.length; off += 4096) {
                out.add(Arrays.copyOfRange(all, off, off + 4096));
            }
        }
        return out;
    }

    @Test
    void aFileBackedGuestsCompressedSizesAreWhatLz4GivesTheSameBytes(@TempDir Path dir) throws IOException {
        List<Path> files = files(dir);
        List<byte[]> chunks = chunks(files);
        List<String> names = files.stream().map(Path::toString).toList();
        HypervisorCore c = core(512, false, tier(CompressionFlavour.ESX, 4096, 1.0, 2048, names), full(0, 64));
        ModelGuest g = new ModelGuest(c, 0);
        for (int i = 0; i < chunks.size(); i++) {
            g.write(i, FileImage.token(chunks.get(i)));
        }
        g.play();
        // the simulator uses lz4-java's pure-Java compressor (the same bytes on every machine); the JNI
        // binding of LZ4's C library may place matches differently and differ by a few bytes
        LZ4Compressor lz4 = LZ4Factory.fastestJavaInstance().fastCompressor();
        LZ4Compressor c99 = LZ4Factory.fastestInstance().fastCompressor();
        int compressed = 0;
        int rejected = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int expected = lz4.compress(chunks.get(i)).length;
            assertThat(Math.abs(c99.compress(chunks.get(i)).length - expected)).as("chunk %d", i).isLessThanOrEqualTo(32);
            int outcome = g.memory().paging().swapOutPage(i, false);
            if (expected <= 4096) {
                assertThat(outcome).as("chunk %d", i).isEqualTo(GuestPaging.COMPRESSED);
                assertThat(c.compression().compressedSize(0, i)).as("chunk %d", i).isEqualTo(expected);
                compressed++;
            } else {
                assertThat(outcome).as("chunk %d", i).isEqualTo(GuestPaging.SWAPPED_OUT);
                rejected++;
            }
        }
        assertThat(compressed).isGreaterThanOrEqualTo(9);
        assertThat(rejected).as("random bytes do not compress").isEqualTo(3);
        assertThat(c.compression().sizes().fileChunks()).isEqualTo(chunks.size());
        g.touch(0, chunks.size(), false).play();
        assertThat(g.audit()).isZero();
        assertThat(c.checkInvariants()).isEmpty();
    }

    @Test
    void theInvariantsReportACacheFrameThatWentBackBehindTheCachesBack() {
        HypervisorCore c = core(256, false, tier(CompressionFlavour.ESX, 2048, 0.5, 2048, List.of()), full(0, 64));
        ModelGuest g = new ModelGuest(c, 0);
        g.touch(0, 4, true).play();
        g.memory().paging().swapOutPage(0, false);
        assertThat(c.checkInvariants()).isEmpty();
        int mpn = java.util.stream.IntStream.range(0, 256).filter(m -> c.frames().owner(m) == FramePool.COMPRESSION_CACHE)
                .findFirst().orElseThrow();
        c.frames().freeCache(mpn);
        assertThat(c.checkInvariants()).anyMatch(v -> v.contains("compression: the cache holds 1 frames"));
    }

    @Test
    void aFreePageReportOfCompressedPagesEmptiesTheirCacheEntries() {
        HypervisorCore c = core(512, false, tier(CompressionFlavour.ESX, 2048, 0.5, 2048, List.of()), full(0, 64));
        ModelGuest g = new ModelGuest(c, 0);
        g.touch(0, 48, true).play();
        for (int ppn = 8; ppn < 16; ppn++) {
            assertThat(g.memory().paging().swapOutPage(ppn, false)).isEqualTo(GuestPaging.COMPRESSED);
        }
        assertThat(c.compression().compressedPages(0)).isEqualTo(8);
        assertThat(g.report(3, 8).play().refusedReports()).isZero();
        assertThat(c.compression().compressedPages(0)).as("reported pages leave the cache").isZero();
        assertThat(c.compression().totalPages()).isZero();
        assertThat(c.swap().used()).isZero();
        assertThat(c.checkInvariants()).isEmpty();
        assertThat(g.audit()).isZero();
    }

    @Test
    void aGuestWithCompressedPagesMigratesWithEveryPageAndTheSourceCacheEmpties() {
        CompressionSettings t = tier(CompressionFlavour.ESX, 2048, 0.5, 2048, List.of());
        HypervisorCore source = core(512, false, t, full(0, 64));
        HypervisorCore dest = core(512, false, t, full(0, 32));
        new ModelGuest(dest, 0).touch(0, 32, true).play();
        ModelGuest g = new ModelGuest(source, 0);
        g.touch(0, 48, true).play();
        for (int ppn = 10; ppn < 20; ppn++) {
            assertThat(g.memory().paging().swapOutPage(ppn, false)).isEqualTo(GuestPaging.COMPRESSED);
        }
        GuestTransfer.track(source, 0);
        int index = GuestTransfer.admit(dest, full(1, 64));
        GuestTransferTest.round(source, 0, dest, index, true);
        GuestTransfer.PageTables tables = GuestTransfer.tables(source, 0);
        var averages = GuestTransfer.workingSet(source, 0);
        GuestTransfer.depart(source, 0);
        GuestTransfer.install(dest, index, tables.keys(), tables.ppns(), averages);
        assertThat(source.compression().totalPages()).isZero();
        assertThat(source.frames().cacheFrames()).isZero();
        assertThat(source.checkInvariants()).isEmpty();
        GuestMemory arrived = dest.guest(index);
        assertThat(arrived.pmap().swappedPages()).isZero();
        ModelGuest there = new ModelGuest(g, dest, index);
        assertThat(there.audit()).isZero();
        there.touch(0, 64, false).play();
        assertThat(dest.checkInvariants()).isEmpty();
    }
}
