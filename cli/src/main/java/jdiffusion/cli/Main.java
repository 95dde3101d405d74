package jdiffusion.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code jdiffusion} command: webui-style generation, upscaling and model tools. */
@Command(name = "jdiffusion", mixinStandardHelpOptions = true, version = "jdiffusion 0.1.0-SNAPSHOT",
        description = "Pure-Java Stable Diffusion with the AUTOMATIC1111 webui's img2img semantics.",
        subcommands = {Img2ImgCommand.class, Txt2ImgCommand.class, UpscaleCommand.class, InspectCommand.class,
            EvalCommand.class, SamplersCommand.class, InfotextCommand.class, CompletionCommand.class},
        footer = {"", "Exit codes (img2img, txt2img, upscale, samplers, infotext): 0 done; 1 nothing found; "
                + "2 usage or invalid value; 4 file missing, unreadable or not an image; 5 unusable model file; "
                + "6 runtime/internal error; 7 device unavailable; 130 cancelled."})
public final class Main implements Callable<Integer> {
    private final Env env;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace as well as the one-line message.")
    boolean debug;

    public Main(Env env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(Env.current(), args));
    }

    /** Runs the command line in-process in the current folder and returns the exit code (tests call this). */
    public static int run(String... args) {
        return run(Env.current().withoutSignals(), args);
    }

    /** Runs the command line in-process in {@code env} and returns the exit code. */
    public static int run(Env env, String... args) {
        return commandLine(env, Arrays.asList(args).contains("--debug")).execute(args);
    }

    /** Runs in {@code env} with the given output and error writers (tests read them back). */
    public static int run(Env env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(env, Arrays.asList(args).contains("--debug"));
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured command line (also used to generate the completion script). */
    static CommandLine commandLine(Env env, boolean debugRequested) {
        Main main = new Main(env);
        CommandLine cl = new CommandLine(main);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("jdiffusion " + cmd.getCommandName() + ": " + ExitCodes.message(ex));
            if (main.debug || debugRequested) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.of(ex);
        });
        return cl;
    }

    /** One line naming the problem, picocli's "did you mean" suggestions, and where to find help. */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return ExitCodes.USAGE;
    }

    Env env() {
        return env;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
