package jdiffusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.Phase;
import jdiffusion.tensor.Backend;

/** {@code --timings} (a table) and {@code --timings-json} (the same with the run's settings, for comparisons). */
final class TimingReport {
    private TimingReport() {
    }

    static void print(PrintWriter out, ConsoleProgress progress, long wall) {
        out.println("timings:");
        for (Phase p : Phase.values()) {
            long n = progress.timings().nanos(p);
            if (n > 0) {
                out.printf(Locale.ROOT, "  %-14s %8.3f s%n", p.label(), n / 1e9);
            }
        }
        long sampling = progress.timings().nanos(Phase.SAMPLING);
        if (sampling > 0 && progress.stepsDone() > 0) {
            out.printf(Locale.ROOT, "  %-14s %8.2f it/s (%d steps)%n", "sampling rate", progress.stepsDone() / (sampling / 1e9),
                    progress.stepsDone());
        }
        out.printf(Locale.ROOT, "  %-14s %8.3f s%n", "wall", wall / 1e9);
    }

    static void writeJson(Path f, String command, Map<String, Object> describe, Path checkpoint, Backend backend,
                          ConsoleProgress progress, GenerationResult result, List<Path> outputs, long wall) throws IOException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("command", command);
        j.put("model", checkpoint.toString());
        j.put("device", backend.getClass().getSimpleName().toLowerCase(Locale.ROOT).replace("backend", ""));
        j.putAll(describe);
        j.put("images", result.images().size());
        j.put("seeds", result.seeds());
        j.put("sampler_steps_run", progress.stepsDone());
        Map<String, Double> phases = new LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            phases.put(p.label(), progress.timings().nanos(p) / 1e9);
        }
        j.put("phases_s", phases);
        long sampling = progress.timings().nanos(Phase.SAMPLING);
        j.put("sampling_it_per_s", sampling > 0 ? progress.stepsDone() / (sampling / 1e9) : 0.0);
        j.put("total_s", progress.timings().total() / 1e9);
        j.put("wall_s", wall / 1e9);
        j.put("outputs", outputs.stream().map(Path::toString).toList());
        if (f.getParent() != null) {
            Files.createDirectories(f.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(f.toFile(), j);
    }

    /** The settings a timing comparison needs to know what was run. */
    static Map<String, Object> describe(GenerationSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", s.width());
        m.put("height", s.height());
        m.put("steps", s.steps());
        m.put("sampler", s.samplerName());
        m.put("scheduler", s.scheduler());
        m.put("cfg_scale", s.cfgScale());
        m.put("batch_size", s.batchSize());
        m.put("n_iter", s.batchCount());
        m.put("seed", s.seed());
        return m;
    }
}
