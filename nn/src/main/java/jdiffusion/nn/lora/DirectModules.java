package jdiffusion.nn.lora;

import java.util.Map;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** Network types whose delta is stored directly or derived from the layer's own weight. */
final class DirectModules {
    private DirectModules() {
    }

    /** Full / diff ({@code network_full.py}): ΔW = diff, bias delta = diff_b. */
    static final class Full extends NetworkModule {
        Full(String name, Map<String, Tensor> parts) {
            super(name, parts);
        }

        @Override
        String type() {
            return "full";
        }

        @Override
        Integer dim() {
            return null;
        }

        @Override
        Raw raw(Backend backend, Tensor orig, Integer dyn) {
            Tensor diff = part("diff");
            Tensor b = parts.get("diff_b");
            return new Raw(diff.toFloatArray(), diff.shape(), b == null ? null : b.toFloatArray());
        }
    }

    /** Norm ({@code network_norm.py}): ΔW = w_norm, bias delta = b_norm (LayerNorm / GroupNorm layers). */
    static final class Norm extends NetworkModule {
        Norm(String name, Map<String, Tensor> parts) {
            super(name, parts);
        }

        @Override
        String type() {
            return "norm";
        }

        @Override
        Integer dim() {
            return null;
        }

        @Override
        Raw raw(Backend backend, Tensor orig, Integer dyn) {
            Tensor w = part("w_norm");
            Tensor b = parts.get("b_norm");
            return new Raw(w.toFloatArray(), w.shape(), b == null ? null : b.toFloatArray());
        }
    }

    /**
     * IA3 ({@code network_ia3.py}): ΔW = W ⊙ w, w scaling input columns ({@code on_input} true) or
     * output rows. Linear layers.
     */
    static final class Ia3 extends NetworkModule {
        Ia3(String name, Map<String, Tensor> parts) {
            super(name, parts);
        }

        @Override
        String type() {
            return "IA3";
        }

        @Override
        Integer dim() {
            return null;
        }

        @Override
        Raw raw(Backend backend, Tensor orig, Integer dyn) {
            if (orig.rank() != 2) {
                throw new IllegalArgumentException(where() + ": IA3 is supported on linear layers only, layer is " + orig);
            }
            Tensor w = part("weight");
            boolean onInput = parts.containsKey("on_input") && part("on_input").getFlat(0) != 0;
            int out = orig.dim(0);
            int in = orig.dim(1);
            if (w.size() != (onInput ? in : out)) {
                throw new IllegalArgumentException(where() + ": weight " + w + " does not fit " + (onInput ? "the inputs" : "the outputs")
                        + " of " + orig);
            }
            float[] wv = w.toFloatArray();
            float[] o = orig.toFloatArray();
            float[] u = new float[o.length];
            for (int i = 0; i < out; i++) {
                for (int j = 0; j < in; j++) {
                    u[i * in + j] = o[i * in + j] * (onInput ? wv[j] : wv[i]);
                }
            }
            return new Raw(u, orig.shape(), null);
        }
    }

    /** GLoRA ({@code network_glora.py}): ΔW = w2b·w1b + (W·w2a)·w1a with a1/a2/b1/b2 = w1a/w2a/w1b/w2b. Linear layers. */
    static final class Glora extends NetworkModule {
        Glora(String name, Map<String, Tensor> parts) {
            super(name, parts);
        }

        @Override
        String type() {
            return "GLoRA";
        }

        @Override
        Integer dim() {
            return null;
        }

        @Override
        Raw raw(Backend backend, Tensor orig, Integer dyn) {
            if (orig.rank() != 2) {
                throw new IllegalArgumentException(where() + ": GLoRA is supported on linear layers only, layer is " + orig);
            }
            Tensor w1a = part("a1.weight").asF32();
            Tensor w1b = part("b1.weight").asF32();
            Tensor w2a = part("a2.weight").asF32();
            Tensor w2b = part("b2.weight").asF32();
            float[] first = DeltaMath.matmul(backend, w2b, w1b);
            Tensor wa = Tensor.of(DeltaMath.matmul(backend, orig.asF32(), w2a), orig.dim(0), w2a.dim(1));
            float[] second = DeltaMath.matmul(backend, wa, w1a);
            if (first.length != second.length) {
                throw new IllegalArgumentException(where() + ": its two terms have " + first.length + " and " + second.length + " values");
            }
            for (int i = 0; i < first.length; i++) {
                first[i] += second[i];
            }
            return new Raw(first, new int[] {w1a.dim(0), w1b.dim(1)}, null);
        }
    }
}
