package jdiffusion.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.schedule.Scheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdiffusion samplers}: the sampling methods with aliases and default schedules, and the schedule types. */
@Command(name = "samplers", mixinStandardHelpOptions = true,
        description = "List the sampling methods (--sampler: name or alias), what Automatic schedule each uses, "
                + "and the schedule types (--scheduler).")
public final class SamplersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Sampling methods (--sampler):");
        out.printf("  %-20s %-28s %-14s %s%n", "name", "aliases", "automatic", "notes");
        for (SamplerCatalog.Entry e : SamplerCatalog.entries()) {
            out.printf("  %-20s %-28s %-14s %s%n", e.name(), String.join(", ", e.aliases()), e.defaultSchedule(), e.notes());
        }
        out.println();
        out.println("Old combined names such as \"DPM++ 2M Karras\" also work (sampler + schedule type).");
        out.println();
        out.println("Schedule types (--scheduler):");
        out.printf("  %-18s %s%n", "name", "label");
        for (Scheduler s : Scheduler.values()) {
            out.printf("  %-18s %s%n", s.id(), s.label());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
