package jdiffusion.sd.conditioning;

import java.util.List;
import jdiffusion.tensor.Tensor;

/**
 * Conditioning tensors for one denoiser call, stacked over a batch.
 *
 * @param crossattn [N, T, C]
 * @param vector    [N, V] (SDXL) or null
 */
public record CondBatch(Tensor crossattn, Tensor vector) {

    /**
     * Stacks conds. Shorter contexts are extended by repeating their last token vector
     * ({@code stack_conds}) when {@code padShort}; otherwise all must have the same length.
     */
    public static CondBatch stack(List<Cond> conds, boolean padShort) {
        if (conds.isEmpty()) {
            throw new IllegalArgumentException("no conditioning to stack");
        }
        int t = 0;
        int c = conds.getFirst().crossattn().dim(1);
        for (Cond x : conds) {
            t = Math.max(t, x.tokens());
            if (x.crossattn().dim(1) != c) {
                throw new IllegalArgumentException("conditioning widths differ: " + c + " vs " + x.crossattn().dim(1));
            }
        }
        int n = conds.size();
        float[] out = new float[n * t * c];
        boolean hasVector = conds.getFirst().vector() != null;
        int v = hasVector ? conds.getFirst().vector().dim(0) : 0;
        float[] vec = hasVector ? new float[n * v] : null;
        for (int b = 0; b < n; b++) {
            Cond x = conds.get(b);
            if (x.tokens() != t && !padShort) {
                throw new IllegalArgumentException("conditionings in one batch have different lengths (" + x.tokens() + " vs " + t
                        + " tokens): the prompts need the same number of 75-token chunks");
            }
            float[] src = x.crossattn().toFloatArray();
            System.arraycopy(src, 0, out, b * t * c, src.length);
            for (int r = x.tokens(); r < t; r++) {
                System.arraycopy(src, (x.tokens() - 1) * c, out, (b * t + r) * c, c);
            }
            if (hasVector) {
                if (x.vector() == null || x.vector().dim(0) != v) {
                    throw new IllegalArgumentException("conditioning vectors differ in presence or size");
                }
                System.arraycopy(x.vector().toFloatArray(), 0, vec, b * v, v);
            }
        }
        return new CondBatch(Tensor.of(out, n, t, c), hasVector ? Tensor.of(vec, n, v) : null);
    }
}
