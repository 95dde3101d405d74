package jdiffusion.cli;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.HiresFix;
import jdiffusion.sd.pipeline.Txt2ImgRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jdiffusion txt2img}: the webui's txt2img tab with Hires. fix. */
@Command(name = "txt2img", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"txt2img like the webui's txt2img tab, with Hires. fix. Writes "
            + "outputs/txt2img-images/NNNNN-SEED.png with the infotext.",
            "Numbers in parentheses are the webui's UI defaults."},
        footer = {"", ExitCodes.GENERATION_FOOTER})
public final class Txt2ImgCommand implements Callable<Integer> {
    static final String DEFAULT_PROMPT = "a red barn in a green field under a blue sky, oil painting";

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--enable-hr", description = "Hires. fix: upscale the first pass and refine it with a second pass.")
    Boolean enableHr;

    @Option(names = "--hr-scale", paramLabel = "X", description = "Hires: Upscale by, 1-4 (2).")
    Double hrScale;

    @Option(names = "--hr-upscaler", paramLabel = "NAME",
            description = "Hires: Upscaler (Latent; Latent (antialiased), Latent (bicubic), Latent (bicubic antialiased), "
                    + "Latent (nearest), Latent (nearest-exact), None, Lanczos, Nearest or an ESRGAN model).")
    String hrUpscaler;

    @Option(names = "--hr-second-pass-steps", paramLabel = "N", description = "Hires steps, 0-150 (0 = same as --steps).")
    Integer hrSteps;

    @Option(names = "--hr-denoising-strength", paramLabel = "X", description = "Hires: Denoising strength, 0-1 (0.7).")
    Double hrDenoising;

    @Option(names = "--hr-resize-x", paramLabel = "PX", description = "Hires: Resize width to (0 = use --hr-scale).")
    Integer hrResizeX;

    @Option(names = "--hr-resize-y", paramLabel = "PX", description = "Hires: Resize height to (0 = use --hr-scale).")
    Integer hrResizeY;

    @Option(names = "--hr-sampler", paramLabel = "NAME", description = "Hires sampling method (default: the same).")
    String hrSampler;

    @Option(names = "--hr-scheduler", paramLabel = "NAME", description = "Hires schedule type (default: the same).")
    String hrScheduler;

    @Option(names = "--hr-prompt", paramLabel = "TEXT", description = "Hires prompt (default: the same).")
    String hrPrompt;

    @Option(names = "--hr-negative-prompt", paramLabel = "TEXT", description = "Hires negative prompt (default: the same).")
    String hrNegativePrompt;

    @Mixin
    GenerationArgs gen;

    @Mixin
    ModelArgs model;

    @Mixin
    RunArgs run;

    @Override
    public Integer call() throws IOException {
        Generation g = new Generation(main.env(), spec.commandLine().getOut(), spec.commandLine().getErr(), "txt2img",
                model, gen, run);
        GenerationSettings settings = g.common(DEFAULT_PROMPT).build();
        HiresFix.Builder h = HiresFix.builder().enabled(false);
        if (g.png() != null) {
            g.png().applyHires(h);
        }
        boolean anyHr = hrScale != null || hrUpscaler != null || hrSteps != null || hrDenoising != null
                || hrResizeX != null || hrResizeY != null || hrSampler != null || hrScheduler != null
                || hrPrompt != null || hrNegativePrompt != null;
        HiresFix current = h.build();
        if (Boolean.TRUE.equals(enableHr)) {
            h.enabled(true);
        } else if (anyHr && !current.enabled()) {
            throw CliException.usage("--hr-* options need --enable-hr");
        }
        if (hrScale != null) {
            h.scale(hrScale);
        }
        if (hrUpscaler != null) {
            h.upscaler(hrUpscaler);
        }
        if (hrSteps != null) {
            h.steps(hrSteps);
        }
        if (hrDenoising != null) {
            h.denoisingStrength(hrDenoising);
        }
        if (hrResizeX != null || hrResizeY != null) {
            h.resizeTo(hrResizeX != null ? hrResizeX : current.resizeX(), hrResizeY != null ? hrResizeY : current.resizeY());
        }
        if (hrSampler != null) {
            h.sampler(hrSampler);
        }
        if (hrScheduler != null) {
            h.scheduler(hrScheduler);
        }
        if (hrPrompt != null) {
            h.prompt(hrPrompt);
        }
        if (hrNegativePrompt != null) {
            h.negativePrompt(hrNegativePrompt);
        }
        Txt2ImgRequest request = new Txt2ImgRequest(settings, h.build()).validate();
        if (request.hires().enabled()) {
            g.checkUpscaler("--hr-upscaler", request.hires().upscaler(), true);
        }
        Map<String, Object> describe = TimingReport.describe(settings);
        describe.put("hires_fix", request.hires().enabled());
        return g.execute(describe, true, (pipeline, progress, cancel) -> pipeline.txt2img(request, progress, cancel));
    }
}
