package jdiffusion.nn.esrgan;

import jdiffusion.nn.Weights;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** basicsr {@code RRDB} ({@code body.N}): three dense blocks, residual scaled by 0.2. */
final class RRDB {
    private final Backend backend;
    private final ResidualDenseBlock rdb1;
    private final ResidualDenseBlock rdb2;
    private final ResidualDenseBlock rdb3;

    RRDB(Weights w, int nf, int gc) {
        backend = w.backend();
        rdb1 = new ResidualDenseBlock(w.at("rdb1"), nf, gc);
        rdb2 = new ResidualDenseBlock(w.at("rdb2"), nf, gc);
        rdb3 = new ResidualDenseBlock(w.at("rdb3"), nf, gc);
    }

    // x: [B, nf, H, W] -> [B, nf, H, W]
    Tensor forward(Tensor x) {
        Tensor y = rdb3.forward(rdb2.forward(rdb1.forward(x)));
        return backend.addInPlace(backend.scale(y, 0.2f), x);
    }
}
