package ballast.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench table's arithmetic, its CSV columns and the verdicts on the targets. */
class BenchTableTest {

    /** A row with the given figures and plausible others. */
    static BenchRow row(String name, String group, int guests, int guestMib, long guestPages, double wall, long accesses,
                        long windowAccesses, double windowWall, double windowCpu, double raw, long heap, long baseline,
                        boolean ok) {
        return new BenchRow(name, group, "2 x " + guests / 2, 2, guests, guestMib, guestPages, guestPages / 2, 10.0, wall,
                0.5, accesses, windowAccesses, windowWall, windowCpu, 16 * windowAccesses, raw, raw * 0.8, 64, heap, baseline, 2 * wall, 0.1, 0, ok,
                0.02, Double.NaN, 0x1234L, raw * 0.2, raw * 1.6, Double.NaN,
                // two thirds of the time and accesses outside the window before it, a third after
                new BenchRow.Around((wall - windowWall) * 2 / 3, (accesses - windowAccesses) * 2 / 3, (wall - windowWall) / 3,
                        (accesses - windowAccesses) / 3));
    }

    @Test
    void derivedFiguresFollowFromTheMeasuredOnes() {
        // 4,194,304 pages; 400 MiB at the end, 16 MiB before: 384 MiB of state = 96 bytes per page
        BenchRow r = row("64x256MiB", "fixed", 64, 256, 4_194_304, 8.0, 400_000_000, 300_000_000, 5.0, 9.0, 12.5,
                400L << 20, 16L << 20, true);
        assertThat(r.accessesPerWallSecond()).isEqualTo(50e6);
        assertThat(r.windowAccessesPerWallSecond()).isEqualTo(60e6);
        assertThat(r.nanosPerAccess()).isCloseTo(5e9 / 300e6, within(1e-12));
        assertThat(r.ratioToRaw()).isCloseTo(5e9 / 300e6 / 12.5, within(1e-12));
        assertThat(r.cpuNanosPerAccess()).isCloseTo(30.0, within(1e-9));
        assertThat(r.cpuRatioToRaw()).isCloseTo(3.0, within(1e-9)); // against the raw kernel's 10 ns of CPU
        assertThat(r.allocatedBytesPerAccess()).isEqualTo(16.0);
        assertThat(r.stateBytes()).isEqualTo(384L << 20);
        assertThat(r.bytesPerGuestPage()).isEqualTo(96.0);
        assertThat(r.realTimeFactor()).isEqualTo(10.0 / 8.0);
        assertThat(r.coresBusy()).isEqualTo(2.0);
    }

    @Test
    void degenerateFiguresAreNotNumbersAndStateIsNeverNegative() {
        BenchRow r = row("x", "", 2, 1, 0, 0, 0, 0, 0, 0, 0, 10, 20, false);
        assertThat(r.stateBytes()).isZero();
        assertThat(r.bytesPerGuestPage()).isNaN();
        assertThat(r.accessesPerWallSecond()).isNaN();
        assertThat(r.nanosPerAccess()).isNaN();
        assertThat(r.ratioToRaw()).isNaN();
        assertThat(r.realTimeFactor()).isNaN();
        assertThat(BenchTable.text(List.of(r))).contains(" - ");
        assertThat(BenchTable.csv(List.of(r)).lines().skip(1).findFirst().orElseThrow()).contains(",,");
    }

    @Test
    void csvHasEveryColumnInOrderAndQuotesFieldsWithCommas() {
        String header = BenchTable.csvHeader();
        assertThat(header.split(",")).containsExactly("scenario", "group", "spread", "hosts", "guests", "guestMiB",
                "guestPages", "pagesTouched", "simulatedSeconds", "wallSeconds", "startupSeconds", "accesses",
                "accessesPerWallSecond", "windowAccesses", "windowWallSeconds", "windowCpuSeconds",
                "windowAllocatedBytes", "windowAccessesPerWallSecond", "nsPerAccess", "rawNsPerAccess", "rawCpuNsPerAccess", "rawGuests", "ratioToRaw",
                "cpuNsPerAccess", "cpuRatioToRaw", "allocBytesPerAccess", "heapBytes", "baselineHeapBytes", "stateBytes", "bytesPerGuestPage",
                "realTimeFactor", "cpuSeconds", "gcSeconds", "coresBusy", "readMismatches", "ok", "coldCpuNsPerAccess",
                "windowJitSeconds", "rawWork", "generationCpuNsPerAccess", "rawPlusGenerationRatio", "rawPlayedCpuNsPerAccess",
                "windowCompilerCpuSeconds", "cpuNsPerAccessWithoutCompilers", "beforeWindowWallSeconds",
                "beforeWindowAccesses", "afterWindowWallSeconds", "afterWindowAccesses");
        BenchRow r = row("10000x64MiB", "fixed, by-guests", 10000, 64, 163_840_000, 20.0, 1_000_000_000, 500_000_000, 10.0,
                20.0, 10.0, 6_000_000_000L, 40_000_000L, true);
        List<String> lines = BenchTable.csv(List.of(r)).lines().toList();
        assertThat(lines).hasSize(2);
        String line = lines.get(1);
        assertThat(line).startsWith("10000x64MiB,\"fixed, by-guests\",2 x 5000,2,10000,64,163840000,81920000,10,20,0.5,"
                + "1000000000,50000000,500000000,10,20,8000000000,50000000,20,10,8,64,2,40,5,16,6000000000,40000000,5960000000,");
        // played once: no cold figure; the generation 2 ns on the raw kernel's 8: a floor of 1.25
        // 10 s and 500 million accesses outside the window: two thirds before it, a third after
        assertThat(line).endsWith(",0,true,,0.02,0000000000001234,2,1.25,16,,," + (10.0 * 2 / 3) + ",333333333,"
                + (10.0 / 3) + ",166666666");
        // one field per column once the quoted group is counted as one
        assertThat(line.replace("\"fixed, by-guests\"", "g").split(",", -1)).hasSize(header.split(",").length);
    }

    @Test
    void aWarmReplayKeepsTheFirstPlaysCpuPerAccessAsItsColdFigure() {
        BenchRow first = row("10x16MiB", "by-guests", 10, 16, 40_960, 0.1, 1_000_000, 800_000, 0.05, 0.1, 20.0,
                30L << 20, 16L << 20, true);
        assertThat(first.warm()).isFalse();
        assertThat(BenchTable.text(List.of(first)).lines().skip(1).findFirst().orElseThrow()).endsWith("yes            -   0.02         4.0     1.25          -               -");
        BenchRow warm = first.withCold(125.0);
        assertThat(warm.warm()).isTrue();
        assertThat(warm.coldCpuNanosPerAccess()).isEqualTo(125.0);
        assertThat(warm.cpuNanosPerAccess()).isEqualTo(first.cpuNanosPerAccess());
        assertThat(BenchTable.text(List.of(warm))).contains("125.0");
        assertThat(BenchTable.csv(List.of(warm)).lines().skip(1).findFirst().orElseThrow()).contains(",true,125,0.02,0000000000001234,4,1.25,32,,,");
    }

    @Test
    void textAndMarkdownShowTheRoundedFigures() {
        BenchRow r = row("64x256MiB", "fixed", 64, 256, 4_194_304, 8.0, 400_000_000, 300_000_000, 5.0, 9.0, 12.5,
                400L << 20, 16L << 20, true);
        String text = BenchTable.text(List.of(r));
        assertThat(text.lines().findFirst().orElseThrow()).startsWith("scenario").contains("B/page", "ratio", "raw ns/acc");
        assertThat(text).contains("4,194,304", "50.0M", "60.0M", "16.7", "12.5", "1.33", "96.0", "400");
        String md = BenchTable.markdown(List.of(r));
        assertThat(md.lines().toList().get(1)).startsWith("|---|---:|");
        assertThat(md.lines().toList().get(2)).startsWith("| 64x256MiB | 2 x 32 | 64 | 4,194,304 |");
    }

    @Test
    void verdictsJudgeEachTargetAndSayWhatWasNotMeasured() {
        BenchRow fast = row(BenchTable.SCENARIO_64, "fixed", 64, 256, 4_194_304, 8.0, 384_000_000, 300_000_000, 5.0,
                9.0, 12.5, 400L << 20, 16L << 20, true);
        BenchRow big = row(BenchTable.SCENARIO_1000, "fixed", 1000, 1024, 262_144_000, 100, 1, 1, 1, 1, 1,
                (262_144_000L * 39) + (50L << 20), 50L << 20, true);
        List<BenchTable.Verdict> v = BenchTable.verdicts(List.of(fast, big), 1.5, 12L << 30);
        assertThat(v).hasSize(13);
        assertThat(v.get(0).met()).as("48 million accesses per second").isFalse();
        assertThat(v.get(1).met()).as("ratio 1.33").isTrue();
        assertThat(v.get(1).measured()).startsWith("1.33x wall (16.7 ns against 12.5 ns); in CPU time 3.00x (30.0 ns");
        assertThat(v.get(2).met()).as("39 bytes per page in 12 GiB").isTrue();
        assertThat(v.get(2).measured()).startsWith("39.0 bytes per guest page");
        assertThat(v.get(3).met()).as("no ESX row").isNull();
        assertThat(v.get(3).shown()).isEqualTo("not measured");
        assertThat(v.get(4).met()).as("1.5 s startup").isTrue();
        assertThat(v.get(5).met()).isNull();

        // a larger heap than 12 GiB does not count, nor a failed run, nor a slow startup
        assertThat(BenchTable.verdicts(List.of(big), 1.5, 16L << 30).get(2).met()).isFalse();
        BenchRow failed = row(BenchTable.SCENARIO_1000, "fixed", 1000, 1024, 262_144_000, 100, 1, 1, 1, 1, 1,
                262_144_000L, 0, false);
        assertThat(BenchTable.verdicts(List.of(failed), 2.5, 12L << 30).get(2).met()).isFalse();
        assertThat(BenchTable.verdicts(List.of(failed), 2.5, 12L << 30).get(4).met()).isFalse();
        assertThat(BenchTable.verdicts(List.of(), Double.NaN, 12L << 30).get(4).met()).isNull();
    }

    @Test
    void speedVerdictsJudgeCpuRatiosShowingTheGenerationFloorAndTheWholeRunRate() {
        // 30 ns of CPU against the raw kernel's 10 (x3.00); 45 million accesses a second over the run, 60 in the steady window
        BenchRow r64 = row(BenchTable.SCENARIO_64, "fixed", 64, 256, 4_194_304, 8.0, 360_000_000, 300_000_000, 5.0, 9.0,
                12.5, 1, 0, true);
        BenchRow r16 = row("16x256MiB-size", BenchCase.BY_SIZE, 16, 256, 1_048_576, 1, 1, 1_000_000, 0.01, 0.010, 10, 1, 0, true);
        BenchRow ten = row("10x16MiB", BenchCase.BY_GUESTS, 10, 16, 40_960, 1, 1, 1_000_000, 0.01, 0.020, 15, 1, 0, true);
        BenchRow tenThousand = row("10000x16MiB", BenchCase.BY_GUESTS, 10000, 16, 40_960_000, 1, 1, 1_000_000, 0.01, 0.029,
                15, 1, 0, true);
        BenchRow esx = row(BenchTable.SCENARIO_SHARING, "fixed", 10, 40, 102_400, 1, 1, 1_000_000, 0.01, 0.036, 20, 1, 0, true);
        List<BenchTable.Verdict> v = BenchTable.speedVerdicts(List.of(tenThousand, esx, r64, ten, r16));
        assertThat(v).extracting(BenchTable.Verdict::met).containsExactly(false, true, false, true, true, false);
        assertThat(v.get(0).target()).isEqualTo("64 x 256 MiB: CPU per access at most 1.3x the raw kernel's");
        assertThat(v.get(0).measured()).isEqualTo("3.00x (30.0 ns of all threads against 10.0 ns); with the guests' generation"
                + " of the same accesses (2.5 ns on its thread) the raw kernel would be at 1.25x");
        assertThat(v.get(1).measured()).startsWith("1.25x (10.0 ns"); // 16 x 256 MiB, at most 1.3x
        assertThat(v.get(2).target()).startsWith("10,000 guests: CPU per access at most 2.0x");
        assertThat(v.get(2).measured()).startsWith("2.42x (29.0 ns")
                .endsWith("; the raw kernel replayed 64 of the 10,000 guests (--raw-guests 10000 replays them all)");
        assertThat(v.get(3).measured()).isEqualTo("10 guests: 20.0 ns; 10,000 guests: 29.0 ns (x1.45)");
        assertThat(v.get(4).measured()).startsWith("2.25x (36.0 ns"); // ESX sharing, at most 2.5x
        assertThat(v.get(4).measured()).doesNotContain("JIT"); // the compilers' CPU unknown
        // 0.012 s of the window's 0.036 s were the compilers': 24 ns per access without them, 1.50x the raw kernel's 16
        BenchRow compiling = withCompilerCpu(esx, 0.012);
        assertThat(compiling.cpuNanosPerAccessWithoutCompilers()).isCloseTo(24.0, within(1e-9));
        assertThat(BenchTable.speedVerdicts(List.of(compiling)).get(4).measured())
                .endsWith("would be at 1.25x; without the JIT compilers' 0.01 s of CPU in the window, 1.50x");
        // the raw kernel: 10 ns of CPU per access in its window, 20 over all its ticks
        // outside the window: 2 s and 40 million accesses before it, 1 s and 20 million after; at 60 million a second
        // those accesses would take 0.67 s and 0.33 s
        assertThat(r64.beforeWindowBeyondSteadySeconds()).isCloseTo(2.0 - 40.0 / 60, within(1e-9));
        assertThat(r64.afterWindowBeyondSteadySeconds()).isCloseTo(1.0 - 20.0 / 60, within(1e-9));
        assertThat(v.get(5).measured()).isEqualTo("75% (45.0 million against 60.0 million accesses per wall second);"
                + " the raw kernel's own, in CPU per access over its ticks: 50%; beyond the steady rate, 1.33 s before the"
                + " window (the first tick ended 0.50 s into the run) and 0.67 s after it (the final audited tick among them)");
        BenchRow unknown = withAround(r64, BenchRow.Around.UNKNOWN);
        assertThat(BenchTable.speedVerdicts(List.of(unknown)).get(5).measured()).as("nothing said of spans not measured")
                .endsWith("over its ticks: 50%");

        BenchRow steadyAsWhole = row(BenchTable.SCENARIO_64, "fixed", 64, 256, 4_194_304, 5.0, 300_000_000, 300_000_000,
                5.0, 9.0, 12.5, 1, 0, true);
        assertThat(BenchTable.speedVerdicts(List.of(steadyAsWhole)).get(5).met()).isTrue();
        BenchRow failed = row(BenchTable.SCENARIO_SHARING, "fixed", 10, 40, 102_400, 1, 1, 1_000_000, 0.01, 0.036, 20, 1, 0,
                false);
        assertThat(BenchTable.speedVerdicts(List.of(failed)).get(4).met()).as("a failed run meets nothing").isFalse();
        assertThat(BenchTable.speedVerdicts(List.of())).extracting(BenchTable.Verdict::met).containsOnlyNulls();
    }

    private static BenchRow withCompilerCpu(BenchRow r, double seconds) {
        return copy(r, seconds, r.around());
    }

    private static BenchRow withAround(BenchRow r, BenchRow.Around around) {
        return copy(r, r.windowCompilerCpuSeconds(), around);
    }

    private static BenchRow copy(BenchRow r, double compilerSeconds, BenchRow.Around around) {
        return new BenchRow(r.name(), r.group(), r.spread(), r.hosts(), r.guests(), r.guestMib(), r.guestPages(),
                r.pagesTouched(), r.simulatedSeconds(), r.wallSeconds(), r.startupSeconds(), r.accesses(), r.windowAccesses(),
                r.windowWallSeconds(), r.windowCpuSeconds(), r.windowAllocatedBytes(), r.rawNanosPerAccess(),
                r.rawCpuNanosPerAccess(), r.rawGuests(), r.heapBytes(), r.baselineHeapBytes(), r.cpuSeconds(), r.gcSeconds(),
                r.readMismatches(), r.ok(), r.windowJitSeconds(), r.coldCpuNanosPerAccess(), r.rawWork(),
                r.generationCpuNanosPerAccess(), r.rawPlayedCpuNanosPerAccess(), compilerSeconds, around);
    }

    @Test
    void aCurveIsLinearWhenItsCostPerAccessDoesNotGrowBeyondTheTolerance() {
        BenchRow ten = row("10x64MiB", BenchCase.BY_GUESTS, 10, 64, 163_840, 1, 1, 1_000_000, 0.02, 0.04, 10, 1, 0, true);
        BenchRow thousand = row("1000x64MiB", BenchCase.BY_GUESTS, 1000, 64, 16_384_000, 1, 1, 1_000_000, 0.029, 0.06, 11,
                1, 0, true);
        BenchRow tenThousand = row("10000x64MiB", "fixed, " + BenchCase.BY_GUESTS, 10000, 64, 163_840_000, 1, 1, 1_000_000,
                0.031, 0.06, 12, 1, 0, true);
        // out of order on purpose: the curve sorts by guests
        List<BenchRow> rows = List.of(tenThousand, ten, thousand);
        assertThat(BenchTable.curve(rows, BenchCase.BY_GUESTS)).containsExactly(ten, thousand, tenThousand);
        BenchTable.Verdict linear = BenchTable.curveVerdict(rows, BenchCase.BY_GUESTS);
        assertThat(linear.met()).as(linear.measured()).isFalse(); // 31 ns against 20 ns: x1.55
        assertThat(linear.measured()).contains("10 guests: 20.0 ns", "10,000 guests: 31.0 ns", "x1.55", "raw kernel x1.20");
        assertThat(BenchTable.curveVerdict(List.of(ten, thousand), BenchCase.BY_GUESTS).met()).isTrue();
        assertThat(BenchTable.curveVerdict(List.of(ten), BenchCase.BY_GUESTS).met()).isNull();
        assertThat(BenchTable.curve(rows, BenchCase.BY_SIZE)).isEmpty();
    }
}
