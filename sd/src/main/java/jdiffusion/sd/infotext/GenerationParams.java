package jdiffusion.sd.infotext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a generated image's infotext records, in the webui's key order ({@code create_infotext}).
 * Numbers keep their Java type so they print as Python would ({@code 7} for an int CFG from the UI,
 * {@code 7.0} for a float). Optional entries are null.
 *
 * @param prompt                the final prompt, including {@code <lora:…>} tags
 * @param negativePrompt        the negative prompt ("" = none)
 * @param steps                 "Steps" (the user's value)
 * @param sampler               "Sampler" (name without scheduler, e.g. "DPM++ 2M")
 * @param scheduleType          "Schedule type" (e.g. "Karras", "Automatic"), or null
 * @param cfgScale              "CFG scale" (Integer or Double)
 * @param imageCfgScale         "Image CFG scale" (edit models only), or null
 * @param seed                  "Seed"
 * @param width                 "Size" width
 * @param height                "Size" height
 * @param modelHash             "Model hash" (10 hex digits), or null
 * @param modelName             "Model" (checkpoint file stem), or null
 * @param vaeHash               "VAE hash", or null
 * @param vaeName               "VAE", or null
 * @param variationSeed         "Variation seed" (only with strength ≠ 0), or null
 * @param variationStrength     "Variation seed strength", or null
 * @param seedResizeFrom        "Seed resize from" as {w, h}, or null
 * @param denoisingStrength     "Denoising strength" (img2img), or null
 * @param conditionalMaskWeight "Conditional mask weight" (inpainting-conditioned models), or null
 * @param clipSkip              "Clip skip" (written only when > 1)
 * @param ensd                  "ENSD" (written only when the sampler uses it), or null
 * @param tokenMergingRatio     "Token merging ratio", or null
 * @param rng                   "RNG" source ("GPU" is the default and is not written)
 * @param tiling                "Tiling"
 * @param extra                 {@code p.extra_generation_params} in insertion order (Hires …,
 *                              Lora hashes, Mask blur, Soft inpainting …), or null
 * @param version               "Version" (e.g. "v1.10.1"), or null
 * @param user                  "User", or null
 */
public record GenerationParams(String prompt, String negativePrompt, int steps, String sampler, String scheduleType,
                               Number cfgScale, Number imageCfgScale, long seed, int width, int height,
                               String modelHash, String modelName, String vaeHash, String vaeName,
                               Long variationSeed, Number variationStrength, int[] seedResizeFrom,
                               Number denoisingStrength, Number conditionalMaskWeight, int clipSkip, Long ensd,
                               Number tokenMergingRatio, String rng, boolean tiling, Map<String, ?> extra,
                               String version, String user) {

    /** The common case: no variation seed, no VAE override, clip skip 1, GPU RNG. */
    public static GenerationParams basic(String prompt, String negativePrompt, int steps, String sampler,
                                         String scheduleType, Number cfgScale, long seed, int width, int height,
                                         String modelHash, String modelName, Number denoisingStrength,
                                         Map<String, ?> extra, String version) {
        return new GenerationParams(prompt, negativePrompt, steps, sampler, scheduleType, cfgScale, null, seed,
                width, height, modelHash, modelName, null, null, null, null, null, denoisingStrength, null, 1, null,
                null, "GPU", false, extra, version, null);
    }

    /** The ordered key → value map ({@code generation_params} of {@code create_infotext}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Steps", steps);
        m.put("Sampler", sampler);
        m.put("Schedule type", scheduleType);
        m.put("CFG scale", cfgScale);
        m.put("Image CFG scale", imageCfgScale);
        m.put("Seed", seed);
        m.put("Face restoration", null);
        m.put("Size", width + "x" + height);
        m.put("Model hash", modelHash);
        m.put("Model", modelName);
        m.put("FP8 weight", null);
        m.put("Cache FP16 weight for LoRA", null);
        m.put("VAE hash", vaeHash);
        m.put("VAE", vaeName);
        m.put("Variation seed", variationSeed);
        m.put("Variation seed strength", variationStrength);
        m.put("Seed resize from", seedResizeFrom == null ? null : seedResizeFrom[0] + "x" + seedResizeFrom[1]);
        m.put("Denoising strength", denoisingStrength);
        m.put("Conditional mask weight", conditionalMaskWeight);
        m.put("Clip skip", clipSkip > 1 ? clipSkip : null);
        m.put("ENSD", ensd);
        m.put("Token merging ratio", tokenMergingRatio);
        m.put("Token merging ratio hr", null);
        m.put("Init image hash", null);
        m.put("RNG", rng == null || rng.equals("GPU") ? null : rng);
        m.put("Tiling", tiling ? "True" : null);
        if (extra != null) {
            // A key already present keeps its first position (Python dict update semantics).
            m.putAll(extra);
        }
        m.put("Version", version);
        m.put("User", user);
        return m;
    }

    /** The infotext string. */
    public String text() {
        return Infotext.format(prompt, negativePrompt, toMap());
    }
}
