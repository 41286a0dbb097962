package ballast.app;

import ballast.app.scenario.ScenarioException;
import ballast.app.scenario.ScenarioLoader;
import ballast.scheduler.scenario.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a scenario from code: hosts and guests as HOCON snippets (the keys of docs/scenarios.md),
 * single values by path, optionally on top of a scenario file. {@link #build()} validates the whole
 * as a scenario file would be, so every problem is reported with its path.
 */
public final class ScenarioBuilder {
    private final String name;
    private Path base;
    private final List<String> blocks = new ArrayList<>();
    private final List<String> sets = new ArrayList<>();

    ScenarioBuilder(String name) {
        this.name = name;
    }

    /** Starts from a scenario file (what this builder adds overrides it). */
    public ScenarioBuilder from(Path file) {
        this.base = file;
        return this;
    }

    /** A host: {@code hosts.NAME { SETTINGS }}, e.g. {@code "memory = 512MiB, reclaim = on"}. */
    public ScenarioBuilder host(String hostName, String settings) {
        blocks.add("hosts." + quote(hostName) + " { " + settings + " }");
        return this;
    }

    /** A guest (or a group with {@code count}): {@code guests.NAME { SETTINGS }}. */
    public ScenarioBuilder guest(String guestName, String settings) {
        blocks.add("guests." + quote(guestName) + " { " + settings + " }");
        return this;
    }

    /** Any value by its path, written as HOCON: {@code set("scenario.duration", "20s")}, {@code set("scenario.seed", 7)}. */
    public ScenarioBuilder set(String path, Object value) {
        sets.add(path + " = " + (value instanceof String s && !s.startsWith("{") && !s.startsWith("[")
                ? "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : String.valueOf(value)));
        return this;
    }

    /** The scenario, validated; every problem in the exception. */
    public Scenario build() throws ScenarioException {
        StringBuilder text = new StringBuilder();
        if (base != null) {
            text.append("include file(\"").append(base.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\")\n");
        }
        text.append("scenario.name = \"").append(name.replace("\"", "\\\"")).append("\"\n");
        for (String b : blocks) {
            text.append(b).append('\n');
        }
        Path file;
        try {
            Path dir = Files.createTempDirectory("ballast-scenario");
            file = dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".conf");
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            return ScenarioLoader.load(file, sets, null);
        } finally {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.getParent());
            } catch (IOException e) {
                // a temporary file of ours left behind: harmless
            }
        }
    }

    private static String quote(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key.replace("\"", "\\\"") + "\"";
    }
}
