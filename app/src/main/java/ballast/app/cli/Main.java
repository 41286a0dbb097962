package ballast.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ballast} command line. Without a subcommand it runs the quickstart scenario.
 * Exit codes: 0 success, 1 a failed run or a violated invariant, 2 bad input, 130 interrupted (Ctrl-C).
 */
@Command(name = "ballast", mixinStandardHelpOptions = true, version = "ballast 0.1.0",
        description = "Simulates hypervisor memory management (page tables, shadow paging, para-virtual "
                + "and nested translation) for the hosts and guests of a HOCON scenario.",
        subcommands = {RunCommand.class, ValidateCommand.class, ListCommand.class, CompareCommand.class, ReportCommand.class, NodeCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    /** A run stopped by Ctrl-C: 128 + SIGINT, as a shell reports it. */
    public static final int INTERRUPTED = 130;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Reached only with top-level options and no subcommand: show the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    /** Runs the command line with the given streams; returns the exit code. Never prints a stack trace for bad input. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> FAILED);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("ballast: " + e.getMessage());
            err.println("try 'ballast --help'");
            err.flush();
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("ballast: internal error: " + e);
            if (System.getenv("BALLAST_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        });
        // No arguments at all: run the quickstart.
        int code = cli.execute(args.length == 0 ? new String[] {"run"} : args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        // Initialise logging before any actor thread asks for a logger (else SLF4J warns that it replays calls).
        org.slf4j.LoggerFactory.getLogger(Main.class);
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }
}
