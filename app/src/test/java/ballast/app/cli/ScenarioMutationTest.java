package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of broken variants of the quickstart: every one must be refused by
 * {@code ballast validate} with exit code 2, every message located as {@code file:line: }, and no
 * stack trace; none may pass. The variants are made mechanically from the file's own lines, so a
 * new key in the quickstart is mutated too.
 */
class ScenarioMutationTest {
    private static final Path QUICKSTART = Path.of("..", "conf", "scenarios", "quickstart.conf");
    /** {@code key = value} alone on a line (optionally followed by a comment). */
    private static final Pattern ASSIGNMENT = Pattern.compile("^(\\s*)([a-z][a-z-]*)\\s*=\\s*([^,{}\\[\\]#]+?)\\s*$");
    private static final Pattern LOCATED = Pattern.compile("^.+:\\d+: .+");

    private static List<String> lines;

    @BeforeAll
    static void read() throws Exception {
        lines = Files.readAllLines(QUICKSTART);
    }

    enum Kind { SIZE, DURATION, FRACTION, RATE, COUNT, SEED, ENUM, REFERENCE, TEXT }

    static Kind kindOf(String key) {
        switch (key) {
            case "memory": case "reserved": case "working-set": return Kind.SIZE;
            case "duration": case "tick": case "sample-every": return Kind.DURATION;
            case "write-fraction": case "hot-fraction": case "hot-access-fraction": return Kind.FRACTION;
            case "accesses-per-second": return Kind.RATE;
            case "count": return Kind.COUNT;
            case "seed": return Kind.SEED;
            case "mode": case "type": return Kind.ENUM;
            case "host": case "template": return Kind.REFERENCE;
            default: return Kind.TEXT;
        }
    }

    /** Each mutation: a name and the file's new text (or bytes). */
    static Map<String, byte[]> mutations() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher a = ASSIGNMENT.matcher(lines.get(i));
            if (!a.matches()) {
                continue;
            }
            String indent = a.group(1);
            String key = a.group(2);
            Kind kind = kindOf(key);
            String at = "line " + (i + 1) + " " + key;
            m.put(at + ": an object instead of a value", replace(i, indent + key + " = { a = 1 }"));
            m.put(at + ": a list instead of a value", replace(i, indent + key + " = [1, 2]"));
            m.put(at + ": misspelt key", replace(i, indent + key + "x = " + a.group(3)));
            if (kind != Kind.TEXT) {
                m.put(at + ": a word instead of a value", replace(i, indent + key + " = banana"));
            }
            if (kind != Kind.TEXT && kind != Kind.SEED && kind != Kind.ENUM && kind != Kind.REFERENCE) {
                m.put(at + ": negative", replace(i, indent + key + " = -1"));
            }
            switch (kind) {
                case SIZE -> {
                    m.put(at + ": absurd size", replace(i, indent + key + " = 1024PiB"));
                    m.put(at + ": zero size", replace(i, indent + key + (key.equals("reserved") ? " = 4GiB" : " = 0")));
                }
                case DURATION -> m.put(at + ": zero duration", replace(i, indent + key + " = 0s"));
                case FRACTION -> m.put(at + ": above one", replace(i, indent + key + " = 1.5"));
                case RATE -> m.put(at + ": absurd rate", replace(i, indent + key + " = 1e30"));
                case COUNT -> {
                    m.put(at + ": zero count", replace(i, indent + key + " = 0"));
                    m.put(at + ": absurd count", replace(i, indent + key + " = 1000000000"));
                }
                case REFERENCE -> {
                    if (key.equals("host")) { // (a guest without a host is placed by the placement policy)
                        m.put(at + ": empty", replace(i, indent + key + " = \"\""));
                    }
                }
                case ENUM -> m.put(at + ": unknown value", replace(i, indent + key + " = " + a.group(3) + "2"));
                default -> { }
            }
            m.put(at + ": non-UTF-8 byte", withBytes(i, new byte[] {(byte) 0xC3, (byte) 0x28}));
        }
        // structure
        m.put("duplicate guest name", insertAfter("guests {", "  web-1 { template = linux-small, host = host-a }"));
        m.put("unknown top-level section", insertAfter("hosts {", "}\ngusets {"));
        m.put("missing closing brace", removeLast("}"));
        m.put("unterminated string", insertAfter("scenario {", "  name = \"quick"));
        m.put("empty hosts", replaceBlock("hosts {", "hosts { }"));
        m.put("a second host with a bad size", insertAfter("hosts {", "  host-b { memory = lots }"));
        m.put("guest on a missing host", insertAfter("guests {", "  extra { template = linux-small, host = host-z }"));
        m.put("guest that does not fit", insertAfter("guests {", "  extra { template = linux-small, host = host-a, memory = 900MiB }"));
        m.put("empty file", new byte[0]);
        return m;
    }

    static String text(int replaceLine, String with) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(i == replaceLine ? with : lines.get(i)).append('\n');
        }
        return b.toString();
    }

    static byte[] replace(int line, String with) {
        return text(line, with).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] withBytes(int line, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            byte[] l = lines.get(i).getBytes(StandardCharsets.UTF_8);
            out.write(l, 0, l.length);
            if (i == line) {
                out.write(insert, 0, insert.length);
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    static byte[] insertAfter(String lineStart, String insert) {
        StringBuilder b = new StringBuilder();
        boolean done = false;
        for (String l : lines) {
            b.append(l).append('\n');
            if (!done && l.startsWith(lineStart)) {
                b.append(insert).append('\n');
                done = true;
            }
        }
        assertThat(done).as(lineStart).isTrue();
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] removeLast(String exact) {
        int last = lines.lastIndexOf(exact);
        assertThat(last).isPositive();
        return replace(last, "");
    }

    static byte[] replaceBlock(String start, String with) {
        StringBuilder b = new StringBuilder();
        int depth = -1;
        for (String l : lines) {
            if (depth < 0 && l.startsWith(start)) {
                depth = 0;
                b.append(with).append('\n');
            }
            if (depth >= 0) {
                depth += l.chars().filter(c -> c == '{').count() - l.chars().filter(c -> c == '}').count();
                if (depth <= 0) {
                    depth = Integer.MIN_VALUE;
                }
                continue;
            }
            b.append(l).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyMutationIsRefusedWithLocatedMessagesAndNoStackTrace(@TempDir Path dir) throws Exception {
        Map<String, byte[]> mutations = mutations();
        assertThat(mutations.size()).as("mutations").isGreaterThanOrEqualTo(200);
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, byte[]> e : mutations.entrySet()) {
            Path file = dir.resolve("m" + (n++) + ".conf");
            Files.write(file, e.getValue());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(new String[] {"validate", file.toString()}, new PrintWriter(out), new PrintWriter(err));
            String errText = err.toString();
            List<String> errLines = errText.lines().toList();
            if (code != 2) {
                failures.add(e.getKey() + ": exit " + code + " " + out + errText);
            } else if (errLines.isEmpty() || !errLines.stream().allMatch(l -> LOCATED.matcher(l).matches())
                    || !errLines.get(0).startsWith(file.toString() + ":")) {
                failures.add(e.getKey() + ": messages not located: " + errText);
            } else if (errText.contains("Exception") || errText.contains("\tat ")) {
                failures.add(e.getKey() + ": stack trace: " + errText);
            }
        }
        System.out.println("scenario mutations refused: " + (mutations.size() - failures.size()) + " of " + mutations.size());
        assertThat(failures).isEmpty();
    }

    @Test
    void aDirectoryOrAMissingFileIsBadInputToo(@TempDir Path dir) {
        for (Path p : List.of(dir, dir.resolve("missing.conf"))) {
            StringWriter err = new StringWriter();
            int code = Main.execute(new String[] {"validate", p.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).startsWith(p + ":").doesNotContain("Exception");
        }
    }
}
