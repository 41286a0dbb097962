package ballast.app.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.ObjectName;

/**
 * What the bench reads about the machine and this JVM: heap used after a full collection, CPU
 * and garbage-collection time, the load average, the class histogram, and a description of the
 * machine for the results' header.
 */
public final class JvmProbe {
    private JvmProbe() {
    }

    /** Heap used right after a full collection (System.gc(), which every collector here honours). */
    public static long heapUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static long maxHeapBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    /** CPU nanoseconds of the whole process (every thread), or -1 when the platform does not say. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * CPU nanoseconds of the process's live threads (Java and the JVM's own: compilers, collectors),
     * to the nanosecond: the sum of the first field of {@code /proc/self/task/TID/schedstat}. Keyed by
     * thread id, so that a caller can tell whether a thread ended between two readings (its time
     * is then gone from the sum). Empty when the platform has no such files. {@link #processCpuNanos}
     * counts in clock ticks (10 ms here), too coarse for a steady window of a few tens of
     * milliseconds.
     */
    public static java.util.Map<Long, Long> threadCpuNanos() {
        java.util.Map<Long, Long> byThread = new java.util.HashMap<>();
        if (!eachTask("schedstat", (id, line) -> {
            int space = line.indexOf(' ');
            byThread.put(id, Long.parseLong(space < 0 ? line : line.substring(0, space)));
        })) {
            byThread.clear();
        }
        return byThread;
    }

    /**
     * Reads {@code /proc/self/task/TID/FILE} of every live thread, trimmed, and hands it to {@code each}
     * with the thread's id; a thread that ends while listed (or a line that does not parse) is left
     * out. False when the folder cannot be listed (not Linux).
     */
    private static boolean eachTask(String file, java.util.function.BiConsumer<Long, String> each) {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return false;
        }
        try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) list::iterator) {
                try {
                    each.accept(Long.parseLong(task.getFileName().toString()),
                            java.nio.file.Files.readString(task.resolve(file)).trim());
                } catch (java.io.IOException | NumberFormatException e) {
                    // the thread ended while listed
                }
            }
            return true;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * CPU nanoseconds the process's threads spent between two readings of {@link #threadCpuNanos},
     * or -1 when unknown: when either reading is empty, or a thread of the first ended before the
     * second (its time would be missing).
     */
    public static long threadCpuNanosBetween(java.util.Map<Long, Long> before, java.util.Map<Long, Long> after) {
        if (before.isEmpty() || after.isEmpty() || !after.keySet().containsAll(before.keySet())) {
            return -1;
        }
        long sum = 0;
        for (java.util.Map.Entry<Long, Long> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    /**
     * CPU nanoseconds the threads {@code include} names spent between two readings of
     * {@link #threadCpuNanos}, or -1 when unknown (as {@link #threadCpuNanosBetween(java.util.Map, java.util.Map)}).
     */
    public static long threadCpuNanosBetween(java.util.Map<Long, Long> before, java.util.Map<Long, Long> after,
                                             java.util.Set<Long> include) {
        long all = threadCpuNanosBetween(before, after);
        if (all < 0) {
            return -1;
        }
        long sum = 0;
        for (java.util.Map.Entry<Long, Long> e : after.entrySet()) {
            if (include.contains(e.getKey())) {
                sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
            }
        }
        return sum;
    }

    /**
     * The ids of the JIT compilers' threads now ({@code /proc/self/task/TID/comm} names them "C1
     * CompilerThre..." and "C2 CompilerThre...", cut to 15 characters); empty where there are no such files.
     */
    public static java.util.Set<Long> compilerThreads() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        if (!eachTask("comm", (id, name) -> {
            if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                ids.add(id);
            }
        })) {
            ids.clear();
        }
        return ids;
    }

    /** Bytes allocated on the heap so far by every live thread, or -1 when the platform does not say. */
    public static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getTotalThreadAllocatedBytes();
        }
        return -1;
    }

    /**
     * Milliseconds the JIT compilers have spent compiling so far (their threads' time, which the
     * process's CPU time includes), or -1 when the JVM does not say.
     */
    public static long compilationMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** Milliseconds spent in garbage collection so far, all collectors. */
    public static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /** Seconds since this process started (the JVM's launch, class loading included), or NaN. */
    public static double secondsSinceProcessStart() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> (Instant.now().toEpochMilli() - start.toEpochMilli()) / 1000.0)
                .orElse(Double.NaN);
    }

    /**
     * Seconds the launcher ({@code ./ballast}) spent preparing the class-data archive before it
     * started this JVM (once per build: a training run of its own), which the process's age
     * includes; 0 when this launch did not prepare it.
     */
    public static double launcherArchiveSeconds() {
        return archiveSeconds(System.getenv("BALLAST_ARCHIVE_NANOS"));
    }

    /** {@link #launcherArchiveSeconds} of the launcher's variable's value: 0 when absent, malformed or negative. */
    static double archiveSeconds(String nanos) {
        if (nanos == null) {
            return 0;
        }
        try {
            long n = Long.parseLong(nanos.trim());
            return n > 0 ? n / 1e9 : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg shows them, or "unknown". */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", one);
        }
    }

    /** Lines describing the machine and the JVM. */
    public static List<String> machine() {
        List<String> lines = new ArrayList<>();
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        lines.add(String.format(Locale.ROOT, "machine: %d cores%s, %s memory, %s %s", Runtime.getRuntime().availableProcessors(),
                cpuModel(), memory < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memory / (double) (1L << 30)),
                System.getProperty("os.name"), System.getProperty("os.arch")));
        lines.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "; max heap " + BenchTable.mib(maxHeapBytes()) + " MiB; collectors " + collectors());
        lines.add("JVM options: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return lines;
    }

    private static String collectors() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        return String.join(", ", names);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return " (" + line.substring(line.indexOf(':') + 1).trim() + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no model name
        }
        return "";
    }

    /**
     * The heap's class histogram (a full collection first): the {@code top} classes by bytes, as
     * {@code jcmd PID GC.class_histogram} prints them, or a line saying why there is none.
     */
    public static String classHistogram(int top) {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
            String[] lines = String.valueOf(out).split("\n");
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < lines.length; i++) {
                // header (2 lines), the top classes, and the Total line
                if (i < top + 3 || lines[i].startsWith("Total")) {
                    s.append(lines[i]).append('\n');
                }
            }
            return s.toString();
        } catch (Exception e) {
            return "no class histogram: " + e + "\n";
        }
    }
}
