package jdiffusion.sd.pipeline;

import java.util.Objects;
import jdiffusion.sd.image.Composite;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.image.soft.SoftInpaintSettings;

/**
 * The img2img tab's own settings and the webui options that change img2img results (spec img2img.md
 * §1.1, §1.2), with the UI defaults.
 *
 * @param canvas               the tab and its layers
 * @param resizeMode           "Resize mode" (Just resize)
 * @param scaleBy              "Resize by" scale, 0.05–4; 0 = "Resize to" (width/height of the common settings)
 * @param denoisingStrength    "Denoising strength", 0–1 (0.75)
 * @param maskBlurX            "Mask blur" horizontal, 0–64 (4)
 * @param maskBlurY            "Mask blur" vertical, 0–64 (4)
 * @param maskTransparency     "Mask transparency" (Inpaint sketch), 0–100 (0)
 * @param maskMode             "Mask mode" (Inpaint masked)
 * @param maskedContent        "Masked content" (original)
 * @param inpaintArea          "Inpaint area" (Whole picture)
 * @param onlyMaskedPadding    "Only masked padding, pixels", 0–256 (32)
 * @param softInpainting       "Soft inpainting" parameters when enabled, else null
 * @param colorCorrection      option "Apply color correction to img2img results to match original colors" (off)
 * @param noiseMultiplier      option "Noise multiplier for img2img", 0–1.5 (1.0)
 * @param extraNoise           option "Extra noise multiplier for img2img and hires fix", 0–1 (0)
 * @param inpaintingMaskWeight option "Inpainting conditioning mask strength", 0–1 (1.0; 9-channel models)
 * @param fixSteps             option "With img2img, do exactly the amount of steps the slider specifies" (off)
 * @param upscaler             option "Upscaler for img2img" ("None" = LANCZOS; "Lanczos", "Nearest", an ESRGAN model name)
 * @param backgroundColor      option "With img2img, fill transparent parts of the input image with this color" (#ffffff)
 * @param overlayInpaint       option "For inpainting, include masked composite in results" — paste the original
 *                             over the unmasked area (on)
 */
public record Img2ImgSettings(Canvas canvas, ResizeMode resizeMode, double scaleBy, double denoisingStrength,
                              int maskBlurX, int maskBlurY, int maskTransparency, MaskMode maskMode,
                              MaskedContent maskedContent, InpaintArea inpaintArea, int onlyMaskedPadding,
                              SoftInpaintSettings softInpainting, boolean colorCorrection, double noiseMultiplier,
                              double extraNoise, double inpaintingMaskWeight, boolean fixSteps, String upscaler,
                              String backgroundColor, boolean overlayInpaint) {

    public Img2ImgSettings {
        Objects.requireNonNull(canvas, "canvas");
        Objects.requireNonNull(resizeMode, "resizeMode");
        Objects.requireNonNull(maskMode, "maskMode");
        Objects.requireNonNull(maskedContent, "maskedContent");
        Objects.requireNonNull(inpaintArea, "inpaintArea");
        upscaler = upscaler == null ? "None" : upscaler;
        backgroundColor = backgroundColor == null ? "#ffffff" : backgroundColor;
    }

    public static Builder builder(Canvas canvas) {
        return new Builder(canvas);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Rejects values outside the webui's ranges (message: label, value, range). Returns this. */
    public Img2ImgSettings validate() {
        Ranges.check("Denoising strength", denoisingStrength, 0, 1);
        if (scaleBy != 0) {
            Ranges.check("Resize by", scaleBy, 0.05, 4);
        }
        Ranges.check("Mask blur", maskBlurX, 0, 64);
        Ranges.check("Mask blur", maskBlurY, 0, 64);
        Ranges.check("Mask transparency", maskTransparency, 0, 100);
        Ranges.check("Only masked padding, pixels", onlyMaskedPadding, 0, 256);
        Ranges.check("Noise multiplier for img2img", noiseMultiplier, 0, 1.5);
        Ranges.check("Extra noise multiplier for img2img and hires fix", extraNoise, 0, 1);
        Ranges.check("Inpainting conditioning mask strength", inpaintingMaskWeight, 0, 1);
        background();
        return this;
    }

    /** The background colour as r, g, b. */
    public int[] background() {
        try {
            return Composite.parseColor(backgroundColor);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("img2img background color must be #rrggbb, got '" + backgroundColor + "'", e);
        }
    }

    /** Fluent construction with the UI defaults. */
    public static final class Builder {
        private Canvas canvas;
        private ResizeMode resizeMode = ResizeMode.JUST_RESIZE;
        private double scaleBy = 0;
        private double denoisingStrength = 0.75;
        private int maskBlurX = 4;
        private int maskBlurY = 4;
        private int maskTransparency = 0;
        private MaskMode maskMode = MaskMode.INPAINT_MASKED;
        private MaskedContent maskedContent = MaskedContent.ORIGINAL;
        private InpaintArea inpaintArea = InpaintArea.WHOLE_PICTURE;
        private int onlyMaskedPadding = 32;
        private SoftInpaintSettings softInpainting;
        private boolean colorCorrection;
        private double noiseMultiplier = 1.0;
        private double extraNoise = 0.0;
        private double inpaintingMaskWeight = 1.0;
        private boolean fixSteps;
        private String upscaler = "None";
        private String backgroundColor = "#ffffff";
        private boolean overlayInpaint = true;

        Builder(Canvas canvas) {
            this.canvas = canvas;
        }

        Builder(Img2ImgSettings s) {
            canvas = s.canvas;
            resizeMode = s.resizeMode;
            scaleBy = s.scaleBy;
            denoisingStrength = s.denoisingStrength;
            maskBlurX = s.maskBlurX;
            maskBlurY = s.maskBlurY;
            maskTransparency = s.maskTransparency;
            maskMode = s.maskMode;
            maskedContent = s.maskedContent;
            inpaintArea = s.inpaintArea;
            onlyMaskedPadding = s.onlyMaskedPadding;
            softInpainting = s.softInpainting;
            colorCorrection = s.colorCorrection;
            noiseMultiplier = s.noiseMultiplier;
            extraNoise = s.extraNoise;
            inpaintingMaskWeight = s.inpaintingMaskWeight;
            fixSteps = s.fixSteps;
            upscaler = s.upscaler;
            backgroundColor = s.backgroundColor;
            overlayInpaint = s.overlayInpaint;
        }

        public Builder canvas(Canvas v) {
            canvas = v;
            return this;
        }

        public Builder resizeMode(ResizeMode v) {
            resizeMode = v;
            return this;
        }

        public Builder scaleBy(double v) {
            scaleBy = v;
            return this;
        }

        public Builder denoisingStrength(double v) {
            denoisingStrength = v;
            return this;
        }

        /** "Mask blur" for both directions. */
        public Builder maskBlur(int v) {
            maskBlurX = v;
            maskBlurY = v;
            return this;
        }

        public Builder maskBlur(int x, int y) {
            maskBlurX = x;
            maskBlurY = y;
            return this;
        }

        public Builder maskTransparency(int v) {
            maskTransparency = v;
            return this;
        }

        public Builder maskMode(MaskMode v) {
            maskMode = v;
            return this;
        }

        public Builder maskedContent(MaskedContent v) {
            maskedContent = v;
            return this;
        }

        public Builder inpaintArea(InpaintArea v) {
            inpaintArea = v;
            return this;
        }

        public Builder onlyMaskedPadding(int v) {
            onlyMaskedPadding = v;
            return this;
        }

        public Builder softInpainting(SoftInpaintSettings v) {
            softInpainting = v;
            return this;
        }

        public Builder colorCorrection(boolean v) {
            colorCorrection = v;
            return this;
        }

        public Builder noiseMultiplier(double v) {
            noiseMultiplier = v;
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

        public Builder fixSteps(boolean v) {
            fixSteps = v;
            return this;
        }

        public Builder upscaler(String v) {
            upscaler = v;
            return this;
        }

        public Builder backgroundColor(String v) {
            backgroundColor = v;
            return this;
        }

        public Builder overlayInpaint(boolean v) {
            overlayInpaint = v;
            return this;
        }

        public Img2ImgSettings build() {
            return new Img2ImgSettings(canvas, resizeMode, scaleBy, denoisingStrength, maskBlurX, maskBlurY,
                    maskTransparency, maskMode, maskedContent, inpaintArea, onlyMaskedPadding, softInpainting,
                    colorCorrection, noiseMultiplier, extraNoise, inpaintingMaskWeight, fixSteps, upscaler,
                    backgroundColor, overlayInpaint);
        }
    }
}
