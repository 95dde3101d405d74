package jdiffusion.nn.lora;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * One layer's part of a network file: its tensors by part name, and the weight delta they encode
 * ({@code network.py: NetworkModule}, spec §5.3). Subclasses compute the raw delta ("updown");
 * {@link #delta} finishes it the webui's way: add a {@code bias} part, take the layer's shape when
 * the sizes agree, multiply by the scale ({@code scale} part, else alpha / rank, else 1), apply
 * DoRA when a {@code dora_scale} part exists, multiply by the te or unet multiplier. A separate
 * bias delta ({@code diff_b}, {@code b_norm}) is multiplied by the multiplier only.
 */
abstract class NetworkModule {
    /** The webui module name (decides te vs unet multiplier). */
    final String name;
    final Map<String, Tensor> parts;
    private final Double alpha;
    private final Double scale;
    private final Tensor biasPart;
    private final Tensor doraScale;

    NetworkModule(String name, Map<String, Tensor> parts) {
        this.name = name;
        this.parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
        this.alpha = parts.containsKey("alpha") ? (double) parts.get("alpha").getFlat(0) : null;
        this.scale = parts.containsKey("scale") ? (double) parts.get("scale").getFlat(0) : null;
        this.biasPart = parts.get("bias");
        this.doraScale = parts.get("dora_scale");
    }

    /** The raw delta: values (row-major), the shape the network type gives them, and a bias delta or null. */
    record Raw(float[] updown, int[] shape, float[] exBias) {
    }

    /** A finished delta for a layer weight of shape {@code shape}, and its bias delta (or null). */
    record Delta(float[] weight, int[] shape, float[] bias) {
    }

    /** The type's name for messages ("LoRA", "LoHa", ...). */
    abstract String type();

    /** Rank for the alpha / rank scale, or null when the type has none. */
    abstract Integer dim();

    /** The raw delta for a layer whose current weight is {@code orig} of shape {@code origShape}. */
    abstract Raw raw(Backend backend, Tensor orig, Integer dyn);

    /** The webui's {@code calc_scale}. */
    final double calcScale() {
        if (scale != null) {
            return scale;
        }
        Integer d = dim();
        if (d != null && alpha != null) {
            return alpha / d;
        }
        return 1.0;
    }

    /** The webui's multiplier choice: te when "transformer" occurs in the first 20 characters of the name. */
    final boolean isTextEncoder() {
        return name.substring(0, Math.min(20, name.length())).contains("transformer");
    }

    /** {@code calc_updown} + {@code finalize_updown} for a layer weight {@code orig}. */
    final Delta delta(Backend backend, Tensor orig, double multiplier, Integer dyn) {
        Raw r = raw(backend, orig, dyn);
        float[] u = r.updown();
        int[] shape = r.shape();
        int[] origShape = orig.shape();
        if (biasPart != null) {
            if (biasPart.size() != u.length) {
                throw new IllegalArgumentException(where() + ": 'bias' part " + biasPart + " does not match the delta's "
                        + u.length + " values");
            }
            float[] b = biasPart.toFloatArray();
            for (int i = 0; i < u.length; i++) {
                u[i] += b[i];
            }
        }
        if (u.length == orig.size()) {
            shape = origShape;
        }
        float[] exBias = r.exBias();
        float m = (float) multiplier;
        if (exBias != null) {
            for (int i = 0; i < exBias.length; i++) {
                exBias[i] *= m;
            }
        }
        float s = (float) calcScale();
        for (int i = 0; i < u.length; i++) {
            u[i] *= s;
        }
        if (doraScale != null) {
            u = weightDecompose(u, shape, orig);
        }
        for (int i = 0; i < u.length; i++) {
            u[i] *= m;
        }
        return new Delta(u, shape, exBias);
    }

    /**
     * DoRA ({@code apply_weight_decompose}): M = W + ΔW; n_j = ‖M[:, j, …]‖ (over every axis but
     * the input one); ΔW ← M·(dora_scale / n) − W, with NumPy broadcasting of dora_scale against
     * n's shape [1, in, 1, …].
     */
    private float[] weightDecompose(float[] u, int[] shape, Tensor orig) {
        if (!Arrays.equals(shape, orig.shape()) || shape.length < 2) {
            throw new IllegalArgumentException(where() + ": DoRA needs a delta of the layer's shape " + Arrays.toString(orig.shape())
                    + ", got " + Arrays.toString(shape));
        }
        float[] w = orig.toFloatArray();
        int out = shape[0];
        int in = shape[1];
        int inner = u.length / (out * in);
        float[] merged = new float[u.length];
        double[] sq = new double[in];
        for (int i = 0; i < u.length; i++) {
            merged[i] = w[i] + u[i];
            int j = (i / inner) % in;
            sq[j] += (double) merged[i] * merged[i];
        }
        int[] normShape = new int[shape.length];
        Arrays.fill(normShape, 1);
        normShape[1] = in;
        float[] norm = new float[in];
        for (int j = 0; j < in; j++) {
            norm[j] = (float) Math.sqrt(sq[j]);
        }
        int[] ds = doraScale.shape();
        float[] dv = doraScale.toFloatArray();
        int[] ratioShape = DeltaMath.broadcastShape(ds, normShape);
        int[] outShape = DeltaMath.broadcastShape(shape, ratioShape);
        if (!Arrays.equals(outShape, shape)) {
            throw new IllegalArgumentException(where() + ": dora_scale " + Arrays.toString(ds) + " does not broadcast to the layer "
                    + Arrays.toString(shape));
        }
        int[] idx = new int[shape.length];
        float[] res = new float[u.length];
        for (int i = 0; i < u.length; i++) {
            DeltaMath.unravel(i, shape, idx);
            float ratio = dv[DeltaMath.broadcastIndex(idx, ds)] / norm[DeltaMath.broadcastIndex(idx, normShape)];
            res[i] = merged[i] * ratio - w[i];
        }
        return res;
    }

    final String where() {
        return type() + " module " + name;
    }

    final Tensor part(String p) {
        Tensor t = parts.get(p);
        if (t == null) {
            throw new IllegalArgumentException(where() + ": missing part '" + p + "'");
        }
        return t;
    }

    /**
     * The module type the parts describe, in the webui's order: LoRA, LoHa, IA3, LoKr, Full, Norm,
     * GLoRA. OFT is recognised and refused. Null when no type accepts the parts.
     */
    static NetworkModule create(String name, Map<String, Tensor> parts) {
        if ((parts.containsKey("lora_up.weight") && parts.containsKey("lora_down.weight"))
                || (parts.containsKey("lora_A.weight") && parts.containsKey("lora_B.weight"))) {
            return new LoraModule(name, parts);
        }
        if (parts.keySet().containsAll(java.util.List.of("hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b"))) {
            return new LycorisModules.Loha(name, parts);
        }
        if (parts.containsKey("weight")) {
            return new DirectModules.Ia3(name, parts);
        }
        boolean w1 = parts.containsKey("lokr_w1") || (parts.containsKey("lokr_w1_a") && parts.containsKey("lokr_w1_b"));
        boolean w2 = parts.containsKey("lokr_w2") || (parts.containsKey("lokr_w2_a") && parts.containsKey("lokr_w2_b"));
        if (w1 && w2) {
            return new LycorisModules.Lokr(name, parts);
        }
        if (parts.containsKey("diff")) {
            return new DirectModules.Full(name, parts);
        }
        if (parts.containsKey("w_norm") && parts.containsKey("b_norm")) {
            return new DirectModules.Norm(name, parts);
        }
        if (parts.keySet().containsAll(java.util.List.of("a1.weight", "a2.weight", "alpha", "b1.weight", "b2.weight"))) {
            return new DirectModules.Glora(name, parts);
        }
        if (parts.containsKey("oft_blocks") || parts.containsKey("oft_diag")) {
            throw new UnsupportedOperationException("OFT module " + name + " is not supported (LoRA, LoCon, LoHa, LoKr, "
                    + "IA3, GLoRA, full and norm networks are)");
        }
        return null;
    }
}
