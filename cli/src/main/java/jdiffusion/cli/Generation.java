package jdiffusion.cli;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.sd.pipeline.Cancellation;
import jdiffusion.sd.pipeline.GeneratedImage;
import jdiffusion.sd.pipeline.GenerationCancelledException;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.LatentUpscaleMode;
import jdiffusion.sd.pipeline.Pipeline;
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
        if (run.livePreviewMethod != null && !List.of("full", "approx-cheap").contains(run.livePreviewMethod)) {
            throw CliException.usage("--live-preview-method must be full or approx-cheap, got '" + run.livePreviewMethod + "'");
        }
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
        return CommonSettings.builder(gen, png, tinyModel(), defaultPrompt);
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
        for (Path p : ModelChoice.esrganModels(folder)) {
            String stem = ModelsFolder.stem(p.getFileName());
            if (stem.equalsIgnoreCase(n)) {
                return;
            }
            known.add(stem);
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
            if ("approx-cheap".equals(run.livePreviewMethod)) {
                progress.cheapPreviews(model.config().architecture().name().startsWith("SDXL"));
            }
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
            TimingReport.print(out, progress, wall);
        }
        if (run.timingsJson != null) {
            Path f = env.resolve(run.timingsJson);
            TimingReport.writeJson(f, command, describe, checkpoint, backend, progress, result, outputs, wall);
            out.println("wrote " + f);
        }
        out.flush();
        if (cancelled) {
            err.println("jdiffusion " + command + ": cancelled; " + result.images().size() + " image(s) finished before were kept");
            err.flush();
            return ExitCodes.CANCELLED;
        }
        return ExitCodes.OK;
    }
}
