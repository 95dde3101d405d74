package jdiffusion.tensor;

/** Pointwise non-linearities used by the SD networks. */
public enum Activation {
    /** x·σ(x) (ResBlocks, time embedding, VAE). */
    SILU,
    /** Exact GELU, x·Φ(x) with the error function (GEGLU, OpenCLIP bigG/H text encoders). */
    GELU,
    /** GELU with the tanh approximation. */
    GELU_TANH,
    /** x·σ(1.702x) (OpenAI CLIP-L text encoder). */
    QUICK_GELU
}
