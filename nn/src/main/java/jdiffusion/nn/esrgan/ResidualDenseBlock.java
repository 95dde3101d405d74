package jdiffusion.nn.esrgan;

import jdiffusion.nn.Weights;
import jdiffusion.nn.layers.Conv2d;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * basicsr {@code ResidualDenseBlock} ({@code rdbK}): five 3×3 convs, each seeing the input and every
 * earlier output concatenated on channels; LeakyReLU(0.2) after the first four; residual scaled by
 * 0.2.
 */
final class ResidualDenseBlock {
    private final Backend backend;
    private final Conv2d[] convs = new Conv2d[5];

    ResidualDenseBlock(Weights w, int nf, int gc) {
        backend = w.backend();
        for (int i = 0; i < 5; i++) {
            convs[i] = Conv2d.load(w.at("conv" + (i + 1)), nf + i * gc, i == 4 ? nf : gc, 3, 1, 1);
        }
    }

    // x: [B, nf, H, W] -> [B, nf, H, W]
    Tensor forward(Tensor x) {
        Tensor cat = x;
        for (int i = 0; i < 4; i++) {
            Tensor y = RRDBNet.leakyRelu(backend, convs[i].forward(cat));
            cat = backend.concat(1, cat, y);
        }
        Tensor x5 = convs[4].forward(cat);
        return backend.addInPlace(backend.scale(x5, 0.2f), x);
    }
}
