package jdiffusion.nn.esrgan;

import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.EsrganConfig;
import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * The ESRGAN-family generator (ESRGAN, Real-ESRGAN x4plus / x2plus / anime 6B, 4x-UltraSharp, NMKD
 * Superscale), named as basicsr names it ({@code conv_first}, {@code body.N}, {@code conv_body},
 * {@code conv_upK}, {@code conv_hr}, {@code conv_last}); the loader presents older layouts under
 * these names. Input and output are RGB-order planes in [0, 1] (the caller owns colour order).
 */
public final class RRDBNet {
    private final Backend backend;
    private final EsrganConfig config;
    private final Conv2d convFirst;
    private final RRDB[] body;
    private final Conv2d convBody;
    private final Conv2d[] convUp;
    private final Conv2d convHr;
    private final Conv2d convLast;

    public RRDBNet(Backend backend, TensorSource weights, EsrganConfig config) {
        this.backend = backend;
        this.config = config;
        Weights w = new Weights(backend, weights);
        int nf = config.numFeatures();
        convFirst = Conv2d.load(w.at("conv_first"), config.inChannels(), nf, 3, 1, 1);
        body = new RRDB[config.numBlocks()];
        for (int i = 0; i < body.length; i++) {
            body[i] = new RRDB(w.at("body." + i), nf, config.growthChannels());
        }
        convBody = Conv2d.load(w.at("conv_body"), nf, nf, 3, 1, 1);
        convUp = new Conv2d[config.upsamples()];
        for (int i = 0; i < convUp.length; i++) {
            convUp[i] = Conv2d.load(w.at("conv_up" + (i + 1)), nf, nf, 3, 1, 1);
        }
        convHr = Conv2d.load(w.at("conv_hr"), nf, nf, 3, 1, 1);
        convLast = Conv2d.load(w.at("conv_last"), nf, config.outChannels(), 3, 1, 1);
    }

    public EsrganConfig config() {
        return config;
    }

    /** Output size over input size. */
    public int scale() {
        return config.scale();
    }

    // x: [B, 3, H, W] -> [B, 3, H·scale, W·scale] (H, W divisible by the pixel-unshuffle factor)
    public Tensor forward(Tensor x) {
        int r = config.pixelUnshuffle();
        if (r > 1) {
            x = pixelUnshuffle(backend, x, r);
        }
        Tensor feat = convFirst.forward(x);
        Tensor trunk = feat;
        for (RRDB block : body) {
            trunk = block.forward(trunk);
        }
        feat = backend.addInPlace(convBody.forward(trunk), feat);
        for (Conv2d up : convUp) {
            feat = leakyRelu(backend, up.forward(backend.upsampleNearest2x(feat)));
        }
        return convLast.forward(leakyRelu(backend, convHr.forward(feat)));
    }

    /**
     * PyTorch {@code pixel_unshuffle}: [B, C, H, W] -> [B, C·r², H/r, W/r], channel c·r² + i·r + j
     * taking pixel (y·r + i, x·r + j).
     */
    static Tensor pixelUnshuffle(Backend backend, Tensor x, int r) {
        int b = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        if (h % r != 0 || w % r != 0) {
            throw new IllegalArgumentException("pixel unshuffle by " + r + " needs a size divisible by " + r + ", got "
                    + w + "x" + h);
        }
        Tensor v = x.reshape(b, c, h / r, r, w / r, r);
        return backend.permute(v, 0, 1, 3, 5, 2, 4).reshape(b, c * r * r, h / r, w / r);
    }

    /** LeakyReLU(0.2) = max(x, 0) + 0.2·min(x, 0). */
    static Tensor leakyRelu(Backend backend, Tensor x) {
        Tensor neg = backend.scale(backend.clamp(x, Float.NEGATIVE_INFINITY, 0f), 0.2f);
        return backend.addInPlace(backend.clamp(x, 0f, Float.POSITIVE_INFINITY), neg);
    }
}
