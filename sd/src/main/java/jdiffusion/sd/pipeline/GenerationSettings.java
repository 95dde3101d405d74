package jdiffusion.sd.pipeline;

import java.util.Objects;
import jdiffusion.sampler.rng.GeneratorFactory;
import jdiffusion.sampler.rng.ImageRng;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sd.conditioning.Emphasis;

/**
 * The settings txt2img and img2img share, named and defaulted as on the webui's tabs (v1.10.1 UI
 * defaults; the API's dataclass defaults differ, e.g. 50 steps and "Euler").
 *
 * @param prompt             "Prompt" (may hold {@code <lora:…>} tags and prompt-editing syntax)
 * @param negativePrompt     "Negative prompt" ("" = none)
 * @param samplerName        "Sampling method" ("DPM++ 2M"; aliases such as {@code k_euler_a} and old combined
 *                           names such as "DPM++ 2M Karras" resolve)
 * @param scheduler          "Schedule type" label ("Automatic": the sampler's default)
 * @param steps              "Sampling steps", 1–150 (20)
 * @param cfgScale           "CFG Scale", 1–30 (7)
 * @param seed               "Seed" (−1 = random)
 * @param subseed            "Variation seed" (−1 = random)
 * @param subseedStrength    "Variation strength", 0–1 (0 = off)
 * @param seedResizeFromW    "Resize seed from width" (0 = off)
 * @param seedResizeFromH    "Resize seed from height" (0 = off)
 * @param batchSize          "Batch size", 1–8 (images sampled together)
 * @param batchCount         "Batch count" ({@code n_iter}), 1–100
 * @param width              "Width", 64–2048 (512); img2img: the "Resize to" width
 * @param height             "Height", 64–2048 (512)
 * @param clipSkip           "Clip skip" ({@code CLIP_stop_at_last_layers}), 1–12
 * @param emphasis           option "Emphasis mode" (Original)
 * @param rng                option "Random number generator source" (GPU)
 * @param etaNoiseSeedDelta  option "Eta noise seed delta" (ENSD, 0)
 * @param sampler            the "Sampler parameters" options
 */
public record GenerationSettings(String prompt, String negativePrompt, String samplerName, String scheduler, int steps,
                                 double cfgScale, long seed, long subseed, double subseedStrength, int seedResizeFromW,
                                 int seedResizeFromH, int batchSize, int batchCount, int width, int height, int clipSkip,
                                 Emphasis emphasis, RngSource rng, long etaNoiseSeedDelta, SamplerOptions sampler) {

    public GenerationSettings {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        Objects.requireNonNull(samplerName, "samplerName");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(emphasis, "emphasis");
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(sampler, "sampler");
    }

    /** The UI defaults. */
    public static GenerationSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Rejects values outside the webui's ranges with a message naming the label, the value and the
     * range, and unknown sampler or schedule names. Returns this.
     */
    public GenerationSettings validate() {
        SamplerChoice.of(samplerName, scheduler);
        Ranges.check("Sampling steps", steps, 1, 150);
        Ranges.check("CFG Scale", cfgScale, 1, 30);
        Ranges.check("Seed", seed, -1, Long.MAX_VALUE);
        Ranges.check("Variation seed", subseed, -1, Long.MAX_VALUE);
        Ranges.check("Variation strength", subseedStrength, 0, 1);
        Ranges.check("Resize seed from width", seedResizeFromW, 0, 2048);
        Ranges.check("Resize seed from height", seedResizeFromH, 0, 2048);
        Ranges.check("Batch size", batchSize, 1, 8);
        Ranges.check("Batch count", batchCount, 1, 100);
        Ranges.check("Width", width, 64, 2048);
        Ranges.check("Height", height, 64, 2048);
        Ranges.check("Clip skip", clipSkip, 1, 12);
        sampler.validate();
        return this;
    }

    /**
     * The image RNG of one batch iteration for latents of {@code shape} ([c, h, w]): these settings'
     * variation strength, seed resize and ENSD applied to the iteration's seeds and subseeds.
     */
    ImageRng imageRng(GeneratorFactory generators, int[] shape, long[] seeds, long[] subseeds) {
        return new ImageRng(generators, shape, seeds, new ImageRng.Variation(subseeds, (float) subseedStrength),
                seedResizeFromH, seedResizeFromW, etaNoiseSeedDelta);
    }

    /** Fluent construction with the UI defaults. */
    public static final class Builder {
        private String prompt = "";
        private String negativePrompt = "";
        private String samplerName = "DPM++ 2M";
        private String scheduler = Scheduler.AUTOMATIC.label();
        private int steps = 20;
        private double cfgScale = 7.0;
        private long seed = -1;
        private long subseed = -1;
        private double subseedStrength = 0;
        private int seedResizeFromW = 0;
        private int seedResizeFromH = 0;
        private int batchSize = 1;
        private int batchCount = 1;
        private int width = 512;
        private int height = 512;
        private int clipSkip = 1;
        private Emphasis emphasis = Emphasis.ORIGINAL;
        private RngSource rng = RngSource.GPU;
        private long etaNoiseSeedDelta = 0;
        private SamplerOptions sampler = SamplerOptions.DEFAULTS;

        Builder() {
        }

        Builder(GenerationSettings s) {
            prompt = s.prompt;
            negativePrompt = s.negativePrompt;
            samplerName = s.samplerName;
            scheduler = s.scheduler;
            steps = s.steps;
            cfgScale = s.cfgScale;
            seed = s.seed;
            subseed = s.subseed;
            subseedStrength = s.subseedStrength;
            seedResizeFromW = s.seedResizeFromW;
            seedResizeFromH = s.seedResizeFromH;
            batchSize = s.batchSize;
            batchCount = s.batchCount;
            width = s.width;
            height = s.height;
            clipSkip = s.clipSkip;
            emphasis = s.emphasis;
            rng = s.rng;
            etaNoiseSeedDelta = s.etaNoiseSeedDelta;
            sampler = s.sampler;
        }

        public Builder prompt(String v) {
            prompt = v;
            return this;
        }

        public Builder negativePrompt(String v) {
            negativePrompt = v;
            return this;
        }

        public Builder sampler(String name) {
            samplerName = name;
            return this;
        }

        public Builder scheduler(String label) {
            scheduler = label;
            return this;
        }

        public Builder steps(int v) {
            steps = v;
            return this;
        }

        public Builder cfgScale(double v) {
            cfgScale = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Variation seed and strength. */
        public Builder variation(long subseedValue, double strength) {
            subseed = subseedValue;
            subseedStrength = strength;
            return this;
        }

        /** "Resize seed from width/height" (0, 0 = off). */
        public Builder seedResizeFrom(int w, int h) {
            seedResizeFromW = w;
            seedResizeFromH = h;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder batchCount(int v) {
            batchCount = v;
            return this;
        }

        public Builder size(int w, int h) {
            width = w;
            height = h;
            return this;
        }

        public Builder clipSkip(int v) {
            clipSkip = v;
            return this;
        }

        public Builder emphasis(Emphasis v) {
            emphasis = v;
            return this;
        }

        public Builder rng(RngSource v) {
            rng = v;
            return this;
        }

        public Builder etaNoiseSeedDelta(long v) {
            etaNoiseSeedDelta = v;
            return this;
        }

        public Builder samplerOptions(SamplerOptions v) {
            sampler = v;
            return this;
        }

        public GenerationSettings build() {
            return new GenerationSettings(prompt, negativePrompt, samplerName, scheduler, steps, cfgScale, seed, subseed,
                    subseedStrength, seedResizeFromW, seedResizeFromH, batchSize, batchCount, width, height, clipSkip,
                    emphasis, rng, etaNoiseSeedDelta, sampler);
        }
    }
}
