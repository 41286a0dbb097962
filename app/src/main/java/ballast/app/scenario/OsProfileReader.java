package ballast.app.scenario;

import static ballast.app.scenario.Entry.show;

import ballast.abi.KernelEvent;
import ballast.abi.SensitiveInstruction;
import ballast.guest.OsProfile;
import com.typesafe.config.ConfigObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the OS profiles: the library's ({@code ballast.os-profiles}), changed or added to by the
 * scenario's {@code os-profiles}, each checked once on its own; then, for a guest or a template,
 * the profile its {@code os} names with its own {@code os-profile} overrides on top. Holds the
 * profiles read (one scenario, one thread).
 */
final class OsProfileReader {
    static final long MAX_WORK_CYCLES = 1_000_000_000_000L;
    static final double MAX_RATE = 1_000_000;
    static final int MAX_BLOCKS_PER_INSTRUCTION = 100_000;
    static final double MAX_BLOCK_SKEW = 16;

    private final Problems problems;
    private final LibraryDefaults defaults;
    /** Each OS profile's chain: the scenario's object (if any), the library's (if any), the neutral defaults. */
    private final Map<String, List<Entry.Layer>> profileLayers = new TreeMap<>(Names.NATURAL);
    /** Each OS profile as read on its own, or null when it has problems. */
    private final Map<String, OsProfile> profiles = new TreeMap<>(Names.NATURAL);

    OsProfileReader(Problems problems, LibraryDefaults defaults) {
        this.problems = problems;
        this.defaults = defaults;
    }

    /**
     * Reads the library's OS profiles and the scenario's {@code os-profiles}: a scenario profile
     * changes the library's profile of that name, or adds one falling back to the neutral
     * {@code ballast.os-profile}.
     */
    void readOsProfiles(Entry top) {
        Entry.Layer neutral = defaults.layer("os-profile");
        ConfigObject library = defaults.object("os-profiles");
        for (String name : library.keySet()) {
            List<Entry.Layer> layers = new ArrayList<>();
            layers.add(new Entry.Layer("ballast.os-profiles." + name, (ConfigObject) library.get(name), false));
            layers.add(neutral);
            profileLayers.put(name, layers);
        }
        Entry all = top.child("os-profiles");
        ConfigObject own = all.own();
        if (own != null) {
            for (String name : Names.sorted(own.keySet())) {
                Names.checkName(all, name, "OS profile");
                Entry profile = all.child(name);
                if (profile.own() == null) {
                    continue;
                }
                List<Entry.Layer> layers = new ArrayList<>();
                layers.add(new Entry.Layer(profile.path(), profile.own(), true));
                layers.addAll(profileLayers.getOrDefault(name, List.of(neutral)));
                profileLayers.put(name, layers);
            }
        }
        for (Map.Entry<String, List<Entry.Layer>> e : profileLayers.entrySet()) {
            Entry profile = all.child(e.getKey());
            for (Entry.Layer layer : e.getValue()) {
                if (!layer.user()) {
                    profile = profile.withFallback(layer);
                }
            }
            profiles.put(e.getKey(), readProfile(profile));
        }
    }

    /** Reads one profile through its fallbacks; null when any value is unusable. */
    private OsProfile readProfile(Entry profile) {
        int before = problems.reports();
        ConfigObject neutral = defaults.object("os-profile");
        profile.checkKeys(neutral.keySet());
        Long workCycles = profile.integer("work-cycles", 0, MAX_WORK_CYCLES);
        double[] rates = new double[KernelEvent.COUNT];
        for (KernelEvent kind : KernelEvent.ALL) {
            Double rate = profile.number(kind.configName(), 0, MAX_RATE);
            rates[kind.ordinal()] = rate == null ? 0 : rate;
        }
        Entry blocks = profile.child("sensitive-blocks");
        List<String> instructions = new ArrayList<>();
        SensitiveInstruction.ALL.forEach(i -> instructions.add(i.configName()));
        blocks.checkKeys(instructions);
        int[] blockCounts = new int[SensitiveInstruction.COUNT];
        int totalBlocks = 0;
        for (SensitiveInstruction i : SensitiveInstruction.ALL) {
            Long n = blocks.integer(i.configName(), 0, MAX_BLOCKS_PER_INSTRUCTION);
            blockCounts[i.ordinal()] = n == null ? 0 : n.intValue();
            totalBlocks += blockCounts[i.ordinal()];
        }
        Double skew = profile.number("block-skew", 1, MAX_BLOCK_SKEW);
        Long portLines = profile.integer("paravirt-port-lines", 0, Integer.MAX_VALUE);
        if (problems.reports() == before && totalBlocks == 0 && rates[KernelEvent.SENSITIVE_BLOCK.ordinal()] > 0) {
            profile.problemAbout(KernelEvent.SENSITIVE_BLOCK.configName(), "sensitive-executions "
                    + show(rates[KernelEvent.SENSITIVE_BLOCK.ordinal()]) + " needs at least one block in"
                    + " sensitive-blocks, such as sensitive-blocks { popf = 10 }");
        }
        if (problems.reports() != before) {
            return null;
        }
        return new OsProfile(workCycles, rates, blockCounts, skew, portLines.intValue());
    }

    /**
     * The OS profile of a guest or template: the profile its {@code os} names, with its own
     * {@code os-profile} overrides (and its template's) on top. Null when unusable.
     */
    OsProfile readGuestProfile(Entry guest, String os) {
        if (os == null) {
            return null;
        }
        List<Entry.Layer> layers = profileLayers.get(os);
        if (layers == null) {
            guest.problemAtValue("os", "no OS profile named " + os + Names.didYouMean(os, profileLayers.keySet())
                    + Names.known("OS profiles", profileLayers.keySet()));
            return null;
        }
        Entry overrides = guest.child("os-profile");
        if (!overrides.exists()) {
            return profiles.get(os);
        }
        Entry profile = overrides;
        for (Entry.Layer layer : layers) {
            profile = profile.withFallback(layer);
        }
        return readProfile(profile);
    }
}
