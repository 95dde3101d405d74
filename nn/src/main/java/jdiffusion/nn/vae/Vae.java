package jdiffusion.nn.vae;

import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LDM {@code AutoencoderKL}: {@code encoder}, {@code quant_conv} (1×1, 2z → 2z), {@code post_quant_conv}
 * (1×1, z → z), {@code decoder}. Works on raw latents: the pipeline multiplies by
 * {@link #scalingFactor()} after encoding and divides before decoding.
 */
public final class Vae {
    /** LDM clamps the log-variance to this range before using it. */
    public static final float LOGVAR_MIN = -30f;
    public static final float LOGVAR_MAX = 20f;

    private final Backend backend;
    private final VaeConfig config;
    private final VaeEncoder encoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;
    private final VaeDecoder decoder;

    /** Builds the autoencoder from weights already scoped to {@code first_stage_model.}. */
    public Vae(Backend backend, TensorSource weights, VaeConfig config) {
        this.backend = backend;
        this.config = config;
        Weights w = new Weights(backend, weights);
        int z = config.zChannels();
        encoder = new VaeEncoder(w.at("encoder"), config);
        quantConv = Conv2d.load(w.at("quant_conv"), 2 * z, 2 * z, 1, 1, 0);
        postQuantConv = Conv2d.load(w.at("post_quant_conv"), z, z, 1, 1, 0);
        decoder = new VaeDecoder(w.at("decoder"), config);
    }

    /** Builds the autoencoder from a whole checkpoint (keys under {@code first_stage_model.}). */
    public static Vae fromCheckpoint(Backend backend, TensorSource checkpoint, VaeConfig config) {
        return new Vae(backend, checkpoint.scoped(ModelConfig.VAE_PREFIX), config);
    }

    public VaeConfig config() {
        return config;
    }

    /** The latent scale the pipeline applies (0.18215 SD1/SD2, 0.13025 SDXL). */
    public float scalingFactor() {
        return config.scalingFactor();
    }

    /** How many pixels one latent pixel covers along each axis: 2^(levels−1) (8 for SD). */
    public int downscale() {
        return 1 << (config.channelMult().size() - 1);
    }

    /** image: [B, 3, H, W] in [-1, 1] (H, W multiples of {@link #downscale()}) -> mean and logvar [B, z, H/8, W/8]. */
    public LatentDistribution encode(Tensor image) {
        int f = downscale();
        if (image.rank() != 4 || image.dim(1) != config.inChannels() || image.dim(2) % f != 0 || image.dim(3) % f != 0
                || image.dim(2) == 0 || image.dim(3) == 0) {
            throw new IllegalArgumentException("VAE encode: expected an image [batch, " + config.inChannels()
                    + ", H, W] with H and W positive multiples of " + f + ", got " + image);
        }
        Tensor moments = quantConv.forward(encoder.forward(image));         // [B, 2z, h, w]
        int z = config.zChannels();
        Tensor mean = backend.narrow(moments, 1, 0, z);
        Tensor logvar = backend.clamp(backend.narrow(moments, 1, z, z), LOGVAR_MIN, LOGVAR_MAX);
        return new LatentDistribution(mean, logvar);
    }

    /** latent: [B, z, h, w] raw (unscaled) latent, any h, w ≥ 1 -> image [B, 3, 8h, 8w], not clamped. */
    public Tensor decode(Tensor latent) {
        if (latent.rank() != 4 || latent.dim(1) != config.zChannels() || latent.dim(2) == 0 || latent.dim(3) == 0) {
            throw new IllegalArgumentException("VAE decode: expected a latent [batch, " + config.zChannels()
                    + ", h, w], got " + latent);
        }
        return decoder.forward(postQuantConv.forward(latent));
    }
}
