package jdiffusion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.conditioning.Emphasis;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.image.soft.SoftInpaintSettings;
import jdiffusion.sd.infotext.InfotextParser;
import jdiffusion.sd.infotext.PngInfotext;
import jdiffusion.sd.pipeline.GenerationSettings;
import jdiffusion.sd.pipeline.HiresFix;
import jdiffusion.sd.pipeline.Img2ImgSettings;
import jdiffusion.sd.pipeline.InpaintArea;
import jdiffusion.sd.pipeline.SamplerOptions;

/**
 * {@code --from-png}: the settings a webui or jdiffusion PNG's infotext records, parsed as the
 * webui's "PNG Info → Send to" does ({@link InfotextParser}) and applied onto the library's
 * builders. Keys the infotext lacks keep the builder's (webui UI) defaults.
 */
final class FromPng {
    private final Path file;
    private final Map<String, String> p;

    private FromPng(Path file, Map<String, String> params) {
        this.file = file;
        this.p = params;
    }

    /** Reads the PNG's {@code parameters} text; a missing file or a PNG without one is an error. */
    static FromPng read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CliException.file("--from-png " + file + ": no such file");
        }
        String text;
        try {
            ImageFiles.read(file); // a clear "not an image" before looking for text chunks
            text = PngInfotext.read(file);
        } catch (IOException e) {
            throw CliException.file("--from-png " + e.getMessage());
        }
        if (text == null || text.isBlank()) {
            throw CliException.file("--from-png " + file + ": the image has no 'parameters' infotext");
        }
        return new FromPng(file, InfotextParser.parse(text));
    }

    /** The parsed key → value map (webui names: Prompt, Steps, Size-1, ...). */
    Map<String, String> params() {
        return p;
    }

    /** The infotext's {@code Model} name, or null. */
    String modelName() {
        return p.get("Model");
    }

    void applyCommon(GenerationSettings.Builder b) {
        b.prompt(p.getOrDefault("Prompt", ""));
        b.negativePrompt(p.getOrDefault("Negative prompt", ""));
        if (has("Sampler")) {
            b.sampler(p.get("Sampler"));
        }
        if (has("Schedule type")) {
            b.scheduler(p.get("Schedule type"));
        }
        if (has("Steps")) {
            b.steps(integer("Steps"));
        }
        if (has("CFG scale")) {
            b.cfgScale(number("CFG scale"));
        }
        if (has("Seed")) {
            b.seed(longValue("Seed"));
        }
        if (has("Variation seed") || has("Variation seed strength")) {
            b.variation(has("Variation seed") ? longValue("Variation seed") : -1,
                    has("Variation seed strength") ? number("Variation seed strength") : 0);
        }
        if (has("Seed resize from-1")) {
            b.seedResizeFrom(integer("Seed resize from-1"), integer("Seed resize from-2"));
        }
        if (has("Size-1")) {
            b.size(integer("Size-1"), integer("Size-2"));
        }
        if (has("Clip skip")) {
            b.clipSkip(integer("Clip skip"));
        }
        if (has("ENSD")) {
            b.etaNoiseSeedDelta(longValue("ENSD"));
        }
        if (has("RNG")) {
            b.rng(RngSource.fromLabel(p.get("RNG")));
        }
        if (has("Emphasis")) {
            b.emphasis(Emphasis.fromLabel(p.get("Emphasis")));
        }
        SamplerOptions o = SamplerOptions.DEFAULTS;
        if (has("Eta")) {
            o = o.withEtaAncestral(number("Eta"));
        }
        if (has("Eta DDIM")) {
            o = o.withEtaDdim(number("Eta DDIM"));
        }
        if (has("NGMS")) {
            o = o.withSMinUncond(number("NGMS"));
        }
        if ("True".equals(p.get("Old prompt editing timelines"))) {
            o = o.withOldPromptTimelines(true);
        }
        if ("True".equals(p.get("Pad conds"))) {
            o = o.withPadConds(true);
        }
        if ("True".equals(p.get("SGM noise multiplier"))) {
            o = o.withSgmNoiseMultiplier(true);
        }
        b.samplerOptions(o);
    }

    void applyImg2Img(Img2ImgSettings.Builder b) {
        if (has("Denoising strength")) {
            b.denoisingStrength(number("Denoising strength"));
        }
        if (has("Mask blur")) {
            b.maskBlur(integer("Mask blur"));
        }
        if (has("Mask mode")) {
            b.maskMode(Choices.parse("Mask mode", p.get("Mask mode"), Choices.MASK_MODE));
        }
        if (has("Masked content")) {
            b.maskedContent(Choices.parse("Masked content", p.get("Masked content"), Choices.FILL));
        }
        if (has("Inpaint area")) {
            b.inpaintArea("Only masked".equalsIgnoreCase(p.get("Inpaint area")) ? InpaintArea.ONLY_MASKED
                    : InpaintArea.WHOLE_PICTURE);
        }
        if (has("Masked area padding")) {
            b.onlyMaskedPadding(integer("Masked area padding"));
        }
        if ("True".equals(p.get("Soft inpainting enabled"))) {
            SoftInpaintSettings d = SoftInpaintSettings.DEFAULT;
            b.softInpainting(new SoftInpaintSettings(
                    numberOr("Soft inpainting schedule bias", d.scheduleBias()),
                    numberOr("Soft inpainting preservation strength", d.preservationStrength()),
                    numberOr("Soft inpainting transition contrast boost", d.transitionContrastBoost()),
                    numberOr("Soft inpainting mask influence", d.maskInfluence()),
                    numberOr("Soft inpainting difference threshold", d.differenceThreshold()),
                    numberOr("Soft inpainting difference contrast", d.differenceContrast())));
        }
        if (has("Noise multiplier")) {
            b.noiseMultiplier(number("Noise multiplier"));
        }
        if (has("Extra noise")) {
            b.extraNoise(number("Extra noise"));
        }
        if (has("Conditional mask weight")) {
            b.inpaintingMaskWeight(number("Conditional mask weight"));
        }
    }

    /**
     * Hires fix as the webui's paste decides it: on when the txt2img infotext has a denoising strength
     * and a hires upscale, upscaler or resize.
     */
    boolean hiresEnabled() {
        boolean resize = has("Hires resize-1") && !"0".equals(p.get("Hires resize-1"));
        return has("Denoising strength") && (has("Hires upscale") || has("Hires upscaler") || resize);
    }

    void applyHires(HiresFix.Builder b) {
        if (!hiresEnabled()) {
            return;
        }
        b.enabled(true);
        b.denoisingStrength(number("Denoising strength"));
        if (has("Hires upscale")) {
            b.scale(number("Hires upscale"));
        }
        if (has("Hires resize-1")) {
            b.resizeTo(integer("Hires resize-1"), integer("Hires resize-2"));
        }
        if (has("Hires upscaler")) {
            b.upscaler(p.get("Hires upscaler"));
        }
        if (has("Hires steps")) {
            b.steps(integer("Hires steps"));
        }
        String hs = p.get("Hires sampler");
        if (hs != null && !hs.equals("Use same sampler")) {
            b.sampler(hs);
        }
        String hst = p.get("Hires schedule type");
        if (hst != null && !hst.equals("Use same scheduler")) {
            b.scheduler(hst);
        }
        b.prompt(p.getOrDefault("Hires prompt", ""));
        b.negativePrompt(p.getOrDefault("Hires negative prompt", ""));
        if (has("Extra noise")) {
            b.extraNoise(number("Extra noise"));
        }
    }

    private boolean has(String key) {
        String v = p.get(key);
        return v != null && !v.isEmpty();
    }

    private double numberOr(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    private double number(String key) {
        try {
            return Double.parseDouble(p.get(key).strip());
        } catch (NumberFormatException e) {
            throw bad(key, "a number");
        }
    }

    private int integer(String key) {
        double d = number(key);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw bad(key, "a whole number");
        }
        return (int) d;
    }

    private long longValue(String key) {
        try {
            return Long.parseLong(p.get(key).strip());
        } catch (NumberFormatException e) {
            throw bad(key, "a whole number");
        }
    }

    private CliException bad(String key, String what) {
        return CliException.usage("--from-png " + file + ": infotext " + key + " '" + p.get(key) + "' is not " + what);
    }
}
