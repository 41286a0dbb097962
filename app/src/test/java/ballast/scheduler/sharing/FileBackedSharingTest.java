package ballast.scheduler.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guests booted from real files, no writes: after enough full scans the frames backing the guests
 * are exactly the distinct non-zero chunk contents (plus at most one zero frame), and pagesSharing
 * is the guest pages minus those frames. The expected number is computed here independently: its
 * own chunking of the same files, comparing the chunks' bytes.
 */
class FileBackedSharingTest {
    @TempDir
    Path dir;

    /** A file of {@code chunks} 4 KiB chunks drawn from a small pool of contents (some zero), then {@code tail} bytes. */
    Path file(String name, int chunks, int tail, long seed) throws IOException {
        Random random = new Random(seed);
        byte[][] pool = new byte[12][4096];
        Random poolRandom = new Random(99); // the same pool in every file: contents repeat across files
        for (int i = 1; i < pool.length; i++) {
            poolRandom.nextBytes(pool[i]); // pool[0] stays zero
        }
        ByteBuffer bytes = ByteBuffer.allocate(chunks * 4096 + tail);
        for (int c = 0; c < chunks; c++) {
            int pick = random.nextInt(3);
            if (pick == 0) {
                bytes.put(pool[random.nextInt(pool.length)]);
            } else {
                byte[] unique = new byte[4096];
                random.nextBytes(unique);
                bytes.put(unique);
            }
        }
        byte[] end = new byte[tail];
        random.nextBytes(end);
        bytes.put(end);
        return Files.write(dir.resolve(name), bytes.array());
    }

    /** This test's own chunking: every chunk's bytes (the last zero-padded) as a set of distinct contents. */
    static void chunks(Path file, Set<ByteBuffer> distinct, boolean[] sawZero) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                byte[] chunk = new byte[4096];
                int n = in.readNBytes(chunk, 0, 4096);
                if (n == 0) {
                    break;
                }
                if (Arrays.equals(chunk, new byte[4096])) {
                    sawZero[0] = true;
                } else {
                    distinct.add(ByteBuffer.wrap(chunk));
                }
            }
        }
    }

    @Test
    void framesEndUpAsTheDistinctChunkContents() throws Exception {
        Path a = file("a.bin", 150, 1000, 1);
        Path b = file("b.bin", 90, 0, 2);
        Path c = file("c.bin", 60, 4095, 3);
        String scenario = """
                scenario { duration = 4s, tick = 100ms }
                hosts { h { memory = 64MiB, reserved = 4MiB,
                            sharing { enabled = true, scan-pages-per-second = 100000, per-guest-pages-per-second = 20000 } } }
                guests {
                  f1 { host = h, memory = 2MiB, mode = full,   image { files = ["a.bin", "b.bin"] } }
                  f2 { host = h, memory = 2MiB, mode = full,   image { files = ["a.bin", "b.bin"] } }
                  n1 { host = h, memory = 2MiB, mode = nested, image { files = ["b.bin", "c.bin", "a.bin"] } }
                  n2 { host = h, memory = 1MiB, mode = nested, image { files = ["c.bin"] } }
                  p1 { host = h, memory = 2MiB, mode = para,   image { files = ["c.bin", "a.bin"] }, workload { type = idle } }
                }
                """;
        Path file = Files.writeString(dir.resolve("files.conf"), scenario);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        RunResult result = Simulation.run(s, Simulation.Options.defaults());
        assertThat(result.ok()).as(result.violations() + " " + result.failure()).isTrue();

        Set<ByteBuffer> distinct = new HashSet<>();
        boolean[] sawZero = {false};
        for (Path f : List.of(a, b, c)) {
            chunks(f, distinct, sawZero);
        }
        // the para guest is populated whole at boot: its pages beyond the files are zero pages
        long guestPages = 151 + 90 + 151 + 90 + 90 + 61 + 151 + 61 + 512;
        HostStats host = result.hosts().get(0);
        assertThat(host.fullScans()).isGreaterThanOrEqualTo(3);
        assertThat(host.guestPagesBacked()).isEqualTo(guestPages);
        assertThat(host.framesMapped()).isEqualTo(distinct.size() + 1); // one zero frame: zero chunks and para's free pages
        assertThat(host.pagesSharing()).isEqualTo(guestPages - host.framesMapped());
        assertThat(host.zeroPagesShared()).isGreaterThan(512 - 151 - 61);
        for (GuestStats g : result.guests()) {
            assertThat(g.readMismatches()).isZero();
            assertThat(g.cowBreaks()).isZero();
        }
    }
}
