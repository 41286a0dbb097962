package ballast.app.bench;

import java.util.List;
import java.util.Locale;

/**
 * One scenario of the bench: either generated (a number of identical Linux guests spread evenly
 * over hosts, modes taken in turn) or a scenario of the library played as it is.
 *
 * <p>A generated guest's workload has two phases: a touch phase ({@code touchSeconds}) in which it
 * reads and writes its whole working set uniformly, at least {@link #TOUCHES_PER_PAGE} accesses
 * per page (most pages are first touched here: mapped, backed and filled), then a steady phase
 * ({@code steadySeconds}) of hot-cold accesses like the quickstart's web servers (2% of the
 * working set takes 95% of the accesses, a fifth of them writes). Samples are taken every
 * {@code touchSeconds}; the measurement window of the steady state starts at the end of the touch
 * phase.
 *
 * @param name              short name, e.g. {@code 64x256MiB}
 * @param fixed             whether it is one of the fixed scale scenarios of the table's first part
 * @param curve             the scaling curve it is a point of ({@link #BY_GUESTS}, {@link #BY_SIZE}), or null
 * @param hosts             hosts the guests are spread over (each a hypervisor actor of its own)
 * @param guests            guests in all
 * @param guestMib          memory of each guest, MiB
 * @param workingSetMib     working set of each guest, MiB
 * @param touchSeconds      length of the touch phase, simulated seconds
 * @param steadySeconds     length of the steady phase, simulated seconds
 * @param accessesPerSecond each guest's accesses per simulated second in the steady phase
 * @param modes             translation modes, given to a host's guests in turn
 * @param resource          a library scenario (classpath resource) instead of a generated one, or null
 * @param sets              {@code PATH=VALUE} overrides of the library scenario
 * @param sweepLabel        the value of the library scenario's sweep to play, or null
 */
public record BenchCase(String name, boolean fixed, String curve, int hosts, int guests, int guestMib, int workingSetMib,
                        double touchSeconds, double steadySeconds, double accessesPerSecond, List<String> modes,
                        String resource, List<String> sets, String sweepLabel) {
    /** Curve: cost per access against the number of guests, at one guest size. */
    public static final String BY_GUESTS = "by-guests";
    /** Curve: cost per access against the size of the guests, at one number of guests. */
    public static final String BY_SIZE = "by-size";
    /** Accesses per working-set page in the touch phase (at least): 1 - e^-1.5 = 78% touched by uniform picks. */
    public static final double TOUCHES_PER_PAGE = 1.5;
    public static final double TICK_SECONDS = 0.1;
    public static final long SEED = 2024;
    public static final int RESERVED_MIB = 64;
    private static final int PAGES_PER_MIB = 256;

    public BenchCase {
        modes = List.copyOf(modes);
        sets = List.copyOf(sets);
        if (resource == null) {
            if (hosts < 1 || guests < hosts) {
                throw new IllegalArgumentException(name + ": " + guests + " guests on " + hosts + " hosts");
            }
            if (workingSetMib < 1 || workingSetMib > guestMib) {
                throw new IllegalArgumentException(name + ": working set of " + workingSetMib + " MiB in " + guestMib + " MiB");
            }
            if (modes.isEmpty()) {
                throw new IllegalArgumentException(name + ": no translation mode");
            }
            if (ticks(touchSeconds) < 1 || ticks(steadySeconds) < 1) {
                throw new IllegalArgumentException(name + ": phases of at least one tick");
            }
        }
    }

    /** A generated scenario. */
    public static BenchCase generated(String name, boolean fixed, String curve, int hosts, int guests, int guestMib,
                                      int workingSetMib, double touchSeconds, double steadySeconds,
                                      double accessesPerSecond, List<String> modes) {
        return new BenchCase(name, fixed, curve, hosts, guests, guestMib, workingSetMib, touchSeconds, steadySeconds,
                accessesPerSecond, modes, null, List.of(), null);
    }

    /** A scenario of the library (a classpath resource), with overrides and one value of its sweep. */
    public static BenchCase library(String name, String resource, List<String> sets, String sweepLabel) {
        return new BenchCase(name, true, null, 0, 0, 0, 0, 0, 0, 0, List.of(), resource, sets, sweepLabel);
    }

    /** What the case is part of: {@code fixed}, a curve, or both ({@code fixed, by-guests}). */
    public String group() {
        return fixed ? (curve == null ? "fixed" : "fixed, " + curve) : curve == null ? "" : curve;
    }

    public boolean isGenerated() {
        return resource == null;
    }

    static long ticks(double seconds) {
        return Math.round(seconds / TICK_SECONDS);
    }

    /** Guests of host {@code h} (0-based): an even share, the first hosts taking the remainder. */
    int guestsOnHost(int h) {
        return guests / hosts + (h < guests % hosts ? 1 : 0);
    }

    /** How the guests are spread, e.g. {@code 2 x 32} or {@code 500 + 499}. */
    public String spread() {
        if (!isGenerated()) {
            return "1 host";
        }
        if (guests % hosts == 0) {
            return hosts + " x " + guests / hosts;
        }
        StringBuilder s = new StringBuilder();
        for (int h = 0; h < hosts; h++) {
            s.append(h == 0 ? "" : " + ").append(guestsOnHost(h));
        }
        return s.toString();
    }

    /** The touch phase's rate: the steady rate, or faster when needed to touch the working set in time. */
    double touchAccessesPerSecond() {
        double touch = Math.ceil(TOUCHES_PER_PAGE * workingSetMib * PAGES_PER_MIB / touchSeconds);
        return Math.max(accessesPerSecond, touch);
    }

    /** The generated scenario as HOCON. */
    public String hocon() {
        if (!isGenerated()) {
            throw new IllegalStateException(name + " is a library scenario");
        }
        StringBuilder s = new StringBuilder();
        s.append("# Generated by `ballast bench` (").append(group()).append("): ").append(guests).append(" guests x ")
                .append(guestMib).append(" MiB on ").append(hosts).append(hosts == 1 ? " host" : " hosts")
                .append(", working set ").append(workingSetMib).append(" MiB each.\n")
                .append("# A touch phase (uniform over the working set) then a hot-cold steady phase.\n");
        s.append(String.format(Locale.ROOT,
                "scenario { name = \"bench-%s\", seed = %d, duration = %s, tick = %dms, sample-every = %s }%n",
                name, SEED, seconds(touchSeconds + steadySeconds), Math.round(TICK_SECONDS * 1000), seconds(touchSeconds)));
        s.append("hosts {\n");
        for (int h = 0; h < hosts; h++) {
            long mib = (long) guestsOnHost(h) * guestMib + RESERVED_MIB;
            // One core per guest: the bench measures the simulator's own speed, so the time model must not
            // throttle the work it plays (a few cores could not run thousands of guests' demand).
            s.append(String.format(Locale.ROOT, "  h%d { memory = %dMiB, reserved = %dMiB, cpu { cores = %d } }%n", h + 1, mib,
                    RESERVED_MIB, Math.max(1, guestsOnHost(h))));
        }
        s.append("}\n");
        s.append(String.format(Locale.ROOT, "guest-templates {%n  bench {%n    os = linux%n    memory = %dMiB%n"
                        + "    workload {%n      type = phases%n      phases = [%n"
                        + "        { duration = %s, working-set = %dMiB, accesses-per-second = %s, write-fraction = 0.3 }%n"
                        + "        { working-set = %dMiB, accesses-per-second = %s, write-fraction = 0.2,"
                        + " hot-fraction = 0.02, hot-access-fraction = 0.95 }%n"
                        + "      ]%n    }%n  }%n}%n",
                guestMib, seconds(touchSeconds), workingSetMib, number(touchAccessesPerSecond()), workingSetMib,
                number(accessesPerSecond)));
        s.append("guests {\n");
        for (int h = 0; h < hosts; h++) {
            int onHost = guestsOnHost(h);
            for (int m = 0; m < modes.size(); m++) {
                int count = onHost / modes.size() + (m < onHost % modes.size() ? 1 : 0);
                if (count > 0) {
                    s.append(String.format(Locale.ROOT, "  h%d-%s { template = bench, host = h%d, mode = %s, count = %d }%n",
                            h + 1, modes.get(m), h + 1, modes.get(m), count));
                }
            }
        }
        s.append("}\n");
        return s.toString();
    }

    private static String seconds(double s) {
        return Math.round(s * 1000) + "ms";
    }

    private static String number(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
}
