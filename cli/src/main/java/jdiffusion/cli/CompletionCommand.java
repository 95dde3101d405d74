package jdiffusion.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jdiffusion completion}: a bash/zsh completion script generated from the command definitions. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash (and zsh via bashcompinit) completion script for jdiffusion.",
            "Use: source <(./jdiffusion completion)   or   ./jdiffusion completion > /etc/bash_completion.d/jdiffusion"})
public final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("jdiffusion", Main.commandLine(main.env(), false));
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
