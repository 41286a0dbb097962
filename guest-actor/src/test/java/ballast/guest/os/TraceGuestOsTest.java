package ballast.guest.os;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.ContentSettings;
import ballast.guest.GuestSettings;
import ballast.guest.workload.TraceFormat;
import ballast.guest.workload.TraceScan;
import ballast.guest.workload.TraceSpec;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.Ops;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest OS replaying traces: real VPNs, one process per trace, every read predicted. */
class TraceGuestOsTest {

    @Test
    void replaysEachTraceAsItsOwnProcessAtItsRealVpns(@TempDir Path dir) throws Exception {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            a.append(0x7f0000 + (i * 37) % 50).append(i % 3 == 0 ? ",w\n" : ",r\n");
            b.append(0x400 + i % 20).append(i % 5 == 0 ? ",w\n" : ",r\n");
        }
        Path fa = Files.writeString(dir.resolve("a.csv"), a);
        Path fb = Files.writeString(dir.resolve("b.csv"), b);
        TraceScan sa = TraceScan.of(TraceFormat.CSV, fa);
        TraceScan sb = TraceScan.of(TraceFormat.CSV, fb);
        WorkloadSettings workload = WorkloadSettings.trace(List.of(
                new TraceSpec(TraceFormat.CSV, fa, 1000, false, sa.records(), sa.distinctPages()),
                new TraceSpec(TraceFormat.CSV, fb, 500, false, sb.records(), sb.distinctPages())));
        assertThat(workload.maxWorkingSetPages()).isEqualTo(70);
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", TranslationMode.FULL, 4096, 2, 5, 0.1,
                new ContentSettings("linux", 0.25, 0.1), workload);
        GuestOs os = new GuestOs(settings);
        os.booted(new int[0]);
        Map<Long, Long> memory = new HashMap<>();
        Map<Long, Integer> pageTable = new HashMap<>();
        Set<Long> keys = new HashSet<>();
        for (long tick = 0; tick < 10; tick++) {
            GuestOs.Work work = os.generate(tick, 1000);
            for (long op : work.ops()) {
                if (Ops.kind(op) == Ops.READ || Ops.kind(op) == Ops.WRITE) {
                    keys.add(Ops.keyOf(op));
                }
            }
            long digest = GuestOsTest.replay(work, memory, pageTable);
            int reads = (int) java.util.Arrays.stream(work.ops()).filter(op -> Ops.kind(op) == Ops.READ).count();
            assertThat(os.verify(new TickResult(tick, digest, reads, List.of()))).isTrue();
        }
        // 0.1 s ticks: 100 records of a and 50 of b per tick; both traces are done after 6 ticks.
        assertThat(os.counters().pagesTouched()).isEqualTo(70);
        assertThat(os.counters().accesses()).isEqualTo(600); // one per record
        assertThat(os.counters().pageFills()).isEqualTo(70); // the OS filling each new page, counted apart
        assertThat(os.counters().readMismatches()).isZero();
        Set<Long> expectedKeys = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            expectedKeys.add(Ops.key(0, 0x7f0000 + i));
        }
        for (int i = 0; i < 20; i++) {
            expectedKeys.add(Ops.key(1, 0x400 + i));
        }
        assertThat(keys).isEqualTo(expectedKeys);
        assertThat(pageTable.keySet()).isEqualTo(expectedKeys);
        os.close();
    }

    @Test
    void aTraceTouchingMorePagesThanScannedGrowsItsPageTableKeepingEveryPagesPpnAndStamp(@TempDir Path dir)
            throws Exception {
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            a.append(0x7f0000 + (i * 37) % 70).append(i % 3 == 0 ? ",w\n" : ",r\n");
        }
        Path fa = Files.writeString(dir.resolve("a.csv"), a);
        TraceScan sa = TraceScan.of(TraceFormat.CSV, fa);
        assertThat(sa.distinctPages()).isEqualTo(70);
        // the scenario was read when the trace touched only 3 pages: the table grows as the replay meets the rest
        WorkloadSettings workload = WorkloadSettings.trace(List.of(
                new TraceSpec(TraceFormat.CSV, fa, 200, false, sa.records(), 3)));
        GuestSettings settings = new GuestSettings("g", "h", 0, "linux", TranslationMode.FULL, 4096, 1, 5, 0.1,
                new ContentSettings("linux", 0.25, 0.1), workload);
        GuestOs os = new GuestOs(settings);
        os.booted(new int[0]);
        assertThat(os.pages().size()).isEqualTo(3);
        Map<Long, Long> memory = new HashMap<>();
        Map<Long, Integer> pageTable = new HashMap<>();
        int[] ppnBefore = new int[0];
        Set<Integer> sizes = new HashSet<>();
        // 0.1 s ticks: 20 records a tick, 20 new pages in each of the first three ticks (37 is prime to 70)
        for (long tick = 0; tick < 30; tick++) {
            GuestOs.Work work = os.generate(tick, 1000);
            long digest = GuestOsTest.replay(work, memory, pageTable);
            int reads = (int) java.util.Arrays.stream(work.ops()).filter(op -> Ops.kind(op) == Ops.READ).count();
            assertThat(os.verify(new TickResult(tick, digest, reads, List.of()))).isTrue();
            PageTable pages = os.pages();
            sizes.add(pages.size());
            for (int page = 0; page < ppnBefore.length; page++) {
                if (ppnBefore[page] >= 0) {
                    assertThat(pages.ppnOf(page)).as("tick %d, page %d", tick, page).isEqualTo(ppnBefore[page]);
                }
            }
            ppnBefore = pages.ppnOfPageCopy();
        }
        PageTable pages = os.pages();
        assertThat(sizes).hasSizeGreaterThan(1); // it grew after the first tick too
        assertThat(pages.size()).isGreaterThanOrEqualTo(70);
        assertThat(os.counters().pagesTouched()).isEqualTo(70);
        assertThat(os.counters().accesses()).isEqualTo(600);
        assertThat(os.counters().readMismatches()).isZero();
        Set<Integer> ppns = new HashSet<>();
        for (int page = 0; page < 70; page++) {
            assertThat(pages.ppnOf(page)).as("page %d", page).isNotNegative();
            assertThat(pages.lastAccess(page)).as("page %d", page).isBetween(0, 29);
            ppns.add(pages.ppnOf(page));
        }
        assertThat(ppns).hasSize(70);
        for (int page = 70; page < pages.size(); page++) {
            assertThat(pages.ppnOf(page)).isEqualTo(PageTable.UNTOUCHED);
            assertThat(pages.lastAccess(page)).isEqualTo(PageTable.NEVER);
        }
        // the last tick's 20 records (580 .. 599) stamped 20 distinct pages with tick 29
        assertThat(pages.accessedBetween(29, 30)).isEqualTo(20);
        os.close();
    }
}
