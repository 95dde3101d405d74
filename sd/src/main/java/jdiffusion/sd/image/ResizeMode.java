package jdiffusion.sd.image;

/** The img2img "Resize mode" radio (webui {@code resize_mode}). */
public enum ResizeMode {
    /** 0: stretch to W×H. */
    JUST_RESIZE,
    /** 1: cover W×H keeping the aspect ratio, centre-crop the excess. */
    CROP_AND_RESIZE,
    /** 2: fit inside W×H keeping the aspect ratio, fill the bands by stretching the edges. */
    RESIZE_AND_FILL,
    /** 3: "Just resize (latent upscale)": the image is not resized; the latent is (bilinear). */
    LATENT_UPSCALE;

    /** The webui's integer code. */
    public int code() {
        return ordinal();
    }

    public static ResizeMode of(int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("resize_mode must be 0..3, got " + code);
        }
        return values()[code];
    }
}
