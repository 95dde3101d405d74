package jdiffusion.loaders.detect;

import java.util.List;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.tensor.Activation;

/**
 * The published configurations of the parts a partial checkpoint may lack (a UNet-only file, a
 * checkpoint saved without its VAE): the components the pipeline must then get elsewhere have the
 * shapes of the family's originals.
 */
final class StandardConfigs {
    private StandardConfigs() {
    }

    static final String SD1_TEXT = "cond_stage_model.transformer.text_model.";
    static final String SD2_TEXT = "cond_stage_model.model.";
    static final String SDXL_TEXT_1 = "conditioner.embedders.0.transformer.text_model.";
    static final String SDXL_TEXT_2 = "conditioner.embedders.1.model.";
    static final String REFINER_TEXT = "conditioner.embedders.0.model.";

    static float vaeScale(Architecture a) {
        return a == Architecture.SDXL || a == Architecture.SDXL_REFINER ? 0.13025f : 0.18215f;
    }

    /** The KL-f8 autoencoder every SD family uses. */
    static VaeConfig vae(Architecture a, float scale) {
        return new VaeConfig(3, 128, List.of(1, 2, 4, 4), 2, 4, scale);
    }

    static List<TextEncoderConfig> textEncoders(Architecture a) {
        TextEncoderConfig clipL = new TextEncoderConfig(a == Architecture.SD1 ? SD1_TEXT : SDXL_TEXT_1,
                TextEncoderConfig.Layout.HF_CLIP, 49408, 77, 768, 12, 12, 3072, Activation.QUICK_GELU, 0, 1e-5f);
        return switch (a) {
            case SD1 -> List.of(clipL);
            case SD2 -> List.of(new TextEncoderConfig(SD2_TEXT, TextEncoderConfig.Layout.OPEN_CLIP, 49408, 77, 1024, 16, 24,
                    4096, Activation.GELU, 0, 1e-5f));
            case SDXL -> List.of(clipL, bigG(SDXL_TEXT_2));
            case SDXL_REFINER -> List.of(bigG(REFINER_TEXT));
        };
    }

    private static TextEncoderConfig bigG(String prefix) {
        return new TextEncoderConfig(prefix, TextEncoderConfig.Layout.OPEN_CLIP, 49408, 77, 1280, 20, 32, 5120,
                Activation.GELU, 1280, 1e-5f);
    }
}
