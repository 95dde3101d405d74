package jdiffusion.sd.pipeline;

/** The "Inpaint area" radio ({@code inpaint_full_res}). */
public enum InpaintArea {
    /** 0 "Whole picture": the whole image is processed at W×H. */
    WHOLE_PICTURE("Whole picture"),
    /** 1 "Only masked": the mask's bounding box (plus padding) is cut out, processed at W×H and pasted back. */
    ONLY_MASKED("Only masked");

    private final String label;

    InpaintArea(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
