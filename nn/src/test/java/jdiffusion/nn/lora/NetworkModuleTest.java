package jdiffusion.nn.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Every network type's delta against a straightforward double-precision reference written from
 * the spec's formulas (§5.3), on random non-zero inputs of odd sizes.
 */
class NetworkModuleTest {
    private static final CpuBackend CPU = new CpuBackend();
    private final Random rnd = new Random(42);

    private Tensor rand(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.5 + 0.1);
        }
        return Tensor.of(v, shape);
    }

    private static Tensor scalar(double v) {
        return Tensor.of(new float[] {(float) v});
    }

    private static void close(double[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, "length");
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs(want[i] - got[i]) / Math.max(1, Math.abs(want[i])));
        }
        assertTrue(err <= tol, "max relative error " + err + " > " + tol);
    }

    /** C[i, j] = Σ_r a[i, r] b[r, j] in double. */
    private static double[] mm(Tensor a, int m, int k, Tensor b, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < k; r++) {
                    s += (double) a.getFlat(i * k + r) * b.getFlat(r * n + j);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @Test
    void loraLinearWithAlphaAndMultiplier() {
        int out = 7;
        int in = 5;
        int r = 3;
        Tensor up = rand(out, r);
        Tensor down = rand(r, in);
        NetworkModule m = NetworkModule.create("diffusion_model_x", Map.of("lora_up.weight", up, "lora_down.weight", down,
                "alpha", scalar(2)));
        NetworkModule.Delta d = m.delta(CPU, rand(out, in), 0.8, null);
        double[] want = mm(up, out, r, down, in);
        for (int i = 0; i < want.length; i++) {
            want[i] *= 0.8 * 2.0 / 3.0;
        }
        close(want, d.weight(), 1e-6);
        assertArrayEquals(new int[] {out, in}, d.shape());
        assertNull(d.bias());
        // spec §10: rank 4, alpha 2, multiplier 0.8 → 0.8 · 0.5 · up@down
        Tensor up4 = rand(3, 4);
        Tensor dn4 = rand(4, 6);
        NetworkModule m4 = NetworkModule.create("diffusion_model_y", Map.of("lora_up.weight", up4, "lora_down.weight", dn4,
                "alpha", scalar(2)));
        double[] w4 = mm(up4, 3, 4, dn4, 6);
        for (int i = 0; i < w4.length; i++) {
            w4[i] *= 0.8 * 0.5;
        }
        close(w4, m4.delta(CPU, rand(3, 6), 0.8, null).weight(), 1e-6);
        // no alpha → scale 1; a 'scale' part wins over alpha/rank
        NetworkModule noAlpha = NetworkModule.create("diffusion_model_z", Map.of("lora_up.weight", up, "lora_down.weight", down));
        assertEquals(1.0, noAlpha.calcScale());
        NetworkModule scaled = NetworkModule.create("diffusion_model_z", Map.of("lora_up.weight", up, "lora_down.weight", down,
                "alpha", scalar(2), "scale", scalar(0.25)));
        assertEquals(0.25, scaled.calcScale());
    }

    @Test
    void loconConvAndDyn() {
        int out = 6;
        int in = 3;
        int r = 4;
        Tensor up = rand(out, r, 1, 1);
        Tensor down = rand(r, in, 3, 3);
        NetworkModule m = NetworkModule.create("diffusion_model_conv", Map.of("lora_up.weight", up, "lora_down.weight", down,
                "alpha", scalar(1)));
        NetworkModule.Delta d = m.delta(CPU, rand(out, in, 3, 3), 1.0, null);
        double[] want = mm(up, out, r, down, in * 9);
        for (int i = 0; i < want.length; i++) {
            want[i] *= 1.0 / r;
        }
        close(want, d.weight(), 1e-6);
        assertArrayEquals(new int[] {out, in, 3, 3}, d.shape());
        // dyn = 2: first two ranks only, scale still alpha / full rank
        NetworkModule.Delta d2 = m.delta(CPU, rand(out, in, 3, 3), 1.0, 2);
        double[] want2 = new double[out * in * 9];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in * 9; j++) {
                double s = 0;
                for (int k = 0; k < 2; k++) {
                    s += (double) up.getFlat(i * r + k) * down.getFlat(k * in * 9 + j);
                }
                want2[i * in * 9 + j] = s / r;
            }
        }
        close(want2, d2.weight(), 1e-6);
    }

    @Test
    void loconTucker() {
        int out = 5;
        int in = 3;
        int r = 2;
        Tensor up = rand(out, r, 1, 1);
        Tensor down = rand(r, in, 1, 1);
        Tensor mid = rand(r, r, 3, 3);
        NetworkModule m = NetworkModule.create("diffusion_model_conv", Map.of("lora_up.weight", up, "lora_down.weight", down,
                "lora_mid.weight", mid));
        NetworkModule.Delta d = m.delta(CPU, rand(out, in, 3, 3), 1.0, null);
        double[] want = new double[out * in * 9];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                for (int k = 0; k < 3; k++) {
                    for (int l = 0; l < 3; l++) {
                        double s = 0;
                        for (int n = 0; n < r; n++) {
                            for (int q = 0; q < r; q++) {
                                s += (double) mid.get(n, q, k, l) * up.getFlat(i * r + n) * down.getFlat(q * in + j);
                            }
                        }
                        want[((i * in + j) * 3 + k) * 3 + l] = s;
                    }
                }
            }
        }
        close(want, d.weight(), 1e-6);
    }

    @Test
    void lohaPlainAndCp() {
        int out = 5;
        int in = 7;
        int r = 3;
        Tensor w1a = rand(out, r);
        Tensor w1b = rand(r, in);
        Tensor w2a = rand(out, r);
        Tensor w2b = rand(r, in);
        NetworkModule m = NetworkModule.create("diffusion_model_h", Map.of("hada_w1_a", w1a, "hada_w1_b", w1b, "hada_w2_a", w2a,
                "hada_w2_b", w2b, "alpha", scalar(1.5)));
        double[] a = mm(w1a, out, r, w1b, in);
        double[] b = mm(w2a, out, r, w2b, in);
        double[] want = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            want[i] = a[i] * b[i] * 1.5 / r;
        }
        close(want, m.delta(CPU, rand(out, in), 1.0, null).weight(), 1e-6);

        // CP form: W1[p, q, k, l] = Σ_i Σ_j t1[i, j, k, l] w1a[i, p] w1b[j, q]
        Tensor t1 = rand(r, r, 3, 3);
        Tensor t2 = rand(r, r, 3, 3);
        Tensor c1a = rand(r, out);
        Tensor c1b = rand(r, in);
        Tensor c2a = rand(r, out);
        Tensor c2b = rand(r, in);
        NetworkModule cp = NetworkModule.create("diffusion_model_h", Map.of("hada_w1_a", c1a, "hada_w1_b", c1b, "hada_w2_a", c2a,
                "hada_w2_b", c2b, "hada_t1", t1, "hada_t2", t2));
        double[] cw = new double[out * in * 9];
        for (int p = 0; p < out; p++) {
            for (int q = 0; q < in; q++) {
                for (int kl = 0; kl < 9; kl++) {
                    double s1 = 0;
                    double s2 = 0;
                    for (int i = 0; i < r; i++) {
                        for (int j = 0; j < r; j++) {
                            s1 += (double) t1.getFlat((i * r + j) * 9 + kl) * c1a.getFlat(i * out + p) * c1b.getFlat(j * in + q);
                            s2 += (double) t2.getFlat((i * r + j) * 9 + kl) * c2a.getFlat(i * out + p) * c2b.getFlat(j * in + q);
                        }
                    }
                    cw[(p * in + q) * 9 + kl] = s1 * s2;
                }
            }
        }
        NetworkModule.Delta d = cp.delta(CPU, rand(out, in, 3, 3), 1.0, null);
        close(cw, d.weight(), 1e-6);
        assertArrayEquals(new int[] {out, in, 3, 3}, d.shape());
    }

    @Test
    void lokrForms() {
        // w1 [2, 3] full, w2 = w2a @ w2b [3, 5] → kron [6, 15]
        Tensor w1 = rand(2, 3);
        Tensor w2a = rand(3, 2);
        Tensor w2b = rand(2, 5);
        NetworkModule m = NetworkModule.create("diffusion_model_k", Map.of("lokr_w1", w1, "lokr_w2_a", w2a, "lokr_w2_b", w2b,
                "alpha", scalar(1)));
        double[] w2 = mm(w2a, 3, 2, w2b, 5);
        double[] want = new double[6 * 15];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    for (int l = 0; l < 5; l++) {
                        want[(i * 3 + k) * 15 + j * 5 + l] = w1.getFlat(i * 3 + j) * w2[k * 5 + l] * (1.0 / 2);
                    }
                }
            }
        }
        close(want, m.delta(CPU, rand(6, 15), 1.0, null).weight(), 1e-6);
        assertEquals(2, m.dim(), "rank from lokr_w2_b");

        // 4-D w2 [3, 2, 3, 3] with w1 [2, 2]: conv layer [6, 4, 3, 3]
        Tensor k1 = rand(2, 2);
        Tensor k2 = rand(3, 2, 3, 3);
        NetworkModule conv = NetworkModule.create("diffusion_model_k", Map.of("lokr_w1", k1, "lokr_w2", k2));
        double[] wc = new double[6 * 4 * 9];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    for (int l = 0; l < 2; l++) {
                        for (int s = 0; s < 9; s++) {
                            wc[((i * 3 + k) * 4 + j * 2 + l) * 9 + s] = k1.getFlat(i * 2 + j) * k2.getFlat((k * 2 + l) * 9 + s);
                        }
                    }
                }
            }
        }
        assertNull(conv.dim());
        close(wc, conv.delta(CPU, rand(6, 4, 3, 3), 1.0, null).weight(), 1e-6);
    }

    @Test
    void fullNormIa3Glora() {
        Tensor diff = rand(4, 3);
        Tensor diffB = rand(4);
        NetworkModule full = NetworkModule.create("diffusion_model_f", Map.of("diff", diff, "diff_b", diffB, "alpha", scalar(8)));
        NetworkModule.Delta d = full.delta(CPU, rand(4, 3), 0.5, null);
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) {
            want[i] = diff.getFlat(i) * 0.5; // no rank: alpha ignored, scale 1
        }
        close(want, d.weight(), 1e-7);
        double[] wb = new double[4];
        for (int i = 0; i < 4; i++) {
            wb[i] = diffB.getFlat(i) * 0.5;
        }
        close(wb, d.bias(), 1e-7);

        Tensor wn = rand(6);
        Tensor bn = rand(6);
        NetworkModule norm = NetworkModule.create("diffusion_model_n", Map.of("w_norm", wn, "b_norm", bn));
        NetworkModule.Delta nd = norm.delta(CPU, rand(6), 1.0, null);
        close(new double[] {wn.getFlat(0), wn.getFlat(1), wn.getFlat(2), wn.getFlat(3), wn.getFlat(4), wn.getFlat(5)}, nd.weight(), 0);

        Tensor orig = rand(3, 5);
        Tensor iw = rand(5);
        NetworkModule ia3 = NetworkModule.create("diffusion_model_i", Map.of("weight", iw, "on_input", scalar(1)));
        double[] wi = new double[15];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                wi[i * 5 + j] = (double) orig.getFlat(i * 5 + j) * iw.getFlat(j);
            }
        }
        close(wi, ia3.delta(CPU, orig, 1.0, null).weight(), 1e-7);
        Tensor ow = rand(3);
        NetworkModule ia3out = NetworkModule.create("diffusion_model_i", Map.of("weight", ow, "on_input", scalar(0)));
        double[] wo = new double[15];
        for (int i = 0; i < 15; i++) {
            wo[i] = (double) orig.getFlat(i) * ow.getFlat(i / 5);
        }
        close(wo, ia3out.delta(CPU, orig, 1.0, null).weight(), 1e-7);

        // GLoRA on W [4, 6]: w2b [4, 2] @ w1b [2, 6] + (W @ w2a [6, 2]) @ w1a [2, 6]
        Tensor w = rand(4, 6);
        Tensor a1 = rand(2, 6);
        Tensor a2 = rand(6, 2);
        Tensor b1 = rand(2, 6);
        Tensor b2 = rand(4, 2);
        NetworkModule g = NetworkModule.create("diffusion_model_g", Map.of("a1.weight", a1, "a2.weight", a2, "b1.weight", b1,
                "b2.weight", b2, "alpha", scalar(3)));
        double[] first = mm(b2, 4, 2, b1, 6);
        double[] wa = mm(w, 4, 6, a2, 2);
        Tensor waT = Tensor.of(toFloat(wa), 4, 2);
        double[] second = mm(waT, 4, 2, a1, 6);
        double[] gw = new double[24];
        for (int i = 0; i < 24; i++) {
            gw[i] = first[i] + second[i];
        }
        close(gw, g.delta(CPU, w, 1.0, null).weight(), 1e-5);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void doraRescalesColumns() {
        int out = 4;
        int in = 3;
        Tensor up = rand(out, 2);
        Tensor down = rand(2, in);
        Tensor w = rand(out, in);
        Tensor ds = rand(1, in);
        NetworkModule m = NetworkModule.create("diffusion_model_d", Map.of("lora_up.weight", up, "lora_down.weight", down,
                "alpha", scalar(2), "dora_scale", ds));
        double[] lora = mm(up, out, 2, down, in);
        double[] merged = new double[out * in];
        double[] norm = new double[in];
        for (int i = 0; i < out * in; i++) {
            merged[i] = w.getFlat(i) + lora[i] * 1.0; // alpha / rank = 1
            norm[i % in] += merged[i] * merged[i];
        }
        double[] want = new double[out * in];
        for (int i = 0; i < out * in; i++) {
            want[i] = (merged[i] * ds.getFlat(i % in) / Math.sqrt(norm[i % in]) - w.getFlat(i)) * 0.6;
        }
        close(want, m.delta(CPU, w, 0.6, null).weight(), 1e-5);
    }

    @Test
    void biasPartIsAddedBeforeScaling() {
        Tensor up = rand(3, 2);
        Tensor down = rand(2, 4);
        Tensor bias = rand(3, 4);
        NetworkModule m = NetworkModule.create("diffusion_model_b", Map.of("lora_up.weight", up, "lora_down.weight", down,
                "alpha", scalar(1), "bias", bias));
        double[] l = mm(up, 3, 2, down, 4);
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) {
            want[i] = (l[i] + bias.getFlat(i)) * 0.5 * 2.0;
        }
        close(want, m.delta(CPU, rand(3, 4), 2.0, null).weight(), 1e-6);
    }

    @Test
    void typesAndErrors() {
        Map<String, Tensor> ab = new HashMap<>(Map.of("lora_A.weight", rand(2, 3), "lora_B.weight", rand(4, 2)));
        assertEquals("LoRA", NetworkModule.create("x", ab).type());
        assertNull(NetworkModule.create("x", Map.of("alpha", scalar(1))));
        assertThrows(UnsupportedOperationException.class, () -> NetworkModule.create("x", Map.of("oft_blocks", rand(2, 2, 2))));
        assertTrue(NetworkModule.create("0_transformer_text_model_x", ab).isTextEncoder());
        assertTrue(NetworkModule.create("1_model_transformer_resblocks_0_attn_q_proj", ab).isTextEncoder());
        assertTrue(!NetworkModule.create("diffusion_model_input_blocks_1_1_transformer_blocks_0_attn1_to_q", ab).isTextEncoder());
    }
}
