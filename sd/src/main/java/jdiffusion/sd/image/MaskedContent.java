package jdiffusion.sd.image;

/** The "Masked content" radio ({@code inpainting_fill}). */
public enum MaskedContent {
    /** 0: the pixel fill cascade ({@link MaskedFill}). */
    FILL,
    /** 1: keep the original pixels. */
    ORIGINAL,
    /** 2: pixel fill, then latent = noise under the mask. */
    LATENT_NOISE,
    /** 3: pixel fill, then latent = 0 under the mask. */
    LATENT_NOTHING;

    public int code() {
        return ordinal();
    }

    public static MaskedContent of(int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("inpainting_fill must be 0..3, got " + code);
        }
        return values()[code];
    }

    /** The infotext value ("Masked content: …"); null for ORIGINAL, which writes nothing. */
    public String infotext() {
        return switch (this) {
            case FILL -> "fill";
            case ORIGINAL -> null;
            case LATENT_NOISE -> "latent noise";
            case LATENT_NOTHING -> "latent nothing";
        };
    }
}
