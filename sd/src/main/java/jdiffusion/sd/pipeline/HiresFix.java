package jdiffusion.sd.pipeline;

import java.util.Objects;

/**
 * txt2img "Hires. fix": the first pass is upscaled (in latent space or as pixels) and refined by a
 * second, img2img-like pass ({@code StableDiffusionProcessingTxt2Img.sample_hr_pass}), with the UI
 * defaults.
 *
 * @param enabled           the "Hires. fix" checkbox ({@code enable_hr})
 * @param upscaler          "Upscaler" ("Latent"; any {@link LatentUpscaleMode} label, "None", "Lanczos",
 *                          "Nearest" or an ESRGAN model name)
 * @param scale             "Upscale by", 1–4 (2)
 * @param resizeX           "Resize width to", 0–2048 (0 = use the scale)
 * @param resizeY           "Resize height to", 0–2048 (0 = use the scale)
 * @param steps             "Hires steps", 0–150 (0 = the first pass's steps)
 * @param denoisingStrength "Denoising strength", 0–1 (0.7)
 * @param samplerName       "Hires sampling method" (null = the first pass's)
 * @param scheduler         "Hires schedule type" (null = the first pass's)
 * @param prompt            "Hires prompt" ("" = the first pass's prompt)
 * @param negativePrompt    "Hires negative prompt" ("" = the first pass's)
 * @param extraNoise        option "Extra noise multiplier for img2img and hires fix", 0–1 (0)
 * @param inpaintingMaskWeight option "Inpainting conditioning mask strength" (9-channel models), 0–1 (1)
 */
public record HiresFix(boolean enabled, String upscaler, double scale, int resizeX, int resizeY, int steps,
                       double denoisingStrength, String samplerName, String scheduler, String prompt,
                       String negativePrompt, double extraNoise, double inpaintingMaskWeight) {

    /** Hires fix off. */
    public static final HiresFix OFF = builder().enabled(false).build();

    public HiresFix {
        Objects.requireNonNull(upscaler, "upscaler");
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Rejects values outside the webui's ranges. Returns this. */
    public HiresFix validate() {
        if (!enabled) {
            return this;
        }
        Ranges.check("Upscale by", scale, 1, 4);
        Ranges.check("Resize width to", resizeX, 0, 2048);
        Ranges.check("Resize height to", resizeY, 0, 2048);
        Ranges.check("Hires steps", steps, 0, 150);
        Ranges.check("Denoising strength", denoisingStrength, 0, 1);
        Ranges.check("Extra noise multiplier for img2img and hires fix", extraNoise, 0, 1);
        Ranges.check("Inpainting conditioning mask strength", inpaintingMaskWeight, 0, 1);
        if (upscaler.isBlank()) {
            throw new IllegalArgumentException("Hires upscaler must be named (e.g. Latent, Lanczos, an ESRGAN model)");
        }
        if (samplerName != null || scheduler != null) {
            SamplerChoice.of(samplerName != null ? samplerName : "Euler", scheduler != null ? scheduler : "Automatic");
        }
        return this;
    }

    /** The latent mode of {@link #upscaler}, or null for a pixel upscaler. */
    public LatentUpscaleMode latentMode() {
        return LatentUpscaleMode.byLabel(upscaler);
    }

    /** Fluent construction with the UI defaults (enabled). */
    public static final class Builder {
        private boolean enabled = true;
        private String upscaler = LatentUpscaleMode.LATENT.label();
        private double scale = 2.0;
        private int resizeX;
        private int resizeY;
        private int steps;
        private double denoisingStrength = 0.7;
        private String samplerName;
        private String scheduler;
        private String prompt = "";
        private String negativePrompt = "";
        private double extraNoise;
        private double inpaintingMaskWeight = 1.0;

        Builder() {
        }

        public Builder enabled(boolean v) {
            enabled = v;
            return this;
        }

        public Builder upscaler(String v) {
            upscaler = v;
            return this;
        }

        public Builder scale(double v) {
            scale = v;
            return this;
        }

        public Builder resizeTo(int x, int y) {
            resizeX = x;
            resizeY = y;
            return this;
        }

        public Builder steps(int v) {
            steps = v;
            return this;
        }

        public Builder denoisingStrength(double v) {
            denoisingStrength = v;
            return this;
        }

        public Builder sampler(String v) {
            samplerName = v;
            return this;
        }

        public Builder scheduler(String v) {
            scheduler = v;
            return this;
        }

        public Builder prompt(String v) {
            prompt = v;
            return this;
        }

        public Builder negativePrompt(String v) {
            negativePrompt = v;
            return this;
        }

        public Builder extraNoise(double v) {
            extraNoise = v;
            return this;
        }

        public Builder inpaintingMaskWeight(double v) {
            inpaintingMaskWeight = v;
            return this;
        }

        public HiresFix build() {
            return new HiresFix(enabled, upscaler, scale, resizeX, resizeY, steps, denoisingStrength, samplerName,
                    scheduler, prompt, negativePrompt, extraNoise, inpaintingMaskWeight);
        }
    }
}
