package ballast.guest.workload;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Ops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tick-driven replay: as many records per tick as the rate says, dense page indices, end or loop. */
class TraceWorkloadTest {

    static TraceSpec spec(Path file, double rate, boolean loop) throws Exception {
        TraceScan scan = TraceScan.of(TraceFormat.CSV, file);
        return new TraceSpec(TraceFormat.CSV, file, rate, loop, scan.records(), scan.distinctPages());
    }

    @Test
    void readsOnlyWhatATickHoldsAndNumbersPagesInFirstSeenOrder(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "100,w\n200,r\n100,r\n300,w\n");
        Path b = Files.writeString(dir.resolve("b.csv"), "100,r\n");
        try (TraceWorkload w = new TraceWorkload(List.of(spec(a, 15, false), spec(b, 10, false)))) {
            // 15 per second over 0.1 s: 1.5 -> 1, then 2 (carry), ...
            assertThat(w.beginTick(0, 0.1)).isEqualTo(1);
            assertThat(w.next(0)).isTrue();
            assertThat(w.page()).isZero();
            assertThat(w.key()).isEqualTo(Ops.key(0, 100));
            assertThat(w.isWrite()).isTrue();
            assertThat(w.beginTick(0, 0.1)).isEqualTo(2);
            assertThat(w.next(0)).isTrue();
            assertThat(w.page()).isEqualTo(1);
            assertThat(w.next(0)).isTrue();
            assertThat(w.page()).isZero(); // VPN 100 again: the same page
            assertThat(w.isWrite()).isFalse();
            // The same VPN in another process is another page.
            assertThat(w.beginTick(1, 0.1)).isEqualTo(1);
            assertThat(w.next(1)).isTrue();
            assertThat(w.page()).isEqualTo(2);
            assertThat(w.keyOf(2)).isEqualTo(Ops.key(1, 100));
            assertThat(w.next(1)).isFalse();
            assertThat(w.beginTick(1, 0.1)).isZero(); // ended: idle from now on
            assertThat(w.next(0)).isTrue();
            assertThat(w.keyOf(w.page())).isEqualTo(Ops.key(0, 300));
            assertThat(w.next(0)).isFalse();
            assertThat(w.allEnded()).isTrue();
            assertThat(w.pagesSeen()).isEqualTo(4);
        }
    }

    @Test
    void aLoopingTraceStartsAgainWithTheSamePages(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "7,w\n8,r\n");
        try (TraceWorkload w = new TraceWorkload(List.of(spec(a, 1000, true)))) {
            int[] pages = new int[6];
            for (int i = 0; i < pages.length; i++) {
                assertThat(w.next(0)).isTrue();
                pages[i] = w.page();
            }
            assertThat(pages).containsExactly(0, 1, 0, 1, 0, 1);
            assertThat(w.pagesSeen()).isEqualTo(2);
            assertThat(w.allEnded()).isFalse();
        }
    }

    @Test
    void aTraceThatCannotBeReadAnyMoreEndsThereAndSaysWhy(@TempDir Path dir) throws Exception {
        Path gz = dir.resolve("t.csv.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("1,w\n2,r\n".repeat(20_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        TraceSpec spec = spec(gz, 1000, false);
        // Damage the file after it was scanned: cut it in the middle of its compressed stream.
        byte[] bytes = Files.readAllBytes(gz);
        Files.write(gz, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        try (TraceWorkload w = new TraceWorkload(List.of(spec))) {
            long read = 0;
            while (w.next(0)) {
                read++;
            }
            assertThat(read).isLessThan(40_000);
            assertThat(w.allEnded()).isTrue();
            assertThat(w.takeError()).contains("t.csv.gz ended early, at line ").contains("EOF");
            assertThat(w.takeError()).isNull();
        }
    }

    @Test
    void aTraceRemovedAfterTheScenarioWasReadLeavesItsProcessIdle(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "1,w\n");
        TraceSpec spec = spec(a, 10, false);
        Files.delete(a);
        try (TraceWorkload w = new TraceWorkload(List.of(spec))) {
            assertThat(w.beginTick(0, 1.0)).isZero();
            assertThat(w.next(0)).isFalse();
            assertThat(w.takeError()).contains("a.csv cannot be opened any more");
        }
    }
}
