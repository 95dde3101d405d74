package jdiffusion.nn.lora;

import java.util.Map;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * LoRA and LoCon ({@code network_lora.py}): ΔW = up·down, both flattened to 2-D (a conv kernel lives
 * in {@code down}); with {@code dyn} = d only the first d ranks are used. With {@code lora_mid}
 * (CP/Tucker): ΔW[i, j, k, l] = Σ_n Σ_m mid[n, m, k, l]·up[i, n]·down[m, j]. {@code lora_A} /
 * {@code lora_B} are accepted for {@code lora_down} / {@code lora_up}. Rank = down rows.
 */
final class LoraModule extends NetworkModule {
    private final Tensor up;
    private final Tensor down;
    private final Tensor mid;

    LoraModule(String name, Map<String, Tensor> parts) {
        super(name, parts);
        boolean ab = !parts.containsKey("lora_up.weight");
        this.up = parts.get(ab ? "lora_B.weight" : "lora_up.weight");
        this.down = parts.get(ab ? "lora_A.weight" : "lora_down.weight");
        this.mid = parts.get("lora_mid.weight");
    }

    @Override
    String type() {
        return mid != null ? "LoCon (CP)" : "LoRA";
    }

    @Override
    Integer dim() {
        return down.dim(0);
    }

    @Override
    Raw raw(Backend backend, Tensor orig, Integer dyn) {
        int rank = down.dim(0);
        Tensor u2 = DeltaMath.as2d(up, up.dim(0));
        Tensor d2 = DeltaMath.as2d(down, rank);
        int out = up.dim(0);
        int in = down.rank() >= 2 ? down.dim(1) : 1;
        if (mid != null) {
            if (mid.rank() != 4) {
                throw new IllegalArgumentException(where() + ": lora_mid must be [rank, rank, kh, kw], got " + mid);
            }
            // The CP down factor is a 1x1 projection: [rank, in(, 1, 1)].
            float[] w = DeltaMath.rebuildCp(backend, mid.asF32(), u2, d2);
            return new Raw(w, new int[] {out, d2.dim(1), mid.dim(2), mid.dim(3)}, null);
        }
        if (u2.dim(1) != rank) {
            throw new IllegalArgumentException(where() + ": lora_up " + up + " and lora_down " + down + " ranks differ");
        }
        if (dyn != null && dyn < rank) {
            u2 = columns(u2, dyn);
            d2 = d2.slice(0, dyn);
        }
        float[] w = DeltaMath.matmul(backend, u2, d2);
        int[] shape = down.rank() == 4 ? new int[] {out, in, down.dim(2), down.dim(3)} : new int[] {out, in};
        return new Raw(w, shape, null);
    }

    /** The first {@code n} columns of a [r, c] matrix. */
    private static Tensor columns(Tensor m, int n) {
        int r = m.dim(0);
        int c = m.dim(1);
        float[] v = m.toFloatArray();
        float[] o = new float[r * n];
        for (int i = 0; i < r; i++) {
            System.arraycopy(v, i * c, o, i * n, n);
        }
        return Tensor.of(o, r, n);
    }
}
