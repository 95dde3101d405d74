package jdiffusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sd.conditioning.Emphasis;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.sd.pipeline.Cancellation;
import jdiffusion.sd.pipeline.GeneratedImage;
import jdiffusion.sd.pipeline.GenerationCancelledException;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.LatentUpscaleMode;
import jdiffusion.sd.pipeline.Phase;
import jdiffusion.sd.pipeline.Pipeline;
import jdiffusion.sd.pipeline.SamplerChoice;
import jdiffusion.sd.pipeline.SdModel;
import jdiffusion.tensor.Backend;

/**
 * What txt2img and img2img share: the common settings from {@code --from-png} and the explicit
 * options, loading the model on the chosen device, running with progress and Ctrl-C handling,
 * writing numbered PNGs with their infotext, and the timing reports.
 */
final class Generation {
    /** A generation over a loaded pipeline. */
    interface Job {
        /** Runs it; images reach {@code progress}'s sink as they finish unless the job writes its own. */
        GenerationResult run(Pipeline pipeline, ConsoleProgress progress, Cancellation cancel) throws IOException;
    }

    /** Default width and height with the bundled tiny model (its UNet's sample size, 32 latents). */
    static final int TINY_SIZE = 256;

    private final Env env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ModelArgs modelArgs;
    private final GenerationArgs gen;
    private final RunArgs run;
    private final String command;
    private final FromPng png;
    private final List<Path> outputs = new ArrayList<>();
    private final ModelsFolder folder;
    private final Path checkpoint;
    private final Path vae;

    Generation(Env env, PrintWriter out, PrintWriter err, String command, ModelArgs modelArgs, GenerationArgs gen, RunArgs run) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.command = command;
        this.modelArgs = modelArgs;
        this.gen = gen;
        this.run = run;
        this.png = run.fromPng == null ? null : FromPng.read(env.resolve(run.fromPng));
        this.folder = ModelChoice.folder(env, modelArgs);
        this.checkpoint = ModelChoice.checkpoint(env, modelArgs, folder, png == null ? null : png.modelName());
        this.vae = ModelChoice.vae(env, modelArgs, folder);
        if (run.saveIntermediate != null && run.saveIntermediate < 1) {
            throw CliException.usage("--save-intermediate must be >= 1 (steps between previews), got " + run.saveIntermediate);
        }
    }

    /** Whether the checkpoint is the bundled tiny test model (its native size is 256x256). */
    boolean tinyModel() {
        return checkpoint.getFileName().toString().equals(Path.of(ModelChoice.TINY).getFileName().toString())
                && checkpoint.getParent() != null && checkpoint.getParent().endsWith(Path.of("testdata", "models"));
    }

    /** The {@code --from-png} settings, or null. */
    FromPng png() {
        return png;
    }

    /** The common settings: builder defaults, then the PNG's infotext, then the explicit options. */
    GenerationSettings.Builder common(String defaultPrompt) {
        GenerationSettings.Builder b = GenerationSettings.builder();
        if (png != null) {
            png.applyCommon(b);
        } else {
            b.prompt(defaultPrompt);
        }
        GenerationArgs a = gen;
        if (a.prompt != null) {
            b.prompt(a.prompt);
        }
        if (a.negativePrompt != null) {
            b.negativePrompt(a.negativePrompt);
        }
        if (a.sampler != null) {
            try {
                SamplerChoice.of(a.sampler, "Automatic");
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--sampler: unknown sampler '" + a.sampler + "' (known: " + String.join(", ",
                        SamplerCatalog.entries().stream().map(SamplerCatalog.Entry::name).toList())
                        + "; aliases: jdiffusion samplers)");
            }
            b.sampler(a.sampler);
        }
        if (a.scheduler != null) {
            try {
                b.scheduler(Scheduler.byName(a.scheduler).label());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--scheduler: " + e.getMessage());
            }
        }
        if (a.steps != null) {
            b.steps(a.steps);
        }
        if (a.cfgScale != null) {
            b.cfgScale(a.cfgScale);
        }
        if (a.seed != null) {
            b.seed(a.seed);
        }
        GenerationSettings cur = b.build();
        if (png == null && tinyModel()) {
            // The tiny model's UNet was made for 32x32 latents; at the webui's 512x512 its attention makes a
            // CPU run take minutes for a picture that is noise anyway.
            cur = b.size(TINY_SIZE, TINY_SIZE).build();
        }
        b.variation(a.subseed != null ? a.subseed : cur.subseed(),
                a.subseedStrength != null ? a.subseedStrength : cur.subseedStrength());
        b.seedResizeFrom(a.seedResizeFromW != null ? a.seedResizeFromW : cur.seedResizeFromW(),
                a.seedResizeFromH != null ? a.seedResizeFromH : cur.seedResizeFromH());
        b.size(a.width != null ? a.width : cur.width(), a.height != null ? a.height : cur.height());
        if (a.batchSize != null) {
            b.batchSize(a.batchSize);
        }
        if (a.batchCount != null) {
            b.batchCount(a.batchCount);
        }
        if (a.clipSkip != null) {
            b.clipSkip(a.clipSkip);
        }
        if (a.rng != null) {
            try {
                b.rng(RngSource.fromLabel(a.rng));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--rng: unknown value '" + a.rng + "' (expected gpu, cpu or nv)");
            }
        }
        if (a.etaNoiseSeedDelta != null) {
            b.etaNoiseSeedDelta(a.etaNoiseSeedDelta);
        }
        if (a.emphasis != null) {
            try {
                b.emphasis(Emphasis.fromLabel(a.emphasis));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--emphasis: " + e.getMessage());
            }
        }
        if (a.eta != null) {
            b.samplerOptions(cur.sampler().withEtaAncestral(a.eta));
            cur = b.build();
        }
        if (a.etaDdim != null) {
            b.samplerOptions(cur.sampler().withEtaDdim(a.etaDdim));
        }
        return b;
    }

    /**
     * Fails before the model is loaded when {@code name} is no upscaler the run can find: not None,
     * Lanczos, Nearest, a latent mode (hires only), a file, or a model in the ESRGAN folder.
     */
    void checkUpscaler(String option, String name, boolean latentAllowed) {
        if (name == null) {
            return;
        }
        String n = name.strip();
        if (n.isEmpty() || n.equalsIgnoreCase("None") || n.equalsIgnoreCase("Lanczos") || n.equalsIgnoreCase("Nearest")
                || latentAllowed && LatentUpscaleMode.byLabel(n) != null || Files.isRegularFile(env.resolve(Path.of(n)))) {
            return;
        }
        List<String> known = new ArrayList<>(List.of("None", "Lanczos", "Nearest"));
        if (latentAllowed) {
            for (LatentUpscaleMode m : LatentUpscaleMode.values()) {
                known.add(m.label());
            }
        }
        if (folder != null) {
            for (Path p : ModelsFolder.walk(folder.esrgan(), Set.of(".pth", ".pt", ".safetensors", ".ckpt", ".bin"))) {
                String stem = ModelsFolder.stem(p.getFileName());
                if (stem.equalsIgnoreCase(n)) {
                    return;
                }
                known.add(stem);
            }
        }
        throw CliException.usage(option + ": unknown upscaler '" + name + "' (known: " + String.join(", ", known)
                + "; ESRGAN models go in " + (folder == null ? "models/ESRGAN" : folder.esrgan()) + " or are given as a file)");
    }

    /** The output folder: {@code --output-dir}, else {@code outputs/<tab>-images} in the working folder. */
    Path outputDir() {
        return run.outputDir != null ? env.resolve(run.outputDir) : env.workDir().resolve("outputs").resolve(command + "-images");
    }

    /** Writes one image as {@code NNNNN-SEED.png} with its infotext. */
    void writeNumbered(GeneratedImage image) {
        Path f = OutputFiles.claimNumbered(outputDir(), Long.toString(image.seed()), ".png");
        write(image, f);
    }

    /** Writes one image to a claimed file and reports it. */
    void write(GeneratedImage image, Path f) {
        try {
            image.writePng(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
        outputs.add(f);
        out.println("wrote " + f);
        out.flush();
    }

    /**
     * Loads the model, runs the job and reports. Returns the exit code (0, or 130 when cancelled, with
     * the finished images kept).
     */
    int execute(Map<String, Object> describe, boolean writeAsFinished, Job job) throws IOException {
        long wallStart = System.nanoTime();
        Backend backend = ModelChoice.backend(modelArgs.device, err, run.quiet);
        Path intermediates = outputDir().resolve("intermediates");
        int every = run.saveIntermediate == null ? 0 : run.saveIntermediate;
        ConsoleProgress progress = new ConsoleProgress(err, env.interactive(), run.quiet,
                writeAsFinished ? this::writeNumbered : null, intermediates, every,
                run.dumpLatents == null ? null : env.resolve(run.dumpLatents));
        Cancellation cancel = Cancellation.none();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = env.signals() ? new Thread(() -> {
            cancel.cancel();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jdiffusion-cancel") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        GenerationResult result;
        boolean cancelled = false;
        String modelName;
        try (SdModel model = ModelChoice.load(backend, checkpoint, vae, folder, !modelArgs.noHash, progress)) {
            modelName = model.name();
            if (!run.quiet) {
                err.printf(Locale.ROOT, "model: %s (%s%s, loaded in %.2f s)%n", checkpoint, model.config().architecture(),
                        model.config().isInpainting() ? " inpainting" : "", model.loadNanos() / 1e9);
                if (tinyModel()) {
                    err.println("note: this is the bundled tiny test model (random weights): it checks the pipeline and "
                            + "makes noise-like pictures; pass --model for a real checkpoint");
                }
                err.flush();
            }
            model.warnings().forEach(progress::warning);
            try {
                result = job.run(new Pipeline(model), progress, cancel);
            } catch (GenerationCancelledException e) {
                result = e.partial();
                cancelled = true;
            }
        } finally {
            progress.finish();
            finished.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and waits for the latch above.
                }
            }
        }
        for (String c : result.comments()) {
            err.println("note: " + c.replace('\n', ' '));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("producer", "jdiffusion " + command);
        meta.put("model", modelName);
        if (!result.images().isEmpty()) {
            meta.put("infotext", result.info());
        }
        for (Path f : progress.flushTensors(meta)) {
            out.println("wrote " + f);
        }
        long wall = System.nanoTime() - wallStart;
        if (run.timings) {
            printTimings(progress, wall);
        }
        if (run.timingsJson != null) {
            writeTimingsJson(describe, checkpoint, backend, progress, result, wall);
        }
        out.flush();
        if (cancelled) {
            err.println("jdiffusion " + command + ": cancelled; " + result.images().size() + " image(s) finished before were kept");
            err.flush();
            return ExitCodes.CANCELLED;
        }
        return ExitCodes.OK;
    }

    private void printTimings(ConsoleProgress progress, long wall) {
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

    private void writeTimingsJson(Map<String, Object> describe, Path checkpoint, Backend backend, ConsoleProgress progress,
                                  GenerationResult result, long wall) throws IOException {
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
        Path f = env.resolve(run.timingsJson);
        if (f.getParent() != null) {
            Files.createDirectories(f.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(f.toFile(), j);
        out.println("wrote " + f);
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
