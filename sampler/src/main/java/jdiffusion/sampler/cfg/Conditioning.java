package jdiffusion.sampler.cfg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import jdiffusion.tensor.Tensor;

/**
 * Conditioning rows for a UNet batch: the cross-attention context [N, T, C], SDXL's pooled "vector"
 * [N, D] (null for SD1/SD2) and the image conditioning concatenated to the latent for inpainting models
 * [N, Cc, h, w] (null when the model has none). Row i conditions latent row i.
 */
public record Conditioning(Tensor crossattn, Tensor vector, Tensor concat) {

    public Conditioning {
        Objects.requireNonNull(crossattn, "crossattn");
        if (crossattn.rank() != 3) {
            throw new IllegalArgumentException("crossattn must be [N, T, C], got " + Arrays.toString(crossattn.shape()));
        }
        int n = crossattn.dim(0);
        if (vector != null && (vector.rank() != 2 || vector.dim(0) != n)) {
            throw new IllegalArgumentException("vector must be [" + n + ", D], got " + Arrays.toString(vector.shape()));
        }
        if (concat != null && (concat.rank() != 4 || concat.dim(0) != n)) {
            throw new IllegalArgumentException("concat must be [" + n + ", C, h, w], got " + Arrays.toString(concat.shape()));
        }
    }

    /** Cross-attention context only (SD1/SD2). */
    public static Conditioning of(Tensor crossattn) {
        return new Conditioning(crossattn, null, null);
    }

    public Conditioning withConcat(Tensor value) {
        return new Conditioning(crossattn, vector, value);
    }

    /** Number of rows N. */
    public int rows() {
        return crossattn.dim(0);
    }

    /** Token count T of the context. */
    public int tokens() {
        return crossattn.dim(1);
    }

    public int channels() {
        return crossattn.dim(2);
    }

    /** Rows [from, to). */
    public Conditioning slice(int from, int to) {
        return new Conditioning(crossattn.slice(from, to).copy(), vector == null ? null : vector.slice(from, to).copy(),
                concat == null ? null : concat.slice(from, to).copy());
    }

    /** The rows of several conditionings one after the other (same token count, same optional parts). */
    public static Conditioning concatRows(List<Conditioning> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no conditioning rows to concatenate");
        }
        Conditioning first = parts.get(0);
        List<Tensor> ca = new ArrayList<>();
        List<Tensor> ve = new ArrayList<>();
        List<Tensor> co = new ArrayList<>();
        for (Conditioning c : parts) {
            if (c.tokens() != first.tokens() || c.channels() != first.channels()) {
                throw new IllegalArgumentException("cannot batch conditionings of shapes "
                        + Arrays.toString(first.crossattn.shape()) + " and " + Arrays.toString(c.crossattn.shape()));
            }
            if ((c.vector == null) != (first.vector == null) || (c.concat == null) != (first.concat == null)) {
                throw new IllegalArgumentException("cannot batch conditionings with and without vector/concat parts");
            }
            ca.add(c.crossattn);
            if (c.vector != null) {
                ve.add(c.vector);
            }
            if (c.concat != null) {
                co.add(c.concat);
            }
        }
        return new Conditioning(catRows(ca), first.vector == null ? null : catRows(ve),
                first.concat == null ? null : catRows(co));
    }

    static Tensor catRows(List<Tensor> parts) {
        int[] shape = parts.get(0).shape();
        int rows = 0;
        int per = parts.get(0).size() / Math.max(1, shape[0]);
        for (Tensor t : parts) {
            int[] s = t.shape();
            for (int d = 1; d < s.length; d++) {
                if (s[d] != shape[d]) {
                    throw new IllegalArgumentException("cannot concatenate rows of shapes " + Arrays.toString(shape)
                            + " and " + Arrays.toString(s));
                }
            }
            rows += s[0];
        }
        float[] out = new float[rows * per];
        int o = 0;
        for (Tensor t : parts) {
            float[] a = t.toFloatArray();
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        shape[0] = rows;
        return Tensor.of(out, shape);
    }

    /**
     * The context extended to {@code tokens} by appending copies of each row's last token vector
     * (the webui's {@code stack_conds} and "pad conds v0" for a shorter uncond), or truncated when
     * longer.
     */
    public Conditioning withTokens(int tokens) {
        int n = rows();
        int t = tokens();
        int c = channels();
        if (tokens == t) {
            return this;
        }
        float[] src = crossattn.toFloatArray();
        float[] out = new float[n * tokens * c];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < tokens; k++) {
                int from = Math.min(k, t - 1);
                System.arraycopy(src, (r * t + from) * c, out, (r * tokens + k) * c, c);
            }
        }
        return new Conditioning(Tensor.of(out, n, tokens, c), vector, concat);
    }

    /** The context with {@code repeats} copies of {@code empty} ([1, Te, C]) appended on the token axis. */
    public Conditioning padWith(Tensor empty, int repeats) {
        if (empty.rank() != 3 || empty.dim(0) != 1 || empty.dim(2) != channels()) {
            throw new IllegalArgumentException("empty-prompt conditioning must be [1, T, " + channels() + "], got "
                    + Arrays.toString(empty.shape()));
        }
        int n = rows();
        int t = tokens();
        int c = channels();
        int te = empty.dim(1);
        int total = t + repeats * te;
        float[] src = crossattn.toFloatArray();
        float[] e = empty.toFloatArray();
        float[] out = new float[n * total * c];
        for (int r = 0; r < n; r++) {
            System.arraycopy(src, r * t * c, out, r * total * c, t * c);
            for (int k = 0; k < repeats; k++) {
                System.arraycopy(e, 0, out, (r * total + t + k * te) * c, te * c);
            }
        }
        return new Conditioning(Tensor.of(out, n, total, c), vector, concat);
    }
}
