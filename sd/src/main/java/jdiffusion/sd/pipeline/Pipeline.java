package jdiffusion.sd.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The webui's generation entry points ({@code processing.process_images}) over one loaded
 * {@link SdModel}: txt2img (with hires fix), img2img / inpainting, and the img2img "Batch" tab.
 * Not thread-safe: run one generation at a time per instance.
 */
public final class Pipeline {
    private final SdModel model;
    private final RandomGenerator random = new SplittableRandom();

    public Pipeline(SdModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    public SdModel model() {
        return model;
    }

    private static ProgressListener orNone(ProgressListener l) {
        return l == null ? ProgressListener.NONE : l;
    }

    private static Cancellation orNever(Cancellation c) {
        return c == null ? Cancellation.none() : c;
    }

    /** txt2img ({@code StableDiffusionProcessingTxt2Img}), with hires fix when enabled. */
    public GenerationResult txt2img(Txt2ImgRequest request, ProgressListener listener, Cancellation cancel) {
        return Txt2ImgProcess.run(model, request, orNone(listener), orNever(cancel), random);
    }

    /** img2img / inpainting ({@code StableDiffusionProcessingImg2Img}). */
    public GenerationResult img2img(Img2ImgRequest request, ProgressListener listener, Cancellation cancel) {
        return Img2ImgProcess.run(model, request, orNone(listener), orNever(cancel), random);
    }

    /**
     * The img2img "Batch" tab ({@code modules/img2img.py: process_batch}): every image file of
     * {@code inputDir} (sorted, hidden files skipped) is processed with {@code template}'s settings;
     * with a mask folder, a single mask file applies to all images, otherwise the mask whose file stem
     * equals the image's (images without one are skipped). "Resize by" scales each file's own size.
     */
    public BatchResult img2imgBatch(Img2ImgRequest template, Path inputDir, Path maskDir, ProgressListener listener,
                                    Cancellation cancel) throws IOException {
        return BatchFolder.run(this, template, inputDir, maskDir, orNone(listener), orNever(cancel));
    }
}
