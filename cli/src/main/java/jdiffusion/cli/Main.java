package jdiffusion.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jdiffusion} command. Subcommands arrive with their issues. */
@Command(name = "jdiffusion", mixinStandardHelpOptions = true, version = "jdiffusion 0.1.0-SNAPSHOT",
        description = "Pure-Java Stable Diffusion with the AUTOMATIC1111 webui's img2img semantics.",
        subcommands = {Main.Img2Img.class, EvalCommand.class, InspectCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code for a command that exists but is not implemented yet. */
    static final int NOT_YET = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line in-process and returns the exit code (tests call this). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "img2img", description = "img2img / inpainting like the webui's img2img tab (not yet available).")
    static final class Img2Img implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println("jdiffusion img2img: not yet implemented — the pipeline is being built "
                    + "(see README.md, 'Status'). The tensor core and its tests are in place.");
            return NOT_YET;
        }
    }
}
