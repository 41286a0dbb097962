package ballast.app.cli;

import ballast.scheduler.run.RunControl;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how far a run has got, once it has lasted {@link #DEFAULT_DELAY} of wall time (short runs
 * stay silent). On a terminal: a progress bar on stderr (me.tongfei:progressbar, our own line:
 * {@link #bar}) with the ticks played, ticks per wall second since the run started, an estimate of
 * the time left and the simulated seconds, fitted to the terminal's width. When stderr
 * is not a terminal (a log file, CI): one plain line every {@link #LINE_EVERY}. With
 * {@code --quiet}: nothing.
 *
 * <p>A daemon thread polls the {@link RunControl} a few times a second; the simulation itself
 * never waits for it.
 */
final class Progress implements AutoCloseable {
    /** How progress is shown. */
    enum Style { BAR, LINES, NONE }

    static final Duration DEFAULT_DELAY = Duration.ofSeconds(2);
    static final Duration LINE_EVERY = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 200;

    private final Style style;
    private final String name;
    private final long totalTicks;
    private final double tickSeconds;
    private final RunControl control;
    private final PrintStream terminal;
    private final PrintWriter lines;
    private final Duration delay;
    private final Thread thread;
    private volatile boolean closing;
    private ProgressBar bar;

    Progress(Style style, String name, long totalTicks, double tickSeconds, RunControl control,
             PrintStream terminal, PrintWriter lines, Duration delay) {
        this.style = style;
        this.name = name;
        this.totalTicks = totalTicks;
        this.tickSeconds = tickSeconds;
        this.control = control;
        this.terminal = terminal;
        this.lines = lines;
        this.delay = delay;
        this.thread = new Thread(this::loop, "ballast-progress");
        this.thread.setDaemon(true);
    }

    /** The style for this process: none when quiet, a bar when stderr is a terminal, else lines. */
    static Style styleFor(boolean quiet) {
        if (quiet) {
            return Style.NONE;
        }
        return stderrIsTerminal() ? Style.BAR : Style.LINES;
    }

    /**
     * Whether stderr is a terminal. On Linux, from what file descriptor 2 points at; elsewhere
     * {@link System#console()}, which tells about stdin and stdout only.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // fall through
        }
        return System.console() != null;
    }

    /** The delay before progress shows: {@code -Dballast.progress.delay-ms=N} or the default. */
    static Duration configuredDelay() {
        String ms = System.getProperty("ballast.progress.delay-ms");
        if (ms != null) {
            try {
                return Duration.ofMillis(Math.max(0, Long.parseLong(ms.trim())));
            } catch (NumberFormatException e) {
                // ignore a malformed value
            }
        }
        return DEFAULT_DELAY;
    }

    Progress start() {
        if (style != Style.NONE && totalTicks > 0) {
            thread.start();
        }
        return this;
    }

    private void loop() {
        long start = System.nanoTime();
        long nextLine = start + delay.toNanos();
        while (!closing) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            if (now - start < delay.toNanos() || closing) {
                continue;
            }
            long ticks = control.ticksDone();
            if (style == Style.BAR) {
                synchronized (this) {
                    if (closing) {
                        return;
                    }
                    if (bar == null) {
                        bar = newBar(start);
                    }
                    bar.stepTo(ticks);
                }
            } else if (now >= nextLine) {
                lines.println(line(name, ticks, totalTicks, tickSeconds, (now - start) / 1e9));
                lines.flush();
                nextLine = now + LINE_EVERY.toNanos();
            }
        }
    }

    private ProgressBar newBar(long startNanos) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        return new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(totalTicks)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis((int) POLL_MILLIS)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(terminal))
                .startsFrom(0, elapsed)
                // the whole line is drawn here: its rate and time left over the time since the run started
                .setRenderer((state, width) -> bar(name, state.getCurrent(), state.getMax(), tickSeconds,
                        state.getTotalElapsed().toNanos() / 1e9, width))
                .build();
    }

    /** The narrowest bar drawn between the brackets; pieces of the line are dropped before it gets narrower. */
    static final int MIN_BAR = 10;
    private static final int MAX_BAR = 40;
    private static final int MAX_NAME = 16;

    /**
     * The progress bar's line for a terminal {@code width} columns wide, at most {@code width - 1}
     * characters long (a line as wide as the terminal wraps in some): the run's name, the share
     * done, the bar, the ticks, the ticks per wall second since the run started, the time left and
     * the simulated seconds. When they do not all fit beside a bar of {@link #MIN_BAR}, the
     * simulated seconds go first, then the time left, then the rate.
     */
    static String bar(String name, long ticks, long total, double tickSeconds, double wallSeconds, int width) {
        int room = Math.max(width, 40) - 1;
        String shown = name.length() > MAX_NAME ? name.substring(0, MAX_NAME - 1) + "~" : name;
        double done = total <= 0 ? 1 : Math.min(1, (double) ticks / total);
        String head = String.format(Locale.ROOT, "%s %3d%% ", shown, (int) Math.floor(done * 100));
        String count = String.format(Locale.ROOT, " %d/%d ticks", ticks, total);
        double rate = wallSeconds > 0 ? ticks / wallSeconds : 0;
        List<String> optional = new java.util.ArrayList<>(List.of(
                String.format(Locale.ROOT, " %.1f ticks/s", rate),
                " " + eta(ticks, total, wallSeconds).map(d -> clock(d) + " left").orElse("--:-- left"),
                String.format(Locale.ROOT, " sim %.1f s", ticks * tickSeconds)));
        String tail = count + String.join("", optional);
        while (room - head.length() - 2 - tail.length() < MIN_BAR && !optional.isEmpty()) {
            optional.remove(optional.size() - 1);
            tail = count + String.join("", optional);
        }
        int barWidth = Math.max(1, Math.min(MAX_BAR, room - head.length() - 2 - tail.length()));
        int filled = (int) Math.floor(done * barWidth);
        StringBuilder line = new StringBuilder(room).append(head).append('[');
        for (int i = 0; i < barWidth; i++) {
            line.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        line.append(']').append(tail);
        return line.length() > room ? line.substring(0, room) : line.toString();
    }

    /** A time left as m:ss, or h:mm:ss from an hour. */
    static String clock(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }

    /** Time left at the average pace so far; empty until a tick has been played. */
    static Optional<Duration> eta(long ticks, long total, double wallSeconds) {
        if (ticks <= 0 || wallSeconds <= 0) {
            return Optional.empty();
        }
        double left = (total - ticks) * wallSeconds / ticks;
        return Optional.of(Duration.ofMillis(Math.round(left * 1000)));
    }

    /** The plain progress line printed when stderr is not a terminal. */
    static String line(String name, long ticks, long total, double tickSeconds, double wallSeconds) {
        double rate = wallSeconds > 0 ? ticks / wallSeconds : 0;
        Optional<Duration> eta = eta(ticks, total, wallSeconds);
        return String.format(Locale.ROOT, "ballast: %s: tick %d/%d (%.0f%%), %.1f/%.1f s simulated, %.1f ticks/s, %s",
                name, ticks, total, total == 0 ? 100.0 : 100.0 * ticks / total, ticks * tickSeconds,
                total * tickSeconds, rate, eta.map(d -> "about " + human(d) + " left").orElse("time left unknown"));
    }

    static String human(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    /** Stops the display; a bar is drawn one last time at the final tick count. */
    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (bar != null) {
                bar.stepTo(control.ticksDone());
                bar.close();
                bar = null;
            }
        }
    }
}
