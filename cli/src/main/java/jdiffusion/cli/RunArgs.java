package jdiffusion.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where results go and what is reported while a generation runs. */
public final class RunArgs {
    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
            description = "Output folder (default outputs/img2img-images or outputs/txt2img-images); files are "
                    + "numbered NNNNN-SEED.png like the webui's and never overwritten.")
    Path outputDir;

    @Option(names = "--from-png", paramLabel = "PNG",
            description = "Take every setting from this PNG's infotext (webui or jdiffusion); explicit options override.")
    Path fromPng;

    @Option(names = "--timings", description = "Print per-phase timings (load, text, VAE encode, sampling, decode).")
    boolean timings;

    @Option(names = "--timings-json", paramLabel = "FILE", description = "Write the timings and the run's settings as JSON.")
    Path timingsJson;

    @Option(names = "--save-intermediate", paramLabel = "N",
            description = "Every N steps, decode the current estimate and save it under OUTPUT/intermediates/.")
    Integer saveIntermediate;

    @Option(names = "--live-preview-method", paramLabel = "METHOD",
            description = "How --save-intermediate previews are made (webui option \"Live preview method\"): full "
                    + "(VAE decode, the default) or approx-cheap (a fixed latent-to-RGB matrix at 1/8 size; "
                    + "instant).")
    String livePreviewMethod;

    @Option(names = "--dump-latents", paramLabel = "DIR",
            description = "Write every step's latent, the conditioning and the other intermediate tensors to "
                    + "DIR/NNNNN-iterK.safetensors (float32, fixture names).")
    Path dumpLatents;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;
}
