package jdiffusion.nn.lora;

import java.util.Arrays;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * The tensor algebra of network deltas, on float32: matrix products through the backend's GEMM
 * (LoRA factors of full-size models are large), the CP/Tucker rebuilds, Kronecker products, and
 * NumPy broadcasting for DoRA. Shapes are explicit arguments; results are row-major arrays.
 */
final class DeltaMath {
    private DeltaMath() {
    }

    /** t viewed as [rows, numel/rows], float32. */
    static Tensor as2d(Tensor t, int rows) {
        return t.asF32().reshape(rows, t.size() / rows);
    }

    /** a: [m, k] @ b: [k, n] -> [m·n] (row-major). */
    static float[] matmul(Backend backend, Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0)) {
            throw new IllegalArgumentException("matmul: cannot multiply " + a + " by " + b);
        }
        return backend.toHost(backend.matmul(a.asF32(), b.asF32(), false)).toFloatArray();
    }

    /**
     * {@code einsum('n m k l, i n, m j -> i j k l', mid, up, down)}: mid [r1, r2, kh, kw],
     * up [out, r1], down [r2, in] -> [out, in, kh, kw].
     */
    static float[] rebuildCp(Backend backend, Tensor mid, Tensor up, Tensor down) {
        int r1 = mid.dim(0);
        int r2 = mid.dim(1);
        int kh = mid.dim(2);
        int kw = mid.dim(3);
        int out = up.dim(0);
        int in = down.dim(1);
        if (up.dim(1) != r1 || down.dim(0) != r2) {
            throw new IllegalArgumentException("CP rebuild: up " + up + ", mid " + mid + ", down " + down + " do not chain");
        }
        float[] m = mid.toFloatArray();
        float[] res = new float[out * in * kh * kw];
        for (int k = 0; k < kh; k++) {
            for (int l = 0; l < kw; l++) {
                float[] slice = new float[r1 * r2];
                for (int n = 0; n < r1; n++) {
                    for (int mm = 0; mm < r2; mm++) {
                        slice[n * r2 + mm] = m[((n * r2 + mm) * kh + k) * kw + l];
                    }
                }
                Tensor left = Tensor.of(matmul(backend, up, Tensor.of(slice, r1, r2)), out, r2);
                float[] w = matmul(backend, left, down);
                for (int i = 0; i < out; i++) {
                    for (int j = 0; j < in; j++) {
                        res[((i * in + j) * kh + k) * kw + l] = w[i * in + j];
                    }
                }
            }
        }
        return res;
    }

    /**
     * LyCORIS {@code make_weight_cp(t, wa, wb)}: W[p, q, k, l] = Σ_i Σ_j t[i, j, k, l]·wa[i, p]·wb[j, q],
     * t [i, j, kh, kw], wa [i, p], wb [j, q] -> [p, q, kh, kw].
     */
    static float[] makeWeightCp(Backend backend, Tensor t, Tensor wa, Tensor wb) {
        int ri = t.dim(0);
        int rj = t.dim(1);
        int kh = t.dim(2);
        int kw = t.dim(3);
        if (wa.dim(0) != ri || wb.dim(0) != rj) {
            throw new IllegalArgumentException("CP weight: t " + t + ", wa " + wa + ", wb " + wb + " do not chain");
        }
        int p = wa.dim(1);
        int q = wb.dim(1);
        Tensor waT = transpose(wa.asF32());
        float[] tv = t.toFloatArray();
        float[] res = new float[p * q * kh * kw];
        for (int k = 0; k < kh; k++) {
            for (int l = 0; l < kw; l++) {
                float[] slice = new float[ri * rj];
                for (int i = 0; i < ri; i++) {
                    for (int j = 0; j < rj; j++) {
                        slice[i * rj + j] = tv[((i * rj + j) * kh + k) * kw + l];
                    }
                }
                Tensor left = Tensor.of(matmul(backend, waT, Tensor.of(slice, ri, rj)), p, rj);
                float[] w = matmul(backend, left, wb);
                for (int a = 0; a < p; a++) {
                    for (int b = 0; b < q; b++) {
                        res[((a * q + b) * kh + k) * kw + l] = w[a * q + b];
                    }
                }
            }
        }
        return res;
    }

    /** [r, c] -> [c, r]. */
    static Tensor transpose(Tensor m) {
        int r = m.dim(0);
        int c = m.dim(1);
        float[] v = m.toFloatArray();
        float[] o = new float[v.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                o[j * r + i] = v[i * c + j];
            }
        }
        return Tensor.of(o, c, r);
    }

    /**
     * {@code torch.kron(a, b)} for a, b of equal rank: result dim d = a_d·b_d, element
     * [i·B + k] = a[i]·b[k] per dimension.
     */
    static float[] kron(float[] a, int[] as, float[] b, int[] bs) {
        if (as.length != bs.length) {
            throw new IllegalArgumentException("kron: ranks differ " + Arrays.toString(as) + " vs " + Arrays.toString(bs));
        }
        int rank = as.length;
        int[] rs = new int[rank];
        for (int d = 0; d < rank; d++) {
            rs[d] = as[d] * bs[d];
        }
        float[] out = new float[a.length * b.length];
        int[] ia = new int[rank];
        for (int x = 0; x < a.length; x++) {
            unravel(x, as, ia);
            int[] ib = new int[rank];
            for (int y = 0; y < b.length; y++) {
                unravel(y, bs, ib);
                int flat = 0;
                for (int d = 0; d < rank; d++) {
                    flat = flat * rs[d] + ia[d] * bs[d] + ib[d];
                }
                out[flat] = a[x] * b[y];
            }
        }
        return out;
    }

    static void unravel(int flat, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    /** NumPy broadcast of two shapes, or an exception naming both. */
    static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int x = d - (rank - a.length) >= 0 ? a[d - (rank - a.length)] : 1;
            int y = d - (rank - b.length) >= 0 ? b[d - (rank - b.length)] : 1;
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[d] = Math.max(x, y);
        }
        return out;
    }

    /** The flat index in a tensor of shape {@code src} that broadcasts to position {@code idx} of a larger shape. */
    static int broadcastIndex(int[] idx, int[] src) {
        int off = idx.length - src.length;
        int flat = 0;
        for (int d = 0; d < src.length; d++) {
            flat = flat * src[d] + (src[d] == 1 ? 0 : idx[d + off]);
        }
        return flat;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
