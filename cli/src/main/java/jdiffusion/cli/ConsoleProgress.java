package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.LatentPreview;
import jdiffusion.sd.pipeline.GeneratedImage;
import jdiffusion.sd.pipeline.Phase;
import jdiffusion.sd.pipeline.BatchResult;
import jdiffusion.sd.pipeline.ProgressListener;
import jdiffusion.sd.pipeline.StepProgress;
import jdiffusion.sd.pipeline.TensorEvent;
import jdiffusion.sd.pipeline.Timings;
import jdiffusion.tensor.DType;

/**
 * What a generation shows and keeps while it runs: a progress bar with step, it/s and ETA on a
 * terminal (plain lines otherwise), per-phase timings, a preview every N steps
 * ({@code --save-intermediate}), every intermediate tensor ({@code --dump-latents}), and each
 * finished image handed to a sink as soon as it exists (so an interrupted job keeps its images).
 */
final class ConsoleProgress implements ProgressListener {
    private static final int BAR = 24;

    private final PrintWriter err;
    private final boolean tty;
    private final boolean quiet;
    private final Timings timings = new Timings();
    private final Consumer<GeneratedImage> sink;
    private final Path intermediateDir;
    private final int intermediateEvery;
    private final Path dumpDir;
    private final Map<Integer, Map<String, jdiffusion.tensor.Tensor>> tensors = new LinkedHashMap<>();
    private Consumer<BatchResult.Item> batchSink = item -> { };
    private boolean cheapPreviews;
    private boolean sdxlLatents;
    private long passStart;
    private int stepsDone;
    private boolean barOpen;

    /**
     * @param sink              receives every finished image (null: the caller writes them)
     * @param intermediateDir   where previews go ({@code --save-intermediate}), with {@code every} > 0
     * @param dumpDir           where tensors go ({@code --dump-latents}), or null
     */
    ConsoleProgress(PrintWriter err, boolean tty, boolean quiet, Consumer<GeneratedImage> sink, Path intermediateDir,
                    int every, Path dumpDir) {
        this.err = err;
        this.tty = tty;
        this.quiet = quiet;
        this.sink = sink;
        this.intermediateDir = intermediateDir;
        this.intermediateEvery = every;
        this.dumpDir = dumpDir;
    }

    Timings timings() {
        return timings;
    }

    /** Steps reported so far (all passes and iterations). */
    int stepsDone() {
        return stepsDone;
    }

    @Override
    public void phaseStarted(Phase phase) {
        if (phase == Phase.SAMPLING) {
            passStart = System.nanoTime();
        }
    }

    @Override
    public void phaseFinished(Phase phase, long nanos) {
        timings.add(phase, nanos);
    }

    @Override
    public void step(StepProgress s) {
        stepsDone++;
        int done = s.step() + 1;
        if (!quiet) {
            report(s, done);
        }
        if (intermediateEvery > 0 && done % intermediateEvery == 0) {
            savePreview(s, done);
        }
    }

    private void report(StepProgress s, int done) {
        double elapsed = (System.nanoTime() - passStart) / 1e9;
        // Measured from the start of the sampling phase, so the first step's warm-up counts (pessimistic, honest).
        double rate = elapsed > 0 ? done / elapsed : 0;
        double eta = rate > 0 ? (s.steps() - done) / rate : 0;
        String what = (s.hiresPass() ? "hires " : "") + (s.iterations() > 1
                ? "batch " + (s.iteration() + 1) + "/" + s.iterations() + " " : "");
        String nums = String.format(Locale.ROOT, "%d/%d  %.2f it/s  ETA %s", done, s.steps(), rate, clock(eta));
        if (tty) {
            int filled = (int) Math.round(BAR * (double) done / Math.max(1, s.steps()));
            err.print("\r" + what + "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + nums + "   ");
            barOpen = true;
            if (done == s.steps()) {
                closeBar();
            }
        } else {
            err.println(what + "step " + nums);
        }
        err.flush();
    }

    private void closeBar() {
        if (barOpen) {
            err.println();
            barOpen = false;
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /**
     * Makes previews with the webui's "Approx cheap" method instead of the VAE ({@code sdxl} picks its
     * coefficients); set once the model is known.
     */
    void cheapPreviews(boolean sdxl) {
        cheapPreviews = true;
        sdxlLatents = sdxl;
    }

    private void savePreview(StepProgress s, int done) {
        List<Image> images = cheapPreviews ? LatentPreview.approxCheap(s.denoised(), sdxlLatents) : s.preview().get();
        for (int b = 0; b < images.size(); b++) {
            String suffix = String.format(Locale.ROOT, "batch%d-%sstep%03d-%d", s.iteration(), s.hiresPass() ? "hires-" : "",
                    done, b);
            Path f = OutputFiles.claimNumbered(intermediateDir, suffix, ".png");
            try {
                ImageFiles.writePng(images.get(b), f, Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean wantsTensors() {
        return dumpDir != null;
    }

    @Override
    public void tensor(TensorEvent e) {
        String name = (e.hiresPass() && !e.name().startsWith("hires.") ? "hires." : "") + e.name();
        tensors.computeIfAbsent(e.iteration(), k -> new LinkedHashMap<>()).put(name, e.value());
    }

    @Override
    public void image(GeneratedImage image) {
        if (sink != null) {
            closeBar();
            sink.accept(image);
        }
    }

    @Override
    public void batchItem(BatchResult.Item item) {
        batchSink.accept(item);
    }

    /** Where finished Batch-tab inputs go (the img2img command saves their images at once). */
    void onBatchItem(Consumer<BatchResult.Item> sink) {
        batchSink = sink;
    }

    @Override
    public void warning(String message) {
        closeBar();
        err.println("warning: " + message.replace('\n', ' '));
        err.flush();
    }

    /** Writes the collected tensors, one safetensors file per batch iteration; returns the files. */
    List<Path> flushTensors(Map<String, String> metadata) {
        List<Path> files = new ArrayList<>();
        for (var it : tensors.entrySet()) {
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            it.getValue().forEach((k, v) -> items.add(new SafetensorsWriter.Item(k, v, DType.F32)));
            Path f = OutputFiles.claimNumbered(dumpDir, "iter" + it.getKey(), ".safetensors");
            Map<String, String> meta = new LinkedHashMap<>(metadata);
            meta.put("iteration", Integer.toString(it.getKey()));
            try {
                SafetensorsWriter.write(f, items, meta, true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
            }
            files.add(f);
        }
        tensors.clear();
        return files;
    }

    void finish() {
        closeBar();
        err.flush();
    }
}
