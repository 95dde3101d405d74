package jdiffusion.tensor.cpu;

import java.util.Arrays;
import jdiffusion.tensor.Parallel;

/** NumPy-style broadcasting of binary element-wise operations over float arrays. */
final class Broadcast {
    private Broadcast() {
    }

    enum Op { ADD, MUL }

    /** The broadcast result shape of a and b, or an error naming both. */
    static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /** Strides of {@code s} (right-aligned to rank r) with 0 where the dimension is broadcast. */
    private static long[] strides(int[] s, int[] out) {
        int r = out.length;
        long[] st = new long[r];
        long acc = 1;
        for (int i = r - 1; i >= 0; i--) {
            int si = i - (r - s.length);
            int d = si < 0 ? 1 : s[si];
            st[i] = d == 1 && out[i] != 1 ? 0 : acc;
            acc *= d;
        }
        return st;
    }

    /** dst (shape out) = a op b, where a and b broadcast to out. */
    static void apply(Parallel par, Op op, float[] a, int ao, int[] as, float[] b, int bo, int[] bs,
                      float[] dst, int dOff, int[] out) {
        int r = out.length;
        int inner = r == 0 ? 1 : out[r - 1];
        int total = 1;
        for (int d : out) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        long[] sa = strides(as, out);
        long[] sb = strides(bs, out);
        int rows = total / inner;
        boolean aInner = r == 0 || sa[r - 1] == 1;
        boolean bInner = r == 0 || sb[r - 1] == 1;
        par.forRange(rows, Math.max(1, 8192 / inner), (r0, r1) -> {
            int[] idx = new int[Math.max(0, r - 1)];
            for (int row = r0; row < r1; row++) {
                int rem = row;
                long pa = 0;
                long pb = 0;
                for (int i = r - 2; i >= 0; i--) {
                    idx[i] = rem % out[i];
                    rem /= out[i];
                    pa += idx[i] * sa[i];
                    pb += idx[i] * sb[i];
                }
                int d = dOff + row * inner;
                int xa = (int) (ao + pa);
                int xb = (int) (bo + pb);
                if (aInner && bInner) {
                    if (op == Op.ADD) {
                        Pointwise.add(a, xa, b, xb, dst, d, inner);
                    } else {
                        Pointwise.mul(a, xa, b, xb, dst, d, inner);
                    }
                } else if (aInner) {
                    if (op == Op.ADD) {
                        Pointwise.addScalar(a, xa, b[xb], dst, d, inner);
                    } else {
                        Pointwise.mulScalar(a, xa, b[xb], dst, d, inner);
                    }
                } else if (bInner) {
                    if (op == Op.ADD) {
                        Pointwise.addScalar(b, xb, a[xa], dst, d, inner);
                    } else {
                        Pointwise.mulScalar(b, xb, a[xa], dst, d, inner);
                    }
                } else {
                    float v = op == Op.ADD ? a[xa] + b[xb] : a[xa] * b[xb];
                    Arrays.fill(dst, d, d + inner, v);
                }
            }
        });
    }
}
