package ballast.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench's CPU time of the steady window, read per thread to the nanosecond. */
class JvmProbeThreadCpuTest {

    @Test
    void theWindowsCpuIsEachThreadsDifferenceAndAThreadStartedInItCountsWhole() {
        Map<Long, Long> before = Map.of(1L, 1_000L, 2L, 5_000L);
        Map<Long, Long> after = Map.of(1L, 1_700L, 2L, 5_050L, 3L, 400L);
        assertThat(JvmProbe.threadCpuNanosBetween(before, after)).isEqualTo(700 + 50 + 400);
    }

    @Test
    void aThreadThatEndedInTheWindowMakesItUnknown() {
        assertThat(JvmProbe.threadCpuNanosBetween(Map.of(1L, 10L, 2L, 10L), Map.of(1L, 30L))).isEqualTo(-1);
        assertThat(JvmProbe.threadCpuNanosBetween(Map.of(), Map.of(1L, 30L))).isEqualTo(-1);
        assertThat(JvmProbe.threadCpuNanosBetween(Map.of(1L, 30L), Map.of())).isEqualTo(-1);
    }

    @Test
    void theCompilersShareCountsOnlyTheThreadsNamedAndIsUnknownWhenTheWholeIs() {
        Map<Long, Long> before = Map.of(1L, 1_000L, 2L, 5_000L);
        Map<Long, Long> after = Map.of(1L, 1_700L, 2L, 5_050L, 3L, 400L);
        assertThat(JvmProbe.threadCpuNanosBetween(before, after, java.util.Set.of(2L, 3L))).isEqualTo(50 + 400);
        assertThat(JvmProbe.threadCpuNanosBetween(before, after, java.util.Set.of(9L))).isZero();
        assertThat(JvmProbe.threadCpuNanosBetween(Map.of(1L, 10L, 2L, 10L), Map.of(1L, 30L), java.util.Set.of(1L))).isEqualTo(-1);
    }

    @Test
    void thisJvmsCompilerThreadsAreFoundAmongItsThreadsWhereLinuxNamesThem() {
        java.util.Set<Long> compilers = JvmProbe.compilerThreads();
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"))) {
            // a JVM with a JIT (not -Xint) keeps at least one compiler thread
            assertThat(compilers).isNotEmpty();
            assertThat(JvmProbe.threadCpuNanos().keySet()).containsAll(compilers);
        } else {
            assertThat(compilers).isEmpty();
        }
    }

    @Test
    void thisProcessesThreadsAreReadWhereLinuxHasSchedstat() {
        Map<Long, Long> now = JvmProbe.threadCpuNanos();
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"))) {
            assertThat(now).isNotEmpty();
            assertThat(now.values()).allSatisfy(v -> assertThat(v).isNotNegative());
            assertThat(now.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        } else {
            assertThat(now).isEmpty();
        }
    }
}
