package jdiffusion.sd.infotext;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.PrepSettings;
import jdiffusion.sd.image.soft.SoftInpaintSettings;

/**
 * The img2img entries of {@code extra_generation_params} in the order a UI run inserts them:
 * {@code Mask blur} (set by {@code img2img.py} when there is a mask), the Soft Inpainting entries
 * (its {@code process} hook, before {@code init}), then from {@code init}: {@code Mask mode},
 * {@code Inpaint area}, {@code Masked area padding}, {@code Masked content}; then the entries
 * other modules add later ({@code others}, e.g. {@code Lora hashes}); then {@code Noise multiplier}
 * and {@code Extra noise} from sampling.
 */
public final class InpaintInfotext {
    private InpaintInfotext() {
    }

    /**
     * @param s               the image settings; {@code hasMask} false for plain img2img
     * @param onlyMaskedUsed  false when "Only masked" fell back on a blank mask
     * @param soft            Soft Inpainting settings when enabled, else null
     * @param others          entries added by other modules, in order (may be null)
     * @param noiseMultiplier {@code initial_noise_multiplier} (written when ≠ 1)
     * @param extraNoise      {@code img2img_extra_noise} (written when > 0)
     */
    public static Map<String, Object> extras(PrepSettings s, boolean hasMask, boolean onlyMaskedUsed,
                                             SoftInpaintSettings soft, Map<String, ?> others,
                                             double noiseMultiplier, double extraNoise) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (hasMask) {
            // The property mask_blur is None when x and y differ, and None values are not written.
            m.put("Mask blur", s.maskBlurX() == s.maskBlurY() ? s.maskBlurX() : null);
        }
        if (soft != null && hasMask) {
            m.putAll(soft.infotext());
        }
        if (hasMask) {
            if (s.invertMask()) {
                m.put("Mask mode", "Inpaint not masked");
            }
            if (s.onlyMasked() && onlyMaskedUsed) {
                m.put("Inpaint area", "Only masked");
                m.put("Masked area padding", s.padding());
            }
            if (s.maskedContent() != MaskedContent.ORIGINAL) {
                m.put("Masked content", s.maskedContent().infotext());
            }
        }
        if (others != null) {
            m.putAll(others);
        }
        if (noiseMultiplier != 1.0) {
            m.put("Noise multiplier", noiseMultiplier);
        }
        if (extraNoise > 0) {
            m.put("Extra noise", extraNoise);
        }
        return m;
    }
}
