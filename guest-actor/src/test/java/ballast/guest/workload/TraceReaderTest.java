package ballast.guest.workload;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Ops;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of lackey and csv traces, streamed. */
class TraceReaderTest {

    record Access(long vpn, boolean write) {
    }

    static List<Access> readAll(TraceFormat format, Path file) throws Exception {
        List<Access> out = new ArrayList<>();
        try (TraceReader r = new TraceReader(format, file)) {
            while (r.next()) {
                out.add(new Access(r.vpn(), r.isWrite()));
            }
        }
        return out;
    }

    @Test
    void lackeyRecordsAreAccessesToThePageOfTheirFirstByte(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.lackey");
        Files.writeString(f, String.join("\n",
                "==1234== Lackey, an example Valgrind tool",
                "==1234== Command: ./walk",
                "I  04010a0c,3",
                " L 1ffefffd48,8",
                " S 04e3a2b8,8",
                " M 0421c7f0,4",
                "I  00000fff,1",
                "garbage line",
                " X 04010a0c,3",
                " L zz,8",
                " L 04010a0c",
                "I  ffffffffff600000,4",     // the vsyscall page: beyond 48 bits, skipped
                "==1234== ",
                " S 7ff000398,8\r",
                ""));
        assertThat(readAll(TraceFormat.LACKEY, f)).containsExactly(
                new Access(0x04010L, false), new Access(0x1ffefffL, false), new Access(0x04e3aL, true),
                new Access(0x0421cL, true), new Access(0x0L, false), new Access(0x7ff000L, true));
        try (TraceReader r = new TraceReader(TraceFormat.LACKEY, f)) {
            while (r.next()) {
                assertThat(r.vpn()).isLessThanOrEqualTo(Ops.VPN_MASK);
            }
            assertThat(r.outOfRange()).isEqualTo(1);
            assertThat(r.malformed()).isZero();
        }
    }

    @Test
    void csvTakesDecimalOrHexVpnsAndSkipsHeaderCommentsAndBlanks(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "# a comment\nvpn,access\n\n4096,w\n0x1001,r\n  17 , R \n18,W\r\n");
        assertThat(readAll(TraceFormat.CSV, f)).containsExactly(new Access(4096, true), new Access(0x1001, false),
                new Access(17, false), new Access(18, true));
    }

    @Test
    void malformedCsvLinesAreCountedWithTheFirstOneLocated(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "1,r\n2,x\n3\n-4,w\n5,w\n");
        TraceScan scan = TraceScan.of(TraceFormat.CSV, f);
        assertThat(scan.records()).isEqualTo(2);
        assertThat(scan.malformed()).isEqualTo(3);
        assertThat(scan.firstMalformed()).isEqualTo(f + ":2: 2,x");
    }

    @Test
    void gzipTracesAreReadThroughAndRewindStartsAgain(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.lackey.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("I  00001000,4\n S 00002000,8\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(readAll(TraceFormat.LACKEY, f)).containsExactly(new Access(1, false), new Access(2, true));
        try (TraceReader r = new TraceReader(TraceFormat.LACKEY, f)) {
            assertThat(r.next()).isTrue();
            assertThat(r.next()).isTrue();
            assertThat(r.next()).isFalse();
            r.rewind();
            assertThat(r.next()).isTrue();
            assertThat(r.vpn()).isEqualTo(1);
            assertThat(r.lineNumber()).isEqualTo(1);
        }
    }

    @Test
    void overlongLinesAreSkippedAndDoNotDisturbTheNextOnes(@TempDir Path dir) throws Exception {
        String junk = "x".repeat(10_000);
        Path lackey = Files.writeString(dir.resolve("t.lackey"), " L " + junk + ",8\n S 00002000,8\n");
        assertThat(readAll(TraceFormat.LACKEY, lackey)).containsExactly(new Access(2, true));
        Path csv = Files.writeString(dir.resolve("t.csv"), "1".repeat(10_000) + ",r\n7,w\n");
        TraceScan scan = TraceScan.of(TraceFormat.CSV, csv);
        assertThat(scan.records()).isEqualTo(1);
        assertThat(scan.malformed()).isEqualTo(1);
    }

    @Test
    void scanCountsRecordsWritesAndDistinctPages(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.lackey");
        Files.writeString(f, "I  00001000,4\n L 00001ff8,8\n S 00002000,8\n M 00003004,4\n==1== x\n");
        TraceScan scan = TraceScan.of(TraceFormat.LACKEY, f);
        assertThat(scan.records()).isEqualTo(4);
        assertThat(scan.writes()).isEqualTo(2);
        assertThat(scan.distinctPages()).isEqualTo(3);
    }
}
