package jdiffusion.nn;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.nn.clip.ClipTextModel;
import jdiffusion.nn.unet.UNetModel;
import jdiffusion.nn.vae.Vae;
import jdiffusion.tensor.Backend;

/**
 * Every network of a Stable Diffusion checkpoint, built from its tensors (internal LDM naming) and a
 * configuration. The tensors stay owned by the source: keep it open while the networks are used.
 *
 * @param textEncoders in conditioning order (SDXL: CLIP-L, then OpenCLIP bigG)
 */
public record SdNetworks(ModelConfig config, List<ClipTextModel> textEncoders, UNetModel unet, Vae vae) {
    public SdNetworks {
        textEncoders = List.copyOf(textEncoders);
    }

    /** Builds all networks; a missing or mis-shaped tensor fails here, naming its key. */
    public static SdNetworks load(Backend backend, TensorSource checkpoint, ModelConfig config) {
        List<ClipTextModel> encoders = new ArrayList<>();
        for (TextEncoderConfig te : config.textEncoders()) {
            encoders.add(ClipTextModel.fromCheckpoint(backend, checkpoint, te));
        }
        return new SdNetworks(config, encoders, UNetModel.fromCheckpoint(backend, checkpoint, config.unet()),
                Vae.fromCheckpoint(backend, checkpoint, config.vae()));
    }
}
