package jdiffusion.nn.lora;

import java.util.Map;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/** LyCORIS low-rank products beyond LoRA: LoHa (Hadamard) and LoKr (Kronecker). */
final class LycorisModules {
    private LycorisModules() {
    }

    /**
     * LoHa ({@code network_hada.py}): ΔW = (w1a·w1b) ⊙ (w2a·w2b), or with {@code hada_t1/t2} (CP)
     * W1[p, q, k, l] = Σ_i Σ_j t1[i, j, k, l]·w1a[i, p]·w1b[j, q] (likewise W2). Rank = w1b rows.
     */
    static final class Loha extends NetworkModule {
        Loha(String name, Map<String, Tensor> parts) {
            super(name, parts);
        }

        @Override
        String type() {
            return "LoHa";
        }

        @Override
        Integer dim() {
            return part("hada_w1_b").dim(0);
        }

        @Override
        Raw raw(Backend backend, Tensor orig, Integer dyn) {
            Tensor w1a = part("hada_w1_a");
            Tensor w1b = part("hada_w1_b");
            Tensor w2a = part("hada_w2_a");
            Tensor w2b = part("hada_w2_b");
            Tensor t1 = parts.get("hada_t1");
            Tensor t2 = parts.get("hada_t2");
            float[] u1;
            int[] shape;
            if (t1 != null) {
                u1 = DeltaMath.makeWeightCp(backend, t1, w1a.asF32(), w1b.asF32());
                shape = new int[] {w1a.dim(1), w1b.dim(1), t1.dim(2), t1.dim(3)};
            } else {
                u1 = DeltaMath.matmul(backend, DeltaMath.as2d(w1a, w1a.dim(0)), DeltaMath.as2d(w1b, w1b.dim(0)));
                shape = w1b.rank() == 4 ? new int[] {w1a.dim(0), w1b.dim(1), w1b.dim(2), w1b.dim(3)} : new int[] {w1a.dim(0), w1b.dim(1)};
            }
            float[] u2 = t2 != null
                    ? DeltaMath.makeWeightCp(backend, t2, w2a.asF32(), w2b.asF32())
                    : DeltaMath.matmul(backend, DeltaMath.as2d(w2a, w2a.dim(0)), DeltaMath.as2d(w2b, w2b.dim(0)));
            if (u1.length != u2.length || u1.length != DeltaMath.numel(shape)) {
                throw new IllegalArgumentException(where() + ": the two Hadamard factors have " + u1.length + " and " + u2.length
                        + " values");
            }
            for (int i = 0; i < u1.length; i++) {
                u1[i] *= u2[i];
            }
            return new Raw(u1, shape, null);
        }
    }

    /**
     * LoKr ({@code network_lokr.py}): ΔW = kron(w1, w2) reshaped to the layer, with w1 = lokr_w1 or
     * w1a·w1b and w2 = lokr_w2, w2a·w2b, or the CP form with lokr_t2; a 4-D w2 gets w1 as
     * [a, b, 1, 1]. Rank = w2b rows, else w1b rows, else none (scale 1 unless a scale part exists).
     */
    static final class Lokr extends NetworkModule {
        Lokr(String name, Map<String, Tensor> parts) {
            super(name, parts);
        }

        @Override
        String type() {
            return "LoKr";
        }

        @Override
        Integer dim() {
            if (parts.containsKey("lokr_w2_b")) {
                return parts.get("lokr_w2_b").dim(0);
            }
            if (parts.containsKey("lokr_w1_b")) {
                return parts.get("lokr_w1_b").dim(0);
            }
            return null;
        }

        @Override
        Raw raw(Backend backend, Tensor orig, Integer dyn) {
            Tensor w1 = parts.containsKey("lokr_w1") ? part("lokr_w1").asF32()
                    : product(backend, part("lokr_w1_a"), part("lokr_w1_b"));
            Tensor w2;
            if (parts.containsKey("lokr_w2")) {
                w2 = part("lokr_w2").asF32();
            } else if (parts.containsKey("lokr_t2")) {
                Tensor t2 = part("lokr_t2");
                Tensor a = part("lokr_w2_a");
                Tensor b = part("lokr_w2_b");
                w2 = Tensor.of(DeltaMath.makeWeightCp(backend, t2, a.asF32(), b.asF32()), a.dim(1), b.dim(1), t2.dim(2), t2.dim(3));
            } else {
                w2 = product(backend, part("lokr_w2_a"), part("lokr_w2_b"));
            }
            if (w1.rank() != 2) {
                throw new IllegalArgumentException(where() + ": w1 must be a matrix, got " + w1);
            }
            int[] s1 = w1.shape();
            int[] s2 = w2.shape();
            if (s2.length == 4) {
                s1 = new int[] {s1[0], s1[1], 1, 1};
            } else if (s2.length != 2) {
                throw new IllegalArgumentException(where() + ": w2 must be 2-D or 4-D, got " + w2);
            }
            float[] k = DeltaMath.kron(w1.toFloatArray(), s1, w2.toFloatArray(), s2);
            int[] shape = orig.rank() == 4 ? orig.shape() : new int[] {s1[0] * s2[0], s1[1] * s2[1]};
            if (k.length != DeltaMath.numel(shape)) {
                throw new IllegalArgumentException(where() + ": kron(" + w1 + ", " + w2 + ") has " + k.length
                        + " values, the layer " + orig);
            }
            return new Raw(k, shape, null);
        }

        private static Tensor product(Backend backend, Tensor a, Tensor b) {
            return Tensor.of(DeltaMath.matmul(backend, a.asF32(), b.asF32()), a.dim(0), b.dim(1));
        }
    }
}
