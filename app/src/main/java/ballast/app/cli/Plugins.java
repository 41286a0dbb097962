package ballast.app.cli;

import ballast.app.scenario.Problem;
import ballast.app.scenario.ScenarioException;
import ballast.host.reclaim.AllocationPolicies;
import ballast.scheduler.migration.HotspotPolicies;
import ballast.scheduler.placement.Placements;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --plugin JAR}: adds the allocation, placement and hotspot policies of policy jars (their
 * {@code META-INF/services} providers) to the names a scenario may use, before it is read.
 */
final class Plugins {
    static final String OPTION = "--plugin";

    private Plugins() {
    }

    /** Loads the policies of {@code jars}; returns the names added; a jar that cannot be used is a problem (exit 2). */
    static List<String> load(List<Path> jars) throws ScenarioException {
        List<Problem> problems = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                problems.add(new Problem(OPTION, 0, "", jar + ": no such file"));
                continue;
            }
            URL url;
            try {
                url = jar.toAbsolutePath().toUri().toURL();
            } catch (MalformedURLException e) {
                problems.add(new Problem(OPTION, 0, "", jar + ": " + e.getMessage()));
                continue;
            }
            // Never closed: the policies' classes are used until the JVM ends.
            ClassLoader loader = new URLClassLoader(new URL[] {url}, Plugins.class.getClassLoader());
            try {
                List<String> mine = new ArrayList<>(AllocationPolicies.load(loader));
                mine.addAll(Placements.load(loader));
                mine.addAll(HotspotPolicies.load(loader));
                if (mine.isEmpty() && !alreadyLoaded(loader)) {
                    problems.add(new Problem(OPTION, 0, "", jar + ": no policy in it (no META-INF/services/"
                            + "ballast.host.reclaim.AllocationPolicyProvider, ballast.scheduler.placement.PlacementPolicyProvider"
                            + " or ballast.scheduler.migration.HotspotPolicyProvider)"));
                }
                added.addAll(mine);
            } catch (IllegalArgumentException | LinkageError e) {
                problems.add(new Problem(OPTION, 0, "", jar + ": " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ScenarioException(problems);
        }
        return added;
    }

    /** Whether the jar lists providers (then an empty result means they were loaded before, e.g. by a test). */
    private static boolean alreadyLoaded(ClassLoader loader) {
        try {
            return loader.getResource("META-INF/services/ballast.host.reclaim.AllocationPolicyProvider") != null
                    || loader.getResource("META-INF/services/ballast.scheduler.placement.PlacementPolicyProvider") != null
                    || loader.getResource("META-INF/services/ballast.scheduler.migration.HotspotPolicyProvider") != null;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
