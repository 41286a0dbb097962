package ballast.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run directory read back from its files: {@code summary.json} (required), {@code timeseries.csv}
 * (guests) and {@code hosts.csv} (each optional: a run of an older version may lack hosts.csv), and
 * {@code scenario.conf} (optional). The report is built from this alone, so {@code ballast report
 * DIR} rebuilds exactly what the run wrote.
 */
public record RunData(Path dir, JsonNode summary, SeriesTable guests, SeriesTable hosts, String scenarioText) {

    public static RunData read(Path dir) throws IOException {
        Path summaryFile = dir.resolve("summary.json");
        if (!Files.isRegularFile(summaryFile)) {
            throw new NoSuchFileException(summaryFile.toString(), null, "no summary.json: not a run directory");
        }
        JsonNode summary = part(summaryFile, () -> new ObjectMapper().readTree(summaryFile.toFile()));
        if (!summary.isObject()) {
            throw new IOException(summaryFile + ": not a run's summary (expected a JSON object)");
        }
        Path guestsFile = dir.resolve("timeseries.csv");
        Path hostsFile = dir.resolve("hosts.csv");
        Path scenarioFile = dir.resolve("scenario.conf");
        SeriesTable guests = Files.isRegularFile(guestsFile)
                ? part(guestsFile, () -> SeriesTable.read(guestsFile, "guest", "host")) : SeriesTable.empty();
        SeriesTable hosts = Files.isRegularFile(hostsFile)
                ? part(hostsFile, () -> SeriesTable.read(hostsFile, "host", null, HostFigures.TEXT)) : SeriesTable.empty();
        String scenario = Files.isRegularFile(scenarioFile)
                ? part(scenarioFile, () -> Files.readString(scenarioFile, StandardCharsets.UTF_8)) : null;
        return new RunData(dir, summary, guests, hosts, scenario);
    }

    /** Reading one file of the run. */
    private interface Part<T> {
        T read() throws IOException;
    }

    /** Reads one file; whatever goes wrong is reported as an IOException that names the file. */
    private static <T> T part(Path file, Part<T> part) throws IOException {
        try {
            return part.read();
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException io && String.valueOf(e.getMessage()).startsWith(file.toString())) {
                throw io; // already names the file (and the line)
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
                message = json.getOriginalMessage() + (json.getLocation() == null ? ""
                        : " (line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")");
            }
            throw new IOException(file + ": cannot be read: " + message.lines().findFirst().orElse(""), e);
        }
    }

    /** The summary's entry for host {@code name}, or null. */
    public JsonNode host(String name) {
        for (JsonNode h : summary.path("hosts")) {
            if (name.equals(h.path("name").asText())) {
                return h;
            }
        }
        return null;
    }

    /**
     * The free-memory state thresholds of a host, name to frames, from {@code hosts[].thresholds}
     * in summary.json; empty when the run has none.
     */
    public Map<String, Double> thresholds(String hostName) {
        Map<String, Double> out = new LinkedHashMap<>();
        JsonNode h = host(hostName);
        JsonNode t = h == null ? null : h.get("thresholds");
        if (t != null && t.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNumber()) {
                    out.put(e.getKey(), e.getValue().asDouble());
                }
            }
        }
        return out;
    }
}
