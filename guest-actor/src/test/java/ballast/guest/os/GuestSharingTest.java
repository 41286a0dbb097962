package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ballast.guest.GuestSettings;
import ballast.guest.ContentModel;
import ballast.guest.ContentSettings;
import ballast.guest.workload.FileImage;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's side of page sharing: duplicate content, file-backed images, remap notices and recovery. */
class GuestSharingTest {
    @TempDir
    Path dir;

    @Test
    void duplicatePagesCopyAnImagePageOfTheSameGuestAndAgreeAcrossGuests() {
        ContentSettings settings = new ContentSettings("linux", 0.5, 0.1, 0.05, List.of());
        ContentModel a = new ContentModel(settings, 1, 10_000);
        ContentModel b = new ContentModel(settings, 2, 10_000);
        Map<Long, Integer> imageTokens = new HashMap<>();
        for (int p = 0; p < 10_000; p++) {
            if (a.isImagePage(p)) {
                imageTokens.put(a.initialToken(p), p);
            }
        }
        int duplicates = 0;
        for (int p = 0; p < 10_000; p++) {
            if (a.isDuplicatePage(p)) {
                duplicates++;
                assertThat(imageTokens).containsKey(a.initialToken(p));
                assertThat(b.initialToken(p)).isEqualTo(a.initialToken(p));
            }
        }
        assertThat(duplicates / 10_000.0).isCloseTo(0.05, within(0.01));
    }

    @Test
    void filesAreChunkedInOrderWithTheLastChunkZeroPadded() throws IOException {
        byte[] a = new byte[4096 * 2 + 100];
        Arrays.fill(a, 0, 4096, (byte) 7);          // chunk 0: sevens
        // chunk 1 stays zero: the zero page
        Arrays.fill(a, 8192, 8292, (byte) 7);       // chunk 2: 100 sevens, then zero padding
        Path fa = Files.write(dir.resolve("a"), a);
        Path fb = Files.write(dir.resolve("b"), Arrays.copyOf(a, 4096)); // one chunk, same as chunk 0
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        long[] tokens = FileImage.tokens(List.of(fa, empty, fb));
        assertThat(tokens).hasSize(4);
        assertThat(tokens[1]).isEqualTo(Tokens.ZERO);
        assertThat(tokens[0]).isNotEqualTo(Tokens.ZERO).isEqualTo(tokens[3]).isNotEqualTo(tokens[2]);
        byte[] padded = new byte[4096];
        Arrays.fill(padded, 0, 100, (byte) 7);
        assertThat(tokens[2]).isEqualTo(FileImage.token(padded));
        assertThat(FileImage.chunks(8292)).isEqualTo(3);
    }

    static GuestSettings fileBacked(TranslationMode mode, List<String> files, WorkloadSettings workload) {
        return new GuestSettings("g", "h", 0, "linux", mode, 64, 1, 9, 0.1,
                new ContentSettings("linux", 0.25, 0.1, 0, files), workload);
    }

    @Test
    void aFileBackedGuestReadsItsFilesIntoTheFirstPpnsAndAnIdleOneTouchesNothingElse() throws IOException {
        byte[] bytes = new byte[4096 * 3];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i / 4096 + 1);
        }
        Path file = Files.write(dir.resolve("img"), bytes);
        long[] tokens = FileImage.tokens(List.of(file));
        GuestOs os = new GuestOs(fileBacked(TranslationMode.FULL, List.of(file.toString()),
                new WorkloadSettings("idle", List.of(Phase.idle(Double.POSITIVE_INFINITY)))));
        os.booted(new int[0]);
        GuestOs.Work first = os.generate(0, 100);
        // MAP page i -> PPN i, then WRITE its chunk's token, for the three chunks
        assertThat(first.ops()).hasSize(6);
        assertThat(first.values()).containsExactly(0, tokens[0], 1, tokens[1], 2, tokens[2]);
        assertThat(Ops.kind(first.ops()[0])).isEqualTo(Ops.MAP);
        os.verify(new TickResult(0, Tokens.EMPTY_DIGEST, 0, List.of()));
        GuestOs.Work second = os.generate(1, 100);
        assertThat(second.ops()).isEmpty();
        os.verify(new TickResult(1, Tokens.EMPTY_DIGEST, 0, List.of()));
        assertThat(os.audit().tokens()).containsExactly(tokens);
    }

    @Test
    void pagesBeyondTheFilesStartZeroed() throws IOException {
        Path file = Files.write(dir.resolve("one"), new byte[] {1, 2, 3});
        GuestOs os = new GuestOs(fileBacked(TranslationMode.NESTED, List.of(file.toString()),
                new WorkloadSettings("uniform", List.of(Phase.uniform(Double.POSITIVE_INFINITY, 16, 2000, 0)))));
        os.booted(new int[0]);
        GuestOs.Work work = os.generate(0, 100);
        Map<Long, Long> firstWrite = new HashMap<>();
        int v = 0;
        for (long op : work.ops()) {
            if (Ops.kind(op) == Ops.MAP) {
                v++;
            } else if (Ops.kind(op) == Ops.WRITE) {
                firstWrite.putIfAbsent(Ops.keyOf(op), work.values()[v++]);
            }
        }
        assertThat(firstWrite).hasSize(16);
        assertThat(firstWrite.get(os.keyOf(0))).isNotEqualTo(Tokens.ZERO);
        for (int page = 1; page < 16; page++) {
            assertThat(firstWrite.get(os.keyOf(page))).isEqualTo(Tokens.ZERO);
        }
    }

    /**
     * A para-virtual guest whose mmu_update named a frame that no longer backs its PPN (refused:
     * FRAME_NOT_OWNED) maps the page again next tick from the p2m the remap notice updated, and
     * rewrites what it expects there.
     */
    @Test
    void aRefusedStaleMmuUpdateIsReissuedFromTheUpdatedP2m() {
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", TranslationMode.PARA, 64, 1, 9, 0.1,
                new ContentSettings("linux", 0.25, 0.1),
                new WorkloadSettings("uniform", List.of(Phase.uniform(Double.POSITIVE_INFINITY, 4, 2000, 0))));
        GuestOs os = new GuestOs(settings);
        int[] p2m = new int[64];
        Arrays.setAll(p2m, i -> 1000 + i);
        os.booted(p2m);
        GuestOs.Work first = os.generate(0, 100);
        MmuUpdate batch = first.mmuUpdates().get(0);
        assertThat(batch.ppns()).containsExactlyInAnyOrder(0, 1, 2, 3);
        // the hypervisor merged PPN 2 away (notice), and refused the batch as stale
        os.remapped(new int[] {2}, new int[] {7});
        os.verify(new TickResult(0, 0, 0, List.of(new Refusal(RefusalReason.FRAME_NOT_OWNED, 0, "stale"))));
        GuestOs.Work second = os.generate(1, 100);
        MmuUpdate again = second.mmuUpdates().get(0);
        assertThat(again.ppns()).containsExactly(batch.ppns());
        for (int i = 0; i < 4; i++) {
            assertThat(again.mpns()[i]).isEqualTo(again.ppns()[i] == 2 ? 7 : 1000 + again.ppns()[i]);
        }
        // each re-mapped page is rewritten with what the guest expects there
        long writes = Arrays.stream(second.ops()).filter(op -> Ops.kind(op) == Ops.WRITE).count();
        assertThat(writes).isGreaterThanOrEqualTo(4);
    }
}
