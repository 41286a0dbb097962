package ballast.guest.workload;

/**
 * How a memory trace is written, one access a line.
 *
 * <ul>
 *   <li>{@link #LACKEY}: the output of {@code valgrind --tool=lackey --trace-mem=yes}. Each
 *       {@code I} (instruction fetch), {@code L} (load), {@code S} (store) or {@code M} (modify)
 *       record, {@code [ ]K ADDRESS,SIZE} with a hexadecimal address, is one access to the page of
 *       its first byte ({@code address >> 12}); {@code S} and {@code M} are writes. Valgrind's own
 *       {@code ==PID==} lines and anything else are skipped.</li>
 *   <li>{@link #CSV}: {@code vpn,r} or {@code vpn,w} (the VPN in decimal or {@code 0x} hexadecimal;
 *       {@code R} and {@code W} too). Blank lines, {@code #} comments and a header line starting
 *       with {@code vpn} are skipped; any other line is malformed.</li>
 * </ul>
 *
 * A file whose name ends in {@code .gz} is read through gzip.
 */
public enum TraceFormat {
    LACKEY("lackey"),
    CSV("csv");

    private final String configName;

    TraceFormat(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static TraceFormat fromConfigName(String name) {
        for (TraceFormat f : values()) {
            if (f.configName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown trace format " + name);
    }
}
