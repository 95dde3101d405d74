package jdiffusion.cuda;

import java.util.Arrays;

/**
 * Shape arithmetic for the layout kernels, on the host: broadcasting binary operands into at most
 * four collapsed dimensions, and permutations into at most six. Pure functions (unit-tested).
 */
final class Shapes {
    private Shapes() {
    }

    /** NumPy broadcast shape of a and b, or an error naming both. */
    static int[] broadcast(int[] a, int[] b) {
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

    /** Element strides of a contiguous tensor of shape s, right-aligned to out, 0 where broadcast. */
    static long[] strides(int[] s, int[] out) {
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

    /**
     * Collapsed launch geometry of {@code a op b -> out}: {dims[4], strideA[4], strideB[4]} with
     * dims outermost first, or null when more than four dimensions remain after merging.
     */
    static long[][] collapse4(int[] a, int[] b, int[] out) {
        long[] sa = strides(a, out);
        long[] sb = strides(b, out);
        long[] d = new long[out.length];
        long[] xa = new long[out.length];
        long[] xb = new long[out.length];
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 1) {
                continue;  // size-1 dimensions carry no index
            }
            if (n > 0 && xa[n - 1] == sa[i] * out[i] && xb[n - 1] == sb[i] * out[i]) {
                d[n - 1] *= out[i];  // the outer dimension steps exactly over the inner one
                xa[n - 1] = sa[i];
                xb[n - 1] = sb[i];
            } else {
                d[n] = out[i];
                xa[n] = sa[i];
                xb[n] = sb[i];
                n++;
            }
        }
        if (n > 4) {
            return null;
        }
        long[][] g = new long[3][4];
        for (int i = 0; i < 4; i++) {
            int src = i - (4 - n);
            g[0][i] = src < 0 ? 1 : d[src];
            g[1][i] = src < 0 ? 0 : xa[src];
            g[2][i] = src < 0 ? 0 : xb[src];
        }
        return g;
    }

    /**
     * Gather geometry of {@code x.permute(dims)}: {outDims[6], inStrides[6]} (leading 1s / 0s pad
     * to six), or null for rank above six.
     */
    static long[][] permute6(int[] shape, int[] dims) {
        int r = shape.length;
        if (r > 6) {
            return null;
        }
        long[] in = new long[r];
        long acc = 1;
        for (int i = r - 1; i >= 0; i--) {
            in[i] = acc;
            acc *= shape[i];
        }
        long[][] g = new long[2][6];
        for (int i = 0; i < 6; i++) {
            int src = i - (6 - r);
            g[0][i] = src < 0 ? 1 : shape[dims[src]];
            g[1][i] = src < 0 ? 0 : in[dims[src]];
        }
        return g;
    }

    /** Product of shape[from, to). */
    static long product(int[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
