package ballast.guest.workload;

import ballast.abi.Ops;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Streams the access records of a trace file, one at a time, never holding more than its read
 * buffer: traces of hundreds of MB replay in constant memory. Parses bytes directly (no String
 * per line). A record whose page lies beyond the simulated 48-bit address space (e.g. the
 * kernel's vsyscall page) is skipped and counted (a scenario whose trace holds one is refused when
 * it is read, see {@link TraceScan}). Owned by one guest, not thread-safe.
 */
public final class TraceReader implements Closeable {
    private static final int BUFFER = 1 << 16;
    private static final int MAX_LINE = 4096;

    private final TraceFormat format;
    private final Path path;
    private InputStream in;
    /** Bytes read from the file and not yet consumed: buffer[position .. limit). */
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private long lineNumber;
    private boolean lineTooLong;

    private long vpn;
    private boolean write;
    private long outOfRange;
    /** "FILE:LINE: text" of the first record beyond the address space, or null. */
    private String firstOutOfRange;
    /** Line number and text of the first malformed line of a csv trace, or 0. */
    private long firstMalformedLine;
    private String firstMalformedText;
    private long malformed;

    public TraceReader(TraceFormat format, Path path) throws IOException {
        this.format = format;
        this.path = path;
        this.in = open(path);
    }

    private static InputStream open(Path path) throws IOException {
        InputStream raw = Files.newInputStream(path);
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".gz")) {
            return new GZIPInputStream(new BufferedInputStream(raw, BUFFER), BUFFER);
        }
        return raw;
    }

    /** Reads up to the next access record; false at the end of the file. */
    public boolean next() throws IOException {
        while (readLine()) {
            if (format == TraceFormat.LACKEY ? parseLackey() : parseCsv()) {
                if (vpn > Ops.MAX_VPN) {
                    if (outOfRange++ == 0) {
                        firstOutOfRange = path + ":" + lineNumber + ": "
                                + new String(line, 0, Math.min(lineLength, 80), java.nio.charset.StandardCharsets.UTF_8);
                    }
                    continue;
                }
                return true;
            }
        }
        return false;
    }

    /** The VPN of the record read last. */
    public long vpn() {
        return vpn;
    }

    /** Whether the record read last writes. */
    public boolean isWrite() {
        return write;
    }

    /** The line number of the record read last (1-based). */
    public long lineNumber() {
        return lineNumber;
    }

    /** Records skipped because their page is beyond the 48-bit address space. */
    public long outOfRange() {
        return outOfRange;
    }

    /** "FILE:LINE: text" of the first record beyond the 48-bit address space, or null. */
    public String firstOutOfRange() {
        return firstOutOfRange;
    }

    /** Malformed lines of a csv trace (lackey skips what it does not know, by definition). */
    public long malformed() {
        return malformed;
    }

    /** "FILE:LINE: text" of the first malformed csv line, or null. */
    public String firstMalformed() {
        return firstMalformedLine == 0 ? null : path + ":" + firstMalformedLine + ": " + firstMalformedText;
    }

    /** Starts again at the first line. */
    public void rewind() throws IOException {
        in.close();
        in = open(path);
        position = 0;
        limit = 0;
        lineNumber = 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads the next line (without its end) into {@code line}; false at the end of the file. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        lineTooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    if (n == 0) {
                        continue;
                    }
                    break;
                }
                position = 0;
                limit = n;
            }
            any = true;
            int p = position;
            int end = limit;
            byte[] b = buffer;
            while (p < end && b[p] != '\n') {
                p++;
            }
            int take = Math.min(p - position, MAX_LINE - lineLength);
            System.arraycopy(b, position, line, lineLength, take);
            lineLength += take;
            lineTooLong |= take < p - position;
            if (p < end) {
                position = p + 1; // past the newline
                break;
            }
            position = end;
        }
        if (!any) {
            return false;
        }
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        lineNumber++;
        return true;
    }

    /** {@code [ ]K ADDRESS,SIZE} with K one of I L S M; anything else is not a record. */
    private boolean parseLackey() {
        int i = 0;
        while (i < lineLength && line[i] == ' ') {
            i++;
        }
        if (i + 2 >= lineLength || line[i + 1] != ' ') {
            return false;
        }
        byte kind = line[i];
        if (kind != 'I' && kind != 'L' && kind != 'S' && kind != 'M') {
            return false;
        }
        i += 2;
        while (i < lineLength && line[i] == ' ') {
            i++;
        }
        long address = 0;
        int digits = 0;
        for (; i < lineLength; i++) {
            int d = hex(line[i]);
            if (d < 0) {
                break;
            }
            address = (address << 4) | d;
            digits++;
        }
        if (digits == 0 || digits > 16 || i >= lineLength || line[i] != ',') {
            return false;
        }
        vpn = address >>> 12;
        write = kind == 'S' || kind == 'M';
        return true;
    }

    /** {@code vpn,r|w}; blank lines, # comments and a "vpn..." header are skipped. */
    private boolean parseCsv() {
        int start = 0;
        int end = lineLength;
        while (start < end && isSpace(line[start])) {
            start++;
        }
        while (end > start && isSpace(line[end - 1])) {
            end--;
        }
        if (start == end || line[start] == '#') {
            return false;
        }
        if (end - start >= 3 && (line[start] | 0x20) == 'v' && (line[start + 1] | 0x20) == 'p' && (line[start + 2] | 0x20) == 'n') {
            return false; // header
        }
        int i = start;
        long value = 0;
        int digits = 0;
        boolean overflow = false;
        if (end - i > 2 && line[i] == '0' && (line[i + 1] | 0x20) == 'x') {
            for (i += 2; i < end && hex(line[i]) >= 0; i++) {
                overflow |= (value >>> 59) != 0;
                value = (value << 4) | hex(line[i]);
                digits++;
            }
        } else {
            for (; i < end && line[i] >= '0' && line[i] <= '9'; i++) {
                overflow |= value > (Long.MAX_VALUE - 9) / 10;
                value = value * 10 + (line[i] - '0');
                digits++;
            }
        }
        while (i < end && isSpace(line[i])) {
            i++;
        }
        if (digits > 0 && !overflow && !lineTooLong && i < end && line[i] == ',') {
            i++;
            while (i < end && isSpace(line[i])) {
                i++;
            }
            if (i == end - 1 && ((line[i] | 0x20) == 'r' || (line[i] | 0x20) == 'w')) {
                vpn = value;
                write = (line[i] | 0x20) == 'w';
                return true;
            }
        }
        malformed++;
        if (firstMalformedLine == 0) {
            firstMalformedLine = lineNumber;
            firstMalformedText = new String(line, 0, Math.min(lineLength, 80), java.nio.charset.StandardCharsets.UTF_8);
        }
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        if (lower >= 'a' && lower <= 'f') {
            return lower - 'a' + 10;
        }
        return -1;
    }
}
