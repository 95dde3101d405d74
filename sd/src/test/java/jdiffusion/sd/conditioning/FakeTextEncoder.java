package jdiffusion.sd.conditioning;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.tensor.Tensor;

/**
 * A deterministic stand-in for a CLIP text model: hidden[b, p, k] = emb(id, k) + 0.01·p, where
 * emb(id, k) = sin(0.37·id + 1.3·k) or, at overridden positions, the override vector's element k.
 * Pooled (optional) = 2 × hidden at the row's first maximal id, over the first P channels.
 * Records every call so tests can inspect the ids it was given.
 */
final class FakeTextEncoder implements TextEncoder {
    final int width;
    final int pooled;
    final List<float[]> calls = new ArrayList<>();
    final List<List<List<TokenOverride>>> overrideCalls = new ArrayList<>();

    FakeTextEncoder(int width, int pooled) {
        this.width = width;
        this.pooled = pooled;
    }

    static float emb(int id, int k) {
        return (float) Math.sin(0.37 * id + 1.3 * k);
    }

    @Override
    public int tokenWidth() {
        return width;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public Encoded encode(Tensor ids, List<List<TokenOverride>> overrides, int clipSkip) {
        int n = ids.dim(0);
        int t = ids.dim(1);
        float[] idv = ids.toFloatArray();
        calls.add(idv);
        overrideCalls.add(overrides);
        float[] h = new float[n * t * width];
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < t; p++) {
                for (int k = 0; k < width; k++) {
                    h[(b * t + p) * width + k] = emb((int) idv[b * t + p], k) + 0.01f * p;
                }
            }
            for (TokenOverride o : overrides.get(b)) {
                for (int r = 0; r < o.vectors().dim(0); r++) {
                    for (int k = 0; k < width; k++) {
                        h[(b * t + o.position() + r) * width + k] = o.vectors().get(r, k) + 0.01f * (o.position() + r);
                    }
                }
            }
        }
        Tensor pool = null;
        if (pooled > 0) {
            float[] pv = new float[n * pooled];
            for (int b = 0; b < n; b++) {
                int best = 0;
                for (int p = 1; p < t; p++) {
                    if (idv[b * t + p] > idv[b * t + best]) {
                        best = p;
                    }
                }
                for (int j = 0; j < pooled; j++) {
                    pv[b * pooled + j] = 2 * h[(b * t + best) * width + j % width];
                }
            }
            pool = Tensor.of(pv, n, pooled);
        }
        return new Encoded(Tensor.of(h, n, t, width), pool);
    }
}
