package jdiffusion.sd.image.soft;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The six Soft Inpainting parameters (built-in extension {@code soft-inpainting}).
 *
 * @param scheduleBias            π, "Schedule bias" ({@code mask_blend_power}), 0..8, default 1
 * @param preservationStrength    κ, "Preservation strength" ({@code mask_blend_scale}), 0..8, default 0.5
 * @param transitionContrastBoost q, "Transition contrast boost" ({@code inpaint_detail_preservation}), 1..32, default 4
 * @param maskInfluence           μ, "Mask influence" ({@code composite_mask_influence}), 0..1, default 0
 * @param differenceThreshold     τ, "Difference threshold" ({@code composite_difference_threshold}), 0..8, default 0.5
 * @param differenceContrast      γ, "Difference contrast" ({@code composite_difference_contrast}), 0..8, default 2
 */
public record SoftInpaintSettings(double scheduleBias, double preservationStrength, double transitionContrastBoost,
                                  double maskInfluence, double differenceThreshold, double differenceContrast) {

    /** The UI defaults. */
    public static final SoftInpaintSettings DEFAULT = new SoftInpaintSettings(1, 0.5, 4, 0, 0.5, 2);

    public SoftInpaintSettings {
        check("schedule bias", scheduleBias, 0, 8);
        check("preservation strength", preservationStrength, 0, 8);
        check("transition contrast boost", transitionContrastBoost, 1, 32);
        check("mask influence", maskInfluence, 0, 1);
        check("difference threshold", differenceThreshold, 0, 8);
        check("difference contrast", differenceContrast, 0, 8);
    }

    private static void check(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException("soft inpainting " + name + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    /** The infotext entries the extension adds, in its order (values as Python would print them). */
    public Map<String, Object> infotext() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Soft inpainting enabled", Boolean.TRUE);
        m.put("Soft inpainting schedule bias", scheduleBias);
        m.put("Soft inpainting preservation strength", preservationStrength);
        m.put("Soft inpainting transition contrast boost", transitionContrastBoost);
        m.put("Soft inpainting mask influence", maskInfluence);
        m.put("Soft inpainting difference threshold", differenceThreshold);
        m.put("Soft inpainting difference contrast", differenceContrast);
        return m;
    }
}
