package ballast.app.scenario;

import ballast.host.cpu.CpuSpec;

import static ballast.app.scenario.Entry.join;
import static ballast.app.scenario.Entry.keysOf;
import static ballast.app.scenario.Entry.show;

import ballast.abi.TranslationMode;
import ballast.guest.ContentSettings;
import ballast.guest.OsProfile;
import ballast.guest.workload.WorkloadSettings;
import com.typesafe.config.ConfigObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code guest-templates} and {@code guests}. Each template is checked on its own (so a bad
 * template value is reported once, at its line); each guest is read through its template and the
 * library's {@code ballast.guest} defaults: memory, mode, processes, content and image
 * ({@link ImageReader}), workload ({@link WorkloadReader}), OS profile ({@link OsProfileReader}),
 * CPU switches, and min and balloon ({@link ReclaimReader}). Then {@code count = N} expands into
 * NAME-1 .. NAME-N and a name used twice is reported.
 *
 * <p>Checks that relate two values (a working set against the memory, image + zero fractions)
 * are made for a template with its own values, and for a guest only when the guest itself writes
 * one of the values: otherwise the template's check already covers them.
 */
final class GuestReader {
    static final int MAX_PROCESSES = 1024;
    static final int MAX_COUNT = 100_000;
    static final int MAX_TRANSLATION_CACHE_BLOCKS = 1 << 20;
    /** Guest keys without a library default. */
    private static final String[] GUEST_EXTRA_KEYS = {"host", "workload", "os-profile", "seed", "large-pages"};

    private final Problems problems;
    private final LibraryDefaults defaults;
    private final List<String> guestModes = new ArrayList<>();
    private final ImageReader images;
    private final WorkloadReader workloads;
    private final OsProfileReader osProfiles;
    private final ReclaimReader reclaimReader;

    GuestReader(Problems problems, LibraryDefaults defaults, ImageReader images, WorkloadReader workloads,
                OsProfileReader osProfiles, ReclaimReader reclaimReader) {
        this.problems = problems;
        this.defaults = defaults;
        this.images = images;
        this.workloads = workloads;
        this.osProfiles = osProfiles;
        this.reclaimReader = reclaimReader;
        for (TranslationMode mode : TranslationMode.values()) {
            guestModes.add(mode.configName());
        }
    }

    /** What a guest entry (or a template) says, once typed; {@code seedKey} is null unless it gives a seed. */
    record GuestValues(String os, TranslationMode mode, int configuredPages, int processes,
                       ContentSettings content, WorkloadSettings workload, OsProfile osProfile,
                       boolean binaryTranslation, boolean nestedPaging, int translationCacheBlocks,
                       Long seedKey, ReclaimReader.Allocation allocation, int vcpus, int cpuShares,
                       long cyclesPerAccess, Reporting reporting, Boolean largePages, Hotplug hotplug) {
    }

    /** A memory hotplug device ({@code hotplug { enabled, block, rate, plugged }}), in pages; null in GuestValues when off. */
    record Hotplug(int blockPages, int pluggedPages, int blocksPerTick) {
    }

    /** Sentinel of {@link #readHotplug}: the device is off (null means a value was unusable). */
    private static final Hotplug HOTPLUG_OFF = new Hotplug(0, 0, 0);

    /** Free page reporting and pages freed on a shrink ({@code free-page-reporting}, {@code page-reporting}, {@code free-on-shrink}). */
    record Reporting(boolean enabled, int order, java.time.Duration delay, int capacity, boolean freeOnShrink) {
    }

    /** ESX's CPU shares per vCPU by name. */
    static final Map<String, Integer> CPU_SHARES = Map.of("low", 500, "normal", 1000, "high", 2000);

    /**
     * One entry of {@code guests}.
     *
     * @param key    the name written in the scenario
     * @param entry  the entry through its template and the defaults
     * @param names  the names it expands to (empty when its count is unusable)
     * @param host   the host it names, or null
     * @param values its typed values, or null when any problem was found in it
     */
    record GuestDraft(String key, Entry entry, List<String> names, String host, GuestValues values) {
    }

    /** One guest after expansion. */
    record Instance(String name, GuestDraft draft) {
    }

    /** Checks every template on its own; returns the usable ones by name. */
    Map<String, ConfigObject> readTemplates(Entry top) {
        Map<String, ConfigObject> templates = new TreeMap<>(Names.NATURAL);
        Entry all = top.child("guest-templates");
        ConfigObject own = all.own();
        if (own == null) {
            return templates;
        }
        for (String name : Names.sorted(own.keySet())) {
            Entry template = all.child(name);
            if (template.own() != null) {
                templates.put(name, template.own());
                template.checkKeys(keysOf(defaults.object("guest"), GUEST_EXTRA_KEYS));
                readGuestValues(template.withFallback(defaults.layer("guest")), "template " + name, true);
            }
        }
        return templates;
    }

    List<GuestDraft> readGuests(Entry top, Set<String> hostNames, Map<String, ConfigObject> templates) {
        List<GuestDraft> drafts = new ArrayList<>();
        if (!top.has("guests")) {
            top.problem("guests", "missing: a scenario needs at least one guest, e.g. guests { web { host = host-a } }");
            return drafts;
        }
        Entry guests = top.child("guests");
        ConfigObject all = guests.own();
        if (all == null) {
            return drafts;
        }
        if (all.isEmpty()) {
            guests.problem("", "no guests: a scenario needs at least one guest, e.g. web { host = host-a }");
        }
        for (String key : Names.sorted(all.keySet())) {
            Names.checkName(guests, key, "guest");
            Entry own = guests.child(key);
            if (own.own() != null) {
                drafts.add(readGuest(key, own, hostNames, templates));
            }
        }
        return drafts;
    }

    private GuestDraft readGuest(String key, Entry own, Set<String> hostNames, Map<String, ConfigObject> templates) {
        int before = problems.reports();
        Set<String> known = keysOf(defaults.object("guest"), GUEST_EXTRA_KEYS);
        known.addAll(List.of("template", "count"));
        own.checkKeys(known);
        Entry guest = own;
        boolean templateFound = true;
        String templateName = own.string("template");
        if (templateName != null) {
            ConfigObject template = templates.get(templateName);
            if (template == null) {
                templateFound = false;
                own.problemAtValue("template", "no template named " + templateName
                        + Names.didYouMean(templateName, templates.keySet()) + Names.known("templates", templates.keySet()));
            } else {
                guest = guest.withFallback(new Entry.Layer(join("guest-templates", templateName), template, true));
            }
        }
        guest = guest.withFallback(defaults.layer("guest"));

        List<String> names = new ArrayList<>();
        if (!own.has("count")) {
            names.add(key);
        } else {
            Long count = own.integer("count", 1, MAX_COUNT);
            for (int i = 1; count != null && i <= count; i++) {
                names.add(key + "-" + i);
            }
        }

        String host = guest.string("host");
        if (!guest.has("host")) {
            host = null; // placed by the scenario's placement policy
        } else if (host != null && !hostNames.contains(host)) {
            guest.problemAtValue("host", "no host named " + host + Names.didYouMean(host, hostNames) + Names.known("hosts", hostNames));
            host = null;
        }

        GuestValues values = readGuestValues(guest, "guest " + key, false);
        return new GuestDraft(key, guest, names, host, problems.reports() == before ? values : null);
    }

    /**
     * Reads the guest values of a guest or a template ({@code owner} names it in messages);
     * returns null when any is unusable.
     */
    private GuestValues readGuestValues(Entry guest, String owner, boolean template) {
        int before = problems.reports();
        String os = guest.string("os");
        if (os != null && os.isBlank()) {
            guest.problemAtValue("os", "must not be empty");
        }
        Integer pages = guest.wholePages("memory");
        String modeName = guest.oneOf("mode", "mode", guestModes);
        Long processes = guest.integer("processes", 1, MAX_PROCESSES);
        boolean ownMemory = guest.find("memory") != null && guest.find("memory").own();

        Entry content = guest.child("content");
        Entry image = guest.child("image");
        boolean checkImageFit = pages != null && (template || ownMemory || image.own() != null);
        List<String> files = images.readImage(image, checkImageFit ? pages : null, owner, guest);
        ContentSettings contentSettings = readContent(content, os, template || content.own() != null, files);

        Entry workload = guest.child("workload");
        boolean checkFit = pages != null && (template || ownMemory || workload.own() != null);
        String memory = pages == null ? null : "the memory of " + owner + " (" + show(guest.find("memory").value()) + ")";
        WorkloadSettings workloadSettings = workloads.readWorkload(workload, checkFit ? pages : null, memory, template);
        if (workloadSettings != null && workloadSettings.isTrace() && processes != null) {
            // One process per trace: a processes value the user wrote must agree.
            int traces = workloadSettings.traces().size();
            Entry.Found written = guest.find("processes");
            if (written != null && written.user() && processes != traces) {
                guest.problemAtValue("processes", "is " + processes + " but the workload replays " + traces
                        + " trace(s), one process each: leave processes out or make it " + traces);
            }
            processes = (long) traces;
        }

        OsProfile osProfile = osProfiles.readGuestProfile(guest, os);
        Boolean binaryTranslation = guest.bool("binary-translation");
        Boolean nestedPaging = guest.bool("nested-paging");
        Long cacheBlocks = guest.integer("translation-cache-blocks", 1, MAX_TRANSLATION_CACHE_BLOCKS);
        Long seedKey = guest.has("seed") ? guest.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE) : null;
        checkModeSwitch(guest, owner, modeName, "binary-translation", binaryTranslation, TranslationMode.FULL);
        checkModeSwitch(guest, owner, modeName, "nested-paging", nestedPaging, TranslationMode.NESTED);
        boolean checkAllocation = pages != null && (template || ownMemory || owns(guest, "min")
                || guest.child("balloon").own() != null);
        ReclaimReader.Allocation allocation = reclaimReader.readGuest(guest, pages, checkAllocation, owner);
        Long vcpus = guest.integer("vcpus", 1, CpuSpec.MAX_VCPUS);
        Integer cpuShares = readCpuShares(guest, vcpus);
        Long cyclesPerAccess = guest.integer("cycles-per-access", 0, 1_000_000_000L);
        Reporting reporting = readReporting(guest, owner, modeName);
        // large-pages: the guest's own choice (no default: its host's); on only means something with nested paging
        Boolean largePages = guest.has("large-pages") ? guest.bool("large-pages") : null;
        if (Boolean.TRUE.equals(largePages) && modeName != null
                && (TranslationMode.fromConfigName(modeName) != TranslationMode.NESTED || Boolean.FALSE.equals(nestedPaging))) {
            guest.problemAtValue("large-pages", "is on, but " + owner + " is not a nested guest with nested-paging = on:"
                    + " only hardware nested paging is backed with large pages (as ESX)");
        }

        Hotplug hotplug = readHotplug(guest, owner, modeName, pages, largePages, template || ownMemory);

        if (problems.reports() != before || contentSettings == null || workloadSettings == null || osProfile == null
                || allocation == null || vcpus == null || cpuShares == null || cyclesPerAccess == null
                || reporting == null || hotplug == null) {
            return null;
        }
        return new GuestValues(os, TranslationMode.fromConfigName(modeName), pages, processes.intValue(),
                contentSettings, workloadSettings, osProfile, binaryTranslation, nestedPaging,
                cacheBlocks.intValue(), seedKey, allocation, vcpus.intValue(), cpuShares, cyclesPerAccess, reporting,
                largePages, hotplug == HOTPLUG_OFF ? null : hotplug);
    }

    /**
     * {@code hotplug { enabled, block, rate, plugged }}: the block a power-of-two multiple of 4 KiB
     * dividing the guest's memory, {@code plugged} (default: all of the memory) a multiple of the
     * block and at most the memory; not on a para guest (its page tables hold machine frames), nor
     * with large pages asked of the guest and a block below 2 MiB. {@link #HOTPLUG_OFF} when off;
     * null when a value is unusable.
     */
    private Hotplug readHotplug(Entry guest, String owner, String modeName, Integer pages, Boolean largePages,
                                boolean checkFit) {
        Entry h = guest.child("hotplug");
        h.checkKeys(keysOf(defaults.object("guest.hotplug"), "plugged"));
        Boolean enabled = h.bool("enabled");
        Integer block = h.wholePages("block");
        Long rate = h.integer("rate", 1, ballast.abi.MemoryHotplug.MAX_BLOCKS);
        Integer plugged = h.has("plugged") ? h.wholePages("plugged") : pages;
        if (enabled == null || block == null || rate == null || h.has("plugged") && plugged == null) {
            return null;
        }
        if (Integer.bitCount(block) != 1) {
            h.problemAtValue("block", "must be a power-of-two multiple of 4KiB (such as 2MiB or 4MiB), got "
                    + show(h.find("block").value()));
            return null;
        }
        if (!enabled) {
            return HOTPLUG_OFF;
        }
        if (TranslationMode.PARA.configName().equals(modeName)) {
            h.problemAtValue("enabled", "hotplug applies to full and nested guests only; " + owner
                    + " is para (its page tables hold machine frames)");
            return null;
        }
        if (Boolean.TRUE.equals(largePages) && block < ballast.host.memory.Pmap.LARGE_PAGES) {
            h.problemAtValue("block", "is " + show(h.find("block").value()) + ", below the 2MiB of a large page, but "
                    + owner + " asks for large-pages = on: a large page would straddle plugged and unplugged blocks");
            return null;
        }
        if (pages == null || plugged == null) {
            return null;
        }
        if (pages % block != 0) {
            h.problemAtValue("block", "must divide the memory of " + owner + " (" + show(guest.find("memory").value())
                    + "), got " + show(h.find("block").value()));
            return null;
        }
        if (plugged > pages) {
            h.problemAtValue("plugged", "is more than the memory of " + owner + " (" + show(guest.find("memory").value())
                    + "), got " + show(h.find("plugged").value()));
            return null;
        }
        if (plugged % block != 0) {
            h.problemAtValue("plugged", "must be a multiple of the block (" + show(h.find("block").value()) + "), got "
                    + show(h.find("plugged").value()));
            return null;
        }
        return new Hotplug(block, plugged, rate.intValue());
    }

    /**
     * {@code free-page-reporting}, {@code page-reporting { order, delay, capacity }} and
     * {@code free-on-shrink}; reporting on a para guest is a problem (its page tables hold machine
     * frames, and Xen's PV interface has no such call). Null when a value is unusable.
     */
    private Reporting readReporting(Entry guest, String owner, String modeName) {
        Boolean enabled = guest.bool("free-page-reporting");
        Entry reporting = guest.child("page-reporting");
        reporting.checkKeys(defaults.object("guest.page-reporting").keySet());
        Long order = reporting.integer("order", 0, ballast.abi.FreePageReport.MAX_ORDER);
        java.time.Duration delay = reporting.duration("delay");
        if (delay != null && delay.isNegative()) {
            reporting.problemAtValue("delay", "must not be negative, got " + show(reporting.find("delay").value()));
            delay = null;
        }
        Long capacity = reporting.integer("capacity", 1, ballast.abi.FreePageReport.MAX_BLOCKS);
        Boolean freeOnShrink = guest.bool("free-on-shrink");
        Entry.Found found = guest.find("free-page-reporting");
        if (Boolean.TRUE.equals(enabled) && TranslationMode.PARA.configName().equals(modeName) && found != null
                && found.user()) {
            guest.problemAtValue("free-page-reporting", "free-page-reporting = on applies to full and nested guests only; "
                    + owner + " is para (its page tables hold machine frames)");
            return null;
        }
        if (enabled == null || order == null || delay == null || capacity == null || freeOnShrink == null) {
            return null;
        }
        return new Reporting(enabled, order.intValue(), delay, capacity.intValue(), freeOnShrink);
    }

    /** {@code cpu-shares}: low, normal, high (500, 1,000, 2,000 per vCPU, as ESX) or a number for the whole VM. */
    private static Integer readCpuShares(Entry guest, Long vcpus) {
        Entry.Found f = guest.find("cpu-shares");
        if (f == null) {
            return null;
        }
        if (f.value().valueType() == com.typesafe.config.ConfigValueType.STRING) {
            String name = guest.oneOf("cpu-shares", "CPU shares", new java.util.TreeSet<>(CPU_SHARES.keySet()));
            return name == null || vcpus == null ? null : CPU_SHARES.get(name) * vcpus.intValue();
        }
        Long n = guest.integer("cpu-shares", 1, ballast.host.time.HostCpu.MAX_SHARES);
        if (n != null && vcpus != null && n < vcpus) {
            guest.problemAtValue("cpu-shares", "must be at least the guest's " + vcpus + " vCPUs, got " + n);
            return null;
        }
        return n == null ? null : n.intValue();
    }

    /** Whether the guest's (or template's) own object holds {@code key}. */
    private static boolean owns(Entry guest, String key) {
        Entry.Found f = guest.find(key);
        return f != null && f.own();
    }

    /**
     * A switch turned off that only means something in one mode ({@code binary-translation} for
     * {@code full}, {@code nested-paging} for {@code nested}) is a problem in any other mode: the
     * user expects an effect that would not happen.
     */
    private void checkModeSwitch(Entry guest, String owner, String modeName, String key, Boolean value,
                                 TranslationMode applies) {
        Entry.Found found = guest.find(key);
        if (value == null || value || modeName == null || found == null || !found.user()
                || applies.configName().equals(modeName)) {
            return;
        }
        guest.problemAtValue(key, key + " = off applies to " + applies.configName() + " guests only; "
                + owner + " is " + modeName);
    }

    private ContentSettings readContent(Entry content, String os, boolean checkSum, List<String> imageFiles) {
        int before = problems.reports();
        content.checkKeys(defaults.object("guest.content").keySet());
        String image = content.string("image");
        Double imageFraction = content.fraction("image-fraction");
        Double zeroFraction = content.fraction("zero-fraction");
        Double duplicateFraction = content.fraction("duplicate-fraction");
        if (checkSum && imageFraction != null && zeroFraction != null && duplicateFraction != null
                && imageFraction + zeroFraction + duplicateFraction > 1 + 1e-12) {
            content.problem("", "image-fraction " + show(imageFraction) + " + zero-fraction " + show(zeroFraction)
                    + (duplicateFraction > 0 ? " + duplicate-fraction " + show(duplicateFraction) : "")
                    + " is more than 1: at most every page can be an image"
                    + (duplicateFraction > 0 ? ", a duplicate" : "") + " or a zero page");
        }
        if (problems.reports() != before || image == null || os == null || imageFiles == null) {
            return null;
        }
        return new ContentSettings(image.isEmpty() ? os : image, imageFraction, zeroFraction, duplicateFraction,
                imageFiles);
    }

    /** Expands counts, reports names used twice, and returns the guests in canonical order. */
    List<Instance> expand(List<GuestDraft> guests) {
        Map<String, GuestDraft> byName = new HashMap<>();
        List<Instance> instances = new ArrayList<>();
        for (GuestDraft draft : guests) {
            for (String name : draft.names()) {
                GuestDraft first = byName.putIfAbsent(name, draft);
                if (first != null) {
                    draft.entry().problem("", "guest name " + name + " is used twice: by " + describe(first)
                            + " and by " + describe(draft));
                } else {
                    instances.add(new Instance(name, draft));
                }
            }
        }
        instances.sort((a, b) -> Names.compareNatural(a.name(), b.name()));
        return instances;
    }

    private static String describe(GuestDraft draft) {
        return draft.entry().path() + (draft.names().size() == 1 && draft.names().get(0).equals(draft.key())
                ? "" : " (count = " + draft.names().size() + ")");
    }
}
