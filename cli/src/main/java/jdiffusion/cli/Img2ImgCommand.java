package jdiffusion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import jdiffusion.sd.pipeline.BatchResult;
import jdiffusion.sd.pipeline.Canvas;
import jdiffusion.sd.pipeline.CanvasMode;
import jdiffusion.sd.pipeline.GeneratedImage;
import jdiffusion.sd.pipeline.GenerationResult;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.Img2ImgRequest;
import jdiffusion.sd.pipeline.Img2ImgSettings;
import jdiffusion.sd.pipeline.InpaintArea;
import jdiffusion.sd.pipeline.MaskMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jdiffusion img2img}: the webui's img2img tab (img2img, Sketch, Inpaint, Inpaint sketch, Inpaint upload, Batch). */
@Command(name = "img2img", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"img2img and inpainting like the webui's img2img tab. With no options: the bundled example "
            + "picture through the default model into outputs/img2img-images/NNNNN-SEED.png.",
            "Numbers in parentheses are the webui's UI defaults."},
        footer = {"", ExitCodes.GENERATION_FOOTER})
public final class Img2ImgCommand implements Callable<Integer> {
    static final String DEFAULT_PROMPT = "a red barn in a green field, oil painting";

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--init-img"}, paramLabel = "IMG", description = "The init picture (default examples/landscape.png).")
    Path initImg;

    @Option(names = "--mode", paramLabel = "MODE", completionCandidates = Choices.CanvasModes.class,
            description = "img2img, sketch, inpaint, inpaint-sketch or inpaint-upload (webui sub-tabs). Default: "
                    + "inpaint-upload with --mask, sketch with --sketch, else img2img.")
    String mode;

    @Option(names = "--mask", paramLabel = "IMG",
            description = "Mask: inpaint - the painted layer (white/opaque = inpaint); inpaint-upload - the mask file.")
    Path mask;

    @Option(names = "--sketch", paramLabel = "IMG",
            description = "Stroke layer (RGBA, transparent where nothing was drawn) painted over the init picture "
                    + "(sketch, inpaint-sketch).")
    Path sketch;

    @Option(names = {"-s", "--denoising-strength"}, paramLabel = "X", description = "Denoising strength, 0-1 (0.75).")
    Double denoisingStrength;

    @Option(names = "--resize-mode", paramLabel = "MODE", completionCandidates = Choices.ResizeModes.class,
            description = "just-resize (default), crop-and-resize, resize-and-fill, latent-upscale.")
    String resizeMode;

    @Option(names = "--scale-by", paramLabel = "X", description = "Resize by, 0.05-4 (instead of --width/--height).")
    Double scaleBy;

    @Option(names = "--mask-blur", paramLabel = "PX", description = "Mask blur, 0-64 (4).")
    Integer maskBlur;

    @Option(names = "--mask-blur-x", paramLabel = "PX", description = "Mask blur, horizontal only.")
    Integer maskBlurX;

    @Option(names = "--mask-blur-y", paramLabel = "PX", description = "Mask blur, vertical only.")
    Integer maskBlurY;

    @Option(names = "--mask-alpha", paramLabel = "PCT", description = "Mask transparency (inpaint-sketch), 0-100 (0).")
    Integer maskAlpha;

    @Option(names = "--mask-mode", paramLabel = "MODE", completionCandidates = Choices.MaskModes.class,
            description = "Mask mode: inpaint-masked (default) or inpaint-not-masked.")
    String maskMode;

    @Option(names = "--inpainting-mask-invert", description = "Same as --mask-mode inpaint-not-masked.")
    Boolean invertMask;

    @Option(names = "--inpainting-fill", paramLabel = "FILL", completionCandidates = Choices.FillModes.class,
            description = "Masked content: original (default), fill, latent-noise, latent-nothing.")
    String inpaintingFill;

    @Option(names = "--inpaint-full-res", description = "Inpaint area: Only masked (default Whole picture).")
    Boolean inpaintFullRes;

    @Option(names = "--inpaint-full-res-padding", paramLabel = "PX", description = "Only masked padding, pixels, 0-256 (32).")
    Integer inpaintPadding;

    @Option(names = "--soft-inpainting", description = "Soft inpainting (on with any --soft-* value).")
    Boolean softInpainting;

    @Option(names = "--soft-schedule-bias", paramLabel = "X", description = "Soft inpainting: Schedule bias, 0-8 (1).")
    Double softScheduleBias;

    @Option(names = "--soft-preservation-strength", paramLabel = "X", description = "Soft inpainting: Preservation strength, 0-8 (0.5).")
    Double softPreservation;

    @Option(names = "--soft-transition-contrast-boost", paramLabel = "X",
            description = "Soft inpainting: Transition contrast boost, 1-32 (4).")
    Double softTransition;

    @Option(names = "--soft-mask-influence", paramLabel = "X", description = "Soft inpainting: Mask influence, 0-1 (0).")
    Double softMaskInfluence;

    @Option(names = "--soft-difference-threshold", paramLabel = "X", description = "Soft inpainting: Difference threshold, 0-8 (0.5).")
    Double softDiffThreshold;

    @Option(names = "--soft-difference-contrast", paramLabel = "X", description = "Soft inpainting: Difference contrast, 0-8 (2).")
    Double softDiffContrast;

    @Option(names = "--color-correction", description = "Apply color correction to img2img results to match original colors.")
    Boolean colorCorrection;

    @Option(names = "--img2img-upscaler", paramLabel = "NAME",
            description = "Upscaler for img2img: None (default, Lanczos resize), Lanczos, Nearest, an ESRGAN model in "
                    + "MODELS/ESRGAN (file stem) or a model file.")
    String upscaler;

    @Option(names = "--noise-multiplier", paramLabel = "X", description = "Noise multiplier for img2img, 0-1.5 (1.0).")
    Double noiseMultiplier;

    @Option(names = "--extra-noise", paramLabel = "X", description = "Extra noise multiplier for img2img and hires fix, 0-1 (0).")
    Double extraNoise;

    @Option(names = "--inpainting-mask-weight", paramLabel = "X",
            description = "Inpainting conditioning mask strength (inpainting models), 0-1 (1.0).")
    Double inpaintingMaskWeight;

    @Option(names = "--img2img-fix-steps", description = "Do exactly the number of steps given (steps / denoising strength in all).")
    Boolean fixSteps;

    @Option(names = "--img2img-background-color", paramLabel = "#RRGGBB",
            description = "Colour for transparent parts of the init picture (#ffffff).")
    String backgroundColor;

    @Option(names = "--batch-input-dir", paramLabel = "DIR", description = "Batch: process every picture of this folder.")
    Path batchInputDir;

    @Option(names = "--batch-output-dir", paramLabel = "DIR",
            description = "Batch: where results go, named after the inputs (default: the output folder).")
    Path batchOutputDir;

    @Option(names = "--batch-mask-dir", paramLabel = "DIR",
            description = "Batch: masks (one file for all, or one per picture with the same file stem).")
    Path batchMaskDir;

    @Mixin
    GenerationArgs gen;

    @Mixin
    ModelArgs model;

    @Mixin
    RunArgs run;

    @Override
    public Integer call() throws IOException {
        Env env = main.env();
        Generation g = new Generation(env, spec.commandLine().getOut(), spec.commandLine().getErr(), "img2img", model, gen, run);
        GenerationSettings settings = g.common(DEFAULT_PROMPT).build();
        boolean batch = batchInputDir != null;
        if (batch && (initImg != null || mask != null || sketch != null || mode != null)) {
            throw CliException.usage("--batch-input-dir takes the pictures from the folder (and masks from --batch-mask-dir); "
                    + "drop --init-img, --mask, --sketch and --mode");
        }
        if (!batch && (batchOutputDir != null || batchMaskDir != null)) {
            throw CliException.usage("--batch-output-dir and --batch-mask-dir need --batch-input-dir");
        }
        Canvas canvas = batch ? Canvas.img2img(Image.blank(8, 8, Mode.RGB)) : canvas(env);
        Img2ImgSettings.Builder b = Img2ImgSettings.builder(canvas);
        if (g.png() != null) {
            g.png().applyImg2Img(b);
        }
        applyOptions(b);
        Img2ImgRequest request = new Img2ImgRequest(settings, b.build()).validate();
        g.checkUpscaler("--img2img-upscaler", request.img2img().upscaler(), false);
        if (!batch) {
            return g.execute(TimingReport.describe(settings), true,
                    (pipeline, progress, cancel) -> pipeline.img2img(request, progress, cancel));
        }
        Path outDir = batchOutputDir != null ? env.resolve(batchOutputDir) : g.outputDir();
        Path maskDir = batchMaskDir == null ? null : env.resolve(batchMaskDir);
        if (!Files.isDirectory(env.resolve(batchInputDir))) {
            throw CliException.file("--batch-input-dir " + batchInputDir + ": no such folder");
        }
        if (maskDir != null && !Files.isDirectory(maskDir)) {
            throw CliException.file("--batch-mask-dir " + batchMaskDir + ": no such folder");
        }
        return g.execute(TimingReport.describe(settings), false, (pipeline, progress, cancel) -> {
            java.util.List<GeneratedImage> all = new java.util.ArrayList<>();
            // Each input's images are saved as soon as it is done, so Ctrl-C keeps the finished ones.
            progress.onBatchItem(item -> {
                var images = item.result().images();
                for (int k = 0; k < images.size(); k++) {
                    String stem = images.size() == 1 ? item.stem() : item.stem() + "-" + k;
                    g.write(images.get(k), OutputFiles.claimNamed(outDir, stem, ".png"));
                    all.add(images.get(k));
                }
            });
            BatchResult r = pipeline.img2imgBatch(request, env.resolve(batchInputDir), maskDir, progress, cancel);
            return new GenerationResult(all, all.stream().map(GeneratedImage::seed).toList(),
                    all.stream().map(GeneratedImage::subseed).toList(), new jdiffusion.sd.pipeline.Timings(),
                    java.util.List.of(), r.skipped());
        });
    }

    /** The canvas for the chosen mode, with the bundled example pictures when no init picture is given. */
    private Canvas canvas(Env env) {
        CanvasMode m = mode != null ? Choices.parse("--mode", mode, Choices.MODE)
                : mask != null ? CanvasMode.INPAINT_UPLOAD : sketch != null ? CanvasMode.SKETCH : CanvasMode.IMG2IMG;
        boolean example = initImg == null;
        Image picture = Inputs.image("--init-img", env, example ? Inputs.example(env, "landscape.png") : initImg);
        Path maskFile = mask != null ? mask : example ? Inputs.example(env, "landscape-mask.png") : null;
        Path sketchFile = sketch != null ? sketch : example ? Inputs.example(env, "landscape-sketch.png") : null;
        String tab = m.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (m) {
            case IMG2IMG -> {
                if (mask != null || sketch != null) {
                    throw CliException.usage("--mode img2img takes no --mask or --sketch (use inpaint-upload or sketch)");
                }
                yield Canvas.img2img(picture);
            }
            case SKETCH -> Canvas.sketch(sketchFile == null ? picture : strokes(env, picture, sketchFile));
            case INPAINT, INPAINT_UPLOAD -> {
                if (maskFile == null) {
                    throw CliException.usage("--mode " + tab + " needs --mask IMG");
                }
                Image pic = sketch != null ? strokes(env, picture, sketch) : picture;
                // Like the webui, a mask of another size is resized with the picture to the target size.
                Image maskImage = Inputs.image("--mask", env, maskFile);
                yield m == CanvasMode.INPAINT ? Canvas.inpaint(pic, maskImage) : Canvas.inpaintUpload(pic, maskImage);
            }
            case INPAINT_SKETCH -> {
                if (sketchFile == null) {
                    throw CliException.usage("--mode inpaint-sketch needs --sketch IMG (the stroke layer)");
                }
                yield Canvas.inpaintSketch(strokes(env, picture, sketchFile), picture);
            }
            case BATCH -> throw CliException.usage("use --batch-input-dir for the batch tab");
        };
    }

    private static Image strokes(Env env, Image picture, Path file) {
        Image layer = Inputs.image("--sketch", env, file);
        checkSize("--sketch", layer, picture);
        return Canvas.withStrokes(picture, layer);
    }

    private static void checkSize(String option, Image layer, Image picture) {
        if (layer.width() != picture.width() || layer.height() != picture.height()) {
            throw CliException.usage(option + " is " + layer.width() + "x" + layer.height() + " but the init picture is "
                    + picture.width() + "x" + picture.height() + "; they must be the same size");
        }
    }

    private void applyOptions(Img2ImgSettings.Builder b) {
        if (denoisingStrength != null) {
            b.denoisingStrength(denoisingStrength);
        }
        if (resizeMode != null) {
            b.resizeMode(Choices.parse("--resize-mode", resizeMode, Choices.RESIZE));
        }
        if (scaleBy != null) {
            b.scaleBy(scaleBy);
        }
        Img2ImgSettings cur = b.build();
        int bx = maskBlurX != null ? maskBlurX : maskBlur != null ? maskBlur : cur.maskBlurX();
        int by = maskBlurY != null ? maskBlurY : maskBlur != null ? maskBlur : cur.maskBlurY();
        b.maskBlur(bx, by);
        if (maskAlpha != null) {
            b.maskTransparency(maskAlpha);
        }
        if (maskMode != null) {
            b.maskMode(Choices.parse("--mask-mode", maskMode, Choices.MASK_MODE));
        }
        if (Boolean.TRUE.equals(invertMask)) {
            b.maskMode(MaskMode.INPAINT_NOT_MASKED);
        }
        if (inpaintingFill != null) {
            b.maskedContent(Choices.parse("--inpainting-fill", inpaintingFill, Choices.FILL));
        }
        if (inpaintFullRes != null) {
            b.inpaintArea(inpaintFullRes ? InpaintArea.ONLY_MASKED : InpaintArea.WHOLE_PICTURE);
        }
        if (inpaintPadding != null) {
            b.onlyMaskedPadding(inpaintPadding);
        }
        applySoft(b, cur.softInpainting());
        if (colorCorrection != null) {
            b.colorCorrection(colorCorrection);
        }
        if (upscaler != null) {
            b.upscaler(upscaler);
        }
        if (noiseMultiplier != null) {
            b.noiseMultiplier(noiseMultiplier);
        }
        if (extraNoise != null) {
            b.extraNoise(extraNoise);
        }
        if (inpaintingMaskWeight != null) {
            b.inpaintingMaskWeight(inpaintingMaskWeight);
        }
        if (fixSteps != null) {
            b.fixSteps(fixSteps);
        }
        if (backgroundColor != null) {
            b.backgroundColor(backgroundColor);
        }
    }

    private void applySoft(Img2ImgSettings.Builder b, SoftInpaintSettings fromPng) {
        boolean any = softScheduleBias != null || softPreservation != null || softTransition != null
                || softMaskInfluence != null || softDiffThreshold != null || softDiffContrast != null;
        if (Boolean.FALSE.equals(softInpainting) || !(any || Boolean.TRUE.equals(softInpainting) || fromPng != null)) {
            b.softInpainting(null);
            return;
        }
        SoftInpaintSettings d = fromPng != null ? fromPng : SoftInpaintSettings.DEFAULT;
        try {
            b.softInpainting(new SoftInpaintSettings(
                    softScheduleBias != null ? softScheduleBias : d.scheduleBias(),
                    softPreservation != null ? softPreservation : d.preservationStrength(),
                    softTransition != null ? softTransition : d.transitionContrastBoost(),
                    softMaskInfluence != null ? softMaskInfluence : d.maskInfluence(),
                    softDiffThreshold != null ? softDiffThreshold : d.differenceThreshold(),
                    softDiffContrast != null ? softDiffContrast : d.differenceContrast()));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }
}
