package ballast.app.scenario;

import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a HOCON scenario into a validated {@link Scenario}, or a {@link ScenarioException}
 * listing every problem found, each with its file and line.
 *
 * <p>Sources, highest priority first: {@code --seed} (replaces scenario.seed), the {@code --set
 * PATH=VALUE} overrides (later ones win), the scenario file and what it includes. Library defaults
 * ({@code ballast.*} in every module's reference.conf) fill in whatever the scenario leaves out;
 * {@link Scenario#rendered()} shows the scenario as run without them. A missing or unreadable
 * file, a file that is not UTF-8 and a syntax error are problems like any other: nothing but a
 * ScenarioException leaves this class.
 */
public final class ScenarioLoader {
    private static final ConfigRenderOptions RENDER = ConfigRenderOptions.defaults()
            .setOriginComments(false).setComments(false).setJson(false);

    private ScenarioLoader() {
    }

    /**
     * Loads a scenario file.
     *
     * @param file         the scenario; relative includes are read next to it
     * @param sets         {@code PATH=VALUE} overrides, as HOCON, in order (may be empty)
     * @param seedOverride replaces scenario.seed when not null
     */
    public static Scenario load(Path file, List<String> sets, Long seedOverride) throws ScenarioException {
        Problems problems = new Problems();
        String display = file.toString();
        // A bare "x.conf" has no parent directory, and then its relative includes are not found.
        boolean bare = file.getParent() == null && !file.isAbsolute();
        problems.mainFile(display, bare ? "./" : "");
        try {
            Config config = parseFile(file, bare ? Path.of(".").resolve(file) : file, display, problems);
            Path fileName = file.getFileName();
            return finish(config, baseName(fileName == null ? display : fileName.toString()), display, sets,
                    seedOverride, problems);
        } catch (StackOverflowError e) {
            throw tooDeep(display);
        }
    }

    /** The largest scenario file read: anything bigger (a device such as /dev/zero, a log) is no scenario. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    /** A scenario nested so deeply that reading it would overflow the stack. */
    private static ScenarioException tooDeep(String display) {
        Problems problems = new Problems();
        problems.add(display, 0, "", "nested too deeply to be read (objects or lists within each other thousands"
                + " of levels deep); no scenario needs more than a few levels");
        return problems.exception();
    }

    /**
     * Loads a scenario from the classpath (the embedded quickstart); its source and its problems'
     * file read {@code embedded:NAME.conf}.
     */
    public static Scenario loadResource(String resourceName, List<String> sets, Long seedOverride)
            throws ScenarioException {
        Problems problems = new Problems();
        String name = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        String display = Problems.embedded(name);
        problems.mainFile(display, "");
        try {
            Config config = parseResource(name, display, problems);
            return finish(config, baseName(display.substring(display.indexOf(':') + 1)), display, sets,
                    seedOverride, problems);
        } catch (StackOverflowError e) {
            throw tooDeep(display);
        }
    }

    private static Scenario finish(Config file, String defaultName, String source, List<String> sets,
                                   Long seedOverride, Problems problems) throws ScenarioException {
        Config overrides = parseSets(sets == null ? List.of() : sets, problems);
        if (file == null || !problems.isEmpty()) {
            throw problems.exception();
        }
        Scenario scenario = null;
        try {
            Config merged = overrides.withFallback(file);
            // (A scenario block that is not an object is left alone, to be reported as such.)
            ConfigValue block = merged.root().get("scenario");
            if (seedOverride != null && (block == null || block instanceof ConfigObject)) {
                merged = merged.withValue("scenario.seed", ConfigValueFactory.fromAnyRef(seedOverride, Problems.SEED));
            }
            Config resolved = merged.resolve();
            String rendered = resolved.root().render(RENDER);
            Config defaults = ConfigFactory.defaultReference(ScenarioLoader.class.getClassLoader()).getConfig("ballast");
            ScenarioReader reader = new ScenarioReader(problems, defaults);
            scenario = reader.read(resolved, defaultName, source, rendered);
            if (scenario != null && reader.sweep().axes() != null) {
                scenario = scenario.withSweep(sweep(merged, reader.sweep(), scenario.seed(), defaults,
                        defaultName, source, problems));
            }
        } catch (ConfigException e) {
            // A substitution that cannot be resolved, or anything the readers did not foresee.
            problems.at(e.origin(), "", withoutOrigin(e));
        }
        if (!problems.isEmpty() || scenario == null) {
            throw problems.exception();
        }
        return scenario;
    }

    /**
     * Reads the scenario once per sweep point and seed (each value put at its path, keeping its own
     * origin, so a problem with it is reported at its line; the seeds are scenario.seed, + 1, ...);
     * each point's problems are reported prefixed with its values.
     */
    private static Scenario.Sweep sweep(Config merged, SweepReader read, long seed, Config defaults,
                                        String defaultName, String source, Problems problems) {
        List<SweepReader.Axis> axes = read.axes();
        List<List<ConfigValue>> combinations = new java.util.ArrayList<>();
        if (read.zipped()) {
            for (int i = 0; i < axes.get(0).values().size(); i++) {
                List<ConfigValue> one = new java.util.ArrayList<>();
                for (SweepReader.Axis a : axes) {
                    one.add(a.values().get(i));
                }
                combinations.add(one);
            }
        } else {
            combinations.add(List.of());
            for (SweepReader.Axis a : axes) {
                List<List<ConfigValue>> next = new java.util.ArrayList<>();
                for (List<ConfigValue> prefix : combinations) {
                    for (ConfigValue v : a.values()) {
                        List<ConfigValue> one = new java.util.ArrayList<>(prefix);
                        one.add(v);
                        next.add(one);
                    }
                }
                combinations = next;
            }
        }
        List<String> paths = new java.util.ArrayList<>();
        axes.forEach(a -> paths.add(a.path()));
        List<Scenario.Point> points = new java.util.ArrayList<>();
        Config base = merged.withoutPath("sweep");
        for (List<ConfigValue> values : combinations) {
            List<String> labels = new java.util.ArrayList<>();
            StringBuilder described = new StringBuilder();
            StringBuilder label = new StringBuilder();
            Config withValues = base;
            for (int i = 0; i < values.size(); i++) {
                ConfigValue value = values.get(i);
                String shown = value instanceof ConfigObject || value instanceof com.typesafe.config.ConfigList
                        ? value.render(ConfigRenderOptions.concise()) : String.valueOf(value.unwrapped());
                labels.add(shown);
                described.append(i == 0 ? "" : ", ").append(paths.get(i)).append(" = ").append(shown);
                List<String> parts = com.typesafe.config.ConfigUtil.splitPath(paths.get(i));
                label.append(i == 0 ? "" : " ").append(values.size() == 1 ? shown
                        : parts.get(parts.size() - 1) + "=" + shown);
                withValues = withValues.withValue(paths.get(i), value);
            }
            List<Scenario> runs = new java.util.ArrayList<>();
            for (int s = 0; s < read.seeds(); s++) {
                Problems own = problems.sibling();
                Scenario run = null;
                Config config = s == 0 ? withValues
                        : withValues.withValue("scenario.seed", ConfigValueFactory.fromAnyRef(seed + s, "sweep.seeds"));
                try {
                    Config resolved = config.resolve();
                    run = new ScenarioReader(own, defaults).read(resolved, defaultName, source,
                            resolved.root().render(RENDER));
                } catch (ConfigException e) {
                    own.at(values.get(0).origin(), paths.get(0), withoutOrigin(e));
                }
                for (Problem p : own.sorted()) {
                    problems.add(p.file(), p.line(), p.path(), "with sweep value " + described + ": " + p.message());
                }
                if (run == null) {
                    break;
                }
                runs.add(run);
            }
            if (runs.size() == read.seeds()) {
                points.add(new Scenario.Point(label.toString(), labels, runs));
            }
        }
        return new Scenario.Sweep(paths, read.zipped(), read.seeds(), read.figures(), points);
    }

    // ---------------------------------------------------------------- sources

    private static Config parseFile(Path file, Path parsed, String display, Problems problems) {
        if (!Files.exists(file)) {
            problems.add(display, 0, "", "no such file");
            return null;
        }
        if (Files.isDirectory(file)) {
            problems.add(display, 0, "", "is a directory, not a scenario file");
            return null;
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // read once, and at most MAX_BYTES: a pipe cannot be read twice, a device may never end
            bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                problems.add(display, 0, "", "larger than " + (MAX_BYTES >> 20) + " MiB: not a scenario file");
                return null;
            }
        } catch (AccessDeniedException e) {
            problems.add(display, 0, "", "cannot be read: permission denied");
            return null;
        } catch (IOException e) {
            problems.add(display, 0, "", "cannot be read: " + e.getMessage());
            return null;
        }
        if (!checkUtf8(display, bytes, problems)) {
            return null;
        }
        Config config;
        try {
            if (Files.isRegularFile(file)) {
                config = ConfigFactory.parseFile(parsed.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } else { // a pipe or a device: parse the text read above (includes are read relative to the working folder)
                config = ConfigFactory.parseString(new String(bytes, StandardCharsets.UTF_8),
                        ConfigParseOptions.defaults().setOriginDescription(display));
            }
        } catch (ConfigException e) {
            parseFailed(e, display, new String(bytes, StandardCharsets.UTF_8), problems);
            return null;
        }
        return checkIncludedFiles(config, parsed, problems) ? config : null;
    }

    private static Config parseResource(String name, String display, Problems problems) {
        ClassLoader loader = ScenarioLoader.class.getClassLoader();
        URL url = loader.getResource(name);
        if (url == null) {
            problems.add(display, 0, "", "no such embedded scenario: " + name);
            return null;
        }
        try (InputStream in = url.openStream()) {
            if (!checkUtf8(display, in.readAllBytes(), problems)) {
                return null;
            }
        } catch (IOException e) {
            problems.add(display, 0, "", "cannot be read: " + e.getMessage());
            return null;
        }
        try {
            return ConfigFactory.parseResources(loader, name, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            parseFailed(e, display, "", problems);
            return null;
        }
    }

    /** Parses each {@code PATH=VALUE} as HOCON; later ones win. */
    private static Config parseSets(List<String> sets, Problems problems) {
        Config overrides = ConfigFactory.empty();
        for (String set : sets) {
            int equals = set.indexOf('=');
            String path = equals < 0 ? "" : set.substring(0, equals).trim();
            String malformed = "malformed --set " + set + ": expected PATH=VALUE such as guests.db.memory=128MiB";
            try {
                Config one = ConfigFactory.parseString(set, ConfigParseOptions.defaults().setOriginDescription(Problems.SET));
                if (one.isEmpty()) {
                    problems.add(Problems.SET, 0, path, malformed);
                } else {
                    overrides = one.withFallback(overrides);
                }
            } catch (ConfigException e) {
                problems.add(Problems.SET, 0, path, malformed + " (" + withoutOrigin(e) + ")");
            }
        }
        return overrides;
    }

    /**
     * Reports a file that is not UTF-8 (the parser would silently read it with replacement
     * characters), at the line of its first bad byte.
     */
    private static boolean checkUtf8(String display, byte[] bytes, Problems problems) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length + 1), true);
        if (!result.isError()) {
            return true;
        }
        int bad = in.position();
        int line = 1;
        for (int i = 0; i < bad; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        problems.add(display, line, "", String.format("not UTF-8 text (byte 0x%02X); save the scenario as UTF-8",
                bytes[bad] & 0xFF));
        return false;
    }

    /** Checks that every file the scenario included is UTF-8 too. */
    private static boolean checkIncludedFiles(Config config, Path main, Problems problems) {
        Set<String> files = new TreeSet<>();
        collectFiles(config.root(), files);
        files.remove(main.toString());
        boolean ok = true;
        for (String name : files) {
            try {
                Path path = Path.of(name);
                if (Files.isRegularFile(path)) {
                    ok &= checkUtf8(problems.displayFile(name), Files.readAllBytes(path), problems);
                }
            } catch (InvalidPathException | IOException e) {
                // A merged origin ("merge of a.conf: 1,b.conf: 2") names no file of its own.
            }
        }
        return ok;
    }

    private static void collectFiles(ConfigValue value, Set<String> files) {
        if (value.origin().filename() != null) {
            files.add(value.origin().filename());
        }
        if (value instanceof ConfigObject object) {
            for (ConfigValue child : object.values()) {
                collectFiles(child, files);
            }
        } else if (value instanceof Iterable<?> list) {
            for (Object child : list) {
                collectFiles((ConfigValue) child, files);
            }
        }
    }

    /**
     * Reports a failed parse: a syntax error at its line; an unreadable required include at the line
     * of the scenario's {@code text} that includes it (when it can be found), naming the file.
     */
    private static void parseFailed(ConfigException e, String display, String text, Problems problems) {
        String message = withoutOrigin(e);
        if (e instanceof ConfigException.IO) {
            // The scenario itself was read above, so this is an include; the library names the
            // last place it looked (the class path for a plain name), not the including line.
            message = message.replace("java.io.FileNotFoundException: ", "").replace("java.io.IOException: ", "");
            String name = message;
            java.util.regex.Matcher notFound = java.util.regex.Pattern
                    .compile("resource not found on classpath: (.*)").matcher(message);
            if (notFound.matches()) {
                name = notFound.group(1);
                message = name + ": no such file next to the scenario";
            } else if (name.endsWith(")") && name.lastIndexOf(" (") > 0) {
                name = name.substring(0, name.lastIndexOf(" ("));
            }
            problems.add(display, includeLine(text, name), "", "cannot read a required include: " + message);
        } else {
            problems.at(e.origin(), "", e instanceof ConfigException.Parse ? "syntax error: " + message : message);
        }
    }

    /** The first line of {@code text} that includes {@code name} (1-based), or 0. */
    static int includeLine(String text, String name) {
        String file = name.substring(name.lastIndexOf('/') + 1);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("include") && !file.isEmpty() && lines[i].contains(file)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The exception's message without the "file: line: " the library puts in front. */
    private static String withoutOrigin(ConfigException e) {
        String message = String.valueOf(e.getMessage());
        if (e.origin() != null) {
            String prefix = e.origin().description() + ": ";
            if (message.startsWith(prefix)) {
                return message.substring(prefix.length());
            }
        }
        return message;
    }

    /** "quickstart" for quickstart.conf. */
    private static String baseName(String fileName) {
        return fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - ".conf".length()) : fileName;
    }
}
