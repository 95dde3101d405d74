package jdiffusion.sd.pipeline;

/** The "Mask mode" radio ({@code inpainting_mask_invert}). */
public enum MaskMode {
    /** 0 "Inpaint masked": the painted area is regenerated. */
    INPAINT_MASKED("Inpaint masked"),
    /** 1 "Inpaint not masked": the mask is inverted first (infotext {@code Mask mode: Inpaint not masked}). */
    INPAINT_NOT_MASKED("Inpaint not masked");

    private final String label;

    MaskMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The webui's integer value. */
    public int code() {
        return ordinal();
    }
}
