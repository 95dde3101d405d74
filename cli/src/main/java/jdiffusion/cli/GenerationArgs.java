package jdiffusion.cli;

import picocli.CommandLine.Option;

/**
 * The settings txt2img and img2img share, named like the webui's fields. Every field is boxed and
 * null when not given, so {@code --from-png} values apply first and explicit options override them;
 * the library's builders supply the webui defaults and range checks.
 */
public final class GenerationArgs {
    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "Prompt (full webui syntax, <lora:NAME:W> tags).")
    String prompt;

    @Option(names = {"-n", "--negative-prompt"}, paramLabel = "TEXT", description = "Negative prompt.")
    String negativePrompt;

    @Option(names = "--steps", paramLabel = "N", description = "Sampling steps, 1-150 (20).")
    Integer steps;

    @Option(names = "--sampler", paramLabel = "NAME", completionCandidates = Choices.SamplerNames.class,
            description = "Sampling method (\"DPM++ 2M\"); aliases and old names like \"DPM++ 2M Karras\" work. "
                    + "See 'jdiffusion samplers'.")
    String sampler;

    @Option(names = "--scheduler", paramLabel = "NAME", completionCandidates = Choices.SchedulerNames.class,
            description = "Schedule type (automatic): automatic, uniform, karras, exponential, polyexponential, "
                    + "sgm_uniform, kl_optimal, align_your_steps, simple, normal, ddim, beta.")
    String scheduler;

    @Option(names = "--cfg-scale", paramLabel = "X", description = "CFG Scale, 1-30 (7).")
    Double cfgScale;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (-1 = random); image k of the job gets seed + k.")
    Long seed;

    @Option(names = "--subseed", paramLabel = "N", description = "Variation seed (-1 = random).")
    Long subseed;

    @Option(names = "--subseed-strength", paramLabel = "X", description = "Variation strength, 0-1 (0 = off).")
    Double subseedStrength;

    @Option(names = "--seed-resize-from-w", paramLabel = "W", description = "Resize seed from width (0 = off).")
    Integer seedResizeFromW;

    @Option(names = "--seed-resize-from-h", paramLabel = "H", description = "Resize seed from height (0 = off).")
    Integer seedResizeFromH;

    @Option(names = "--rng", paramLabel = "SRC", completionCandidates = Choices.RngNames.class,
            description = "Random number generator source: gpu (default, the webui's; = nv here), cpu, nv.")
    String rng;

    @Option(names = "--eta-noise-seed-delta", paramLabel = "N", description = "Eta noise seed delta (ENSD, 0).")
    Long etaNoiseSeedDelta;

    @Option(names = "--clip-skip", paramLabel = "N", description = "Clip skip, 1-12 (1).")
    Integer clipSkip;

    @Option(names = {"-W", "--width"}, paramLabel = "PX", description = "Width, 64-2048 (512; img2img: Resize to).")
    Integer width;

    @Option(names = {"-H", "--height"}, paramLabel = "PX", description = "Height, 64-2048 (512).")
    Integer height;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size, 1-8 (1): images sampled together.")
    Integer batchSize;

    @Option(names = "--n-iter", paramLabel = "N", description = "Batch count, 1-100 (1).")
    Integer batchCount;

    @Option(names = "--emphasis", paramLabel = "MODE", description = "Emphasis mode option: Original (default), \"No norm\", Ignore, None.")
    String emphasis;

    @Option(names = "--eta", paramLabel = "X", description = "Eta for ancestral/SDE k-diffusion samplers (1.0).")
    Double eta;

    @Option(names = "--eta-ddim", paramLabel = "X", description = "Eta for DDIM (0.0).")
    Double etaDdim;
}
