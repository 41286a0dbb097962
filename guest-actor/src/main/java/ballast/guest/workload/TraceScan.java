package ballast.guest.workload;

import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One streaming pass over a trace file, made when a scenario is read: how many access records it
 * holds, how many distinct pages they touch (the guest's memory must hold them), and what was
 * skipped. Memory grows with the distinct pages only, never with the file.
 *
 * @param records        access records (each one simulated access)
 * @param writes         of which writes
 * @param distinctPages  distinct VPNs touched
 * @param outOfRange     records skipped: beyond the 48-bit address space
 * @param malformed      malformed lines (csv only)
 * @param firstMalformed "FILE:LINE: text" of the first malformed line, or null
 * @param firstOutOfRange "FILE:LINE: text" of the first record beyond the address space, or null
 */
public record TraceScan(long records, long writes, int distinctPages, long outOfRange, long malformed,
                        String firstMalformed, String firstOutOfRange) {

    public static TraceScan of(TraceFormat format, Path path) throws IOException {
        LongOpenHashSet pages = new LongOpenHashSet();
        long records = 0;
        long writes = 0;
        try (TraceReader reader = new TraceReader(format, path)) {
            while (reader.next()) {
                records++;
                if (reader.isWrite()) {
                    writes++;
                }
                pages.add(reader.vpn());
            }
            return new TraceScan(records, writes, pages.size(), reader.outOfRange(), reader.malformed(),
                    reader.firstMalformed(), reader.firstOutOfRange());
        }
    }
}
