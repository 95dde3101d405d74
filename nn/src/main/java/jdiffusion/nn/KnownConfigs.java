package jdiffusion.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.Prediction;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.tensor.Activation;

/**
 * Model configurations written out by hand: the public SD1.5 and SDXL base architectures and the tiny
 * test models of {@code testdata/models} (see testdata/README.md). The loaders' architecture
 * detection derives configurations from the weights; these named ones serve tests, the
 * {@code eval} command and benchmarks until then, and as a cross-check of the detection after.
 */
public final class KnownConfigs {
    private KnownConfigs() {
    }

    /** SD1 / SDXL encoder 1 text transformer prefix in the LDM single-file layout. */
    public static final String SD1_TEXT_PREFIX = "cond_stage_model.transformer.text_model.";
    public static final String SD2_TEXT_PREFIX = "cond_stage_model.model.";
    public static final String SDXL_TEXT1_PREFIX = "conditioner.embedders.0.transformer.text_model.";
    public static final String SDXL_TEXT2_PREFIX = "conditioner.embedders.1.model.";

    private static final int VOCAB = 49408;
    private static final int POSITIONS = 77;
    private static final float LN_EPS = 1e-5f;

    /** Stable Diffusion 1.5 (v1-5-pruned-emaonly): UNet 320·(1,2,4,4), 8 heads, CLIP ViT-L/14. */
    public static ModelConfig sd15() {
        UNetConfig unet = new UNetConfig(4, 4, 320, List.of(1, 2, 4, 4), 2, List.of(1, 1, 1, 0), 1, 8, -1, 768, false, 0);
        TextEncoderConfig clipL = new TextEncoderConfig(SD1_TEXT_PREFIX, TextEncoderConfig.Layout.HF_CLIP, VOCAB,
                POSITIONS, 768, 12, 12, 3072, Activation.QUICK_GELU, 0, LN_EPS);
        return new ModelConfig(Architecture.SD1, Prediction.EPSILON, unet, vae(128, List.of(1, 2, 4, 4), 0.18215f),
                List.of(clipL), 1);
    }

    /** The SD1.5 inpainting UNet: the same network with 9 input channels (latent, mask, masked-image latent). */
    public static ModelConfig sd15Inpainting() {
        ModelConfig c = sd15();
        UNetConfig u = c.unet();
        UNetConfig unet = new UNetConfig(9, u.outChannels(), u.modelChannels(), u.channelMult(), u.numResBlocks(),
                u.transformerDepth(), u.transformerDepthMiddle(), u.numHeads(), u.headDim(), u.contextDim(),
                u.linearProjection(), u.admInChannels());
        return new ModelConfig(c.architecture(), c.prediction(), unet, c.vae(), c.textEncoders(), c.clipSkip());
    }

    /**
     * Stable Diffusion 2.x (768-v; the 512 base model is the same network with epsilon prediction):
     * UNet 320·(1,2,4,4), head dim 64, linear projections, OpenCLIP ViT-H (24 layers in the file; its
     * text_projection is not used by SD2 and not read).
     */
    public static ModelConfig sd2() {
        UNetConfig unet = new UNetConfig(4, 4, 320, List.of(1, 2, 4, 4), 2, List.of(1, 1, 1, 0), 1, -1, 64, 1024, true, 0);
        TextEncoderConfig vitH = new TextEncoderConfig(SD2_TEXT_PREFIX, TextEncoderConfig.Layout.OPEN_CLIP, VOCAB,
                POSITIONS, 1024, 16, 24, 4096, Activation.GELU, 0, LN_EPS);
        return new ModelConfig(Architecture.SD2, Prediction.V_PREDICTION, unet, vae(128, List.of(1, 2, 4, 4), 0.18215f),
                List.of(vitH), 1);
    }

    /** SDXL base 1.0: UNet 320·(1,2,4) depth (0,2,10), head dim 64, CLIP-L + OpenCLIP bigG. */
    public static ModelConfig sdxlBase() {
        UNetConfig unet = new UNetConfig(4, 4, 320, List.of(1, 2, 4), 2, List.of(0, 2, 10), 10, -1, 64, 2048, true,
                2816);
        TextEncoderConfig clipL = new TextEncoderConfig(SDXL_TEXT1_PREFIX, TextEncoderConfig.Layout.HF_CLIP, VOCAB,
                POSITIONS, 768, 12, 12, 3072, Activation.QUICK_GELU, 0, LN_EPS);
        TextEncoderConfig bigG = new TextEncoderConfig(SDXL_TEXT2_PREFIX, TextEncoderConfig.Layout.OPEN_CLIP, VOCAB,
                POSITIONS, 1280, 20, 32, 5120, Activation.GELU, 1280, LN_EPS);
        return new ModelConfig(Architecture.SDXL, Prediction.EPSILON, unet, vae(128, List.of(1, 2, 4, 4), 0.13025f),
                List.of(clipL, bigG), 1);
    }

    /** testdata/models/tiny-sd15.safetensors: UNet 32·(1,2,2,2), 8 heads, context 64; text width 64. */
    public static ModelConfig tinySd15() {
        UNetConfig unet = new UNetConfig(4, 4, 32, List.of(1, 2, 2, 2), 2, List.of(1, 1, 1, 0), 1, 8, -1, 64, false, 0);
        return new ModelConfig(Architecture.SD1, Prediction.EPSILON, unet, vae(32, List.of(1, 2, 2, 2), 0.18215f),
                List.of(tinyClip(SD1_TEXT_PREFIX)), 1);
    }

    /** testdata/models/tiny-sdxl.safetensors: UNet 64·(1,2,2) depth (0,1,2), head dim 64, context 128, adm 1600. */
    public static ModelConfig tinySdxl() {
        UNetConfig unet = new UNetConfig(4, 4, 64, List.of(1, 2, 2), 2, List.of(0, 1, 2), 2, -1, 64, 128, true, 1600);
        TextEncoderConfig openClip = new TextEncoderConfig(SDXL_TEXT2_PREFIX, TextEncoderConfig.Layout.OPEN_CLIP, VOCAB,
                POSITIONS, 64, 1, 3, 256, Activation.GELU, 64, LN_EPS);
        return new ModelConfig(Architecture.SDXL, Prediction.EPSILON, unet, vae(32, List.of(1, 2, 2, 2), 0.13025f),
                List.of(tinyClip(SDXL_TEXT1_PREFIX), openClip), 1);
    }

    /** The configurations by name, in a fixed order: sd15, sd15-inpainting, sd2, sdxl, tiny-sd15, tiny-sdxl. */
    public static Map<String, ModelConfig> byName() {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        m.put("sd15", sd15());
        m.put("sd15-inpainting", sd15Inpainting());
        m.put("sd2", sd2());
        m.put("sdxl", sdxlBase());
        m.put("tiny-sd15", tinySd15());
        m.put("tiny-sdxl", tinySdxl());
        return m;
    }

    private static TextEncoderConfig tinyClip(String prefix) {
        return new TextEncoderConfig(prefix, TextEncoderConfig.Layout.HF_CLIP, VOCAB, POSITIONS, 64, 1, 3, 128,
                Activation.QUICK_GELU, 0, LN_EPS);
    }

    private static VaeConfig vae(int ch, List<Integer> mult, float scale) {
        return new VaeConfig(3, ch, mult, 2, 4, scale);
    }
}
