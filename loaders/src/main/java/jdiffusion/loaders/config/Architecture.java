package jdiffusion.loaders.config;

/** Model families, as the webui distinguishes them. */
public enum Architecture {
    /** Stable Diffusion 1.x: CLIP ViT-L/14 text encoder, 768-dim context, 8 heads. */
    SD1,
    /** Stable Diffusion 2.x: OpenCLIP ViT-H text encoder, 1024-dim context, 64-dim heads. */
    SD2,
    /** SDXL base: CLIP-L + OpenCLIP bigG, 2048-dim context, label_emb vector conditioning. */
    SDXL,
    /** SDXL refiner: OpenCLIP bigG only, 1280-dim context, aesthetic-score conditioning. */
    SDXL_REFINER
}
