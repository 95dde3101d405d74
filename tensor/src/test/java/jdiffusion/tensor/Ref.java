package jdiffusion.tensor;

import java.util.Random;

/**
 * Plain double-precision reference implementations (the "naive twins" of the kernels) and test
 * helpers. Written for obviousness, not speed.
 */
public final class Ref {
    private Ref() {
    }

    /** Random values in [-1, 1) scaled, never all zero. */
    public static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return a;
    }

    public static Tensor randomTensor(Random r, float scale, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Tensor.of(random(r, n, scale), shape);
    }

    /** C = op(A)·op(B) in double, A [M,K] (or [K,M] if transA), B [K,N] (or [N,K] if transB). */
    public static double[] gemm(int m, int n, int k, float[] a, boolean transA, float[] b, boolean transB) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    public static double[] conv2d(float[] x, int b, int c, int h, int w, float[] wt, int o, int kh, int kw,
                                  float[] bias, int stride, int pad) {
        int ho = (h + 2 * pad - kh) / stride + 1;
        int wo = (w + 2 * pad - kw) / stride + 1;
        double[] out = new double[b * o * ho * wo];
        for (int bi = 0; bi < b; bi++) {
            for (int oc = 0; oc < o; oc++) {
                for (int y = 0; y < ho; y++) {
                    for (int xx = 0; xx < wo; xx++) {
                        double s = bias == null ? 0 : bias[oc];
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * stride - pad + i;
                                    int ix = xx * stride - pad + j;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        s += (double) wt[((oc * c + ch) * kh + i) * kw + j] * x[((bi * c + ch) * h + iy) * w + ix];
                                    }
                                }
                            }
                        }
                        out[((bi * o + oc) * ho + y) * wo + xx] = s;
                    }
                }
            }
        }
        return out;
    }

    public static double[] groupNorm(float[] x, int b, int c, int spatial, int groups, float[] g, float[] beta,
                                     double eps, boolean silu) {
        double[] out = new double[x.length];
        int cpg = c / groups;
        for (int bi = 0; bi < b; bi++) {
            for (int gi = 0; gi < groups; gi++) {
                int off = (bi * c + gi * cpg) * spatial;
                int n = cpg * spatial;
                double mean = 0;
                for (int i = 0; i < n; i++) {
                    mean += x[off + i];
                }
                mean /= n;
                double var = 0;
                for (int i = 0; i < n; i++) {
                    var += (x[off + i] - mean) * (x[off + i] - mean);
                }
                var /= n;
                for (int i = 0; i < n; i++) {
                    int ch = gi * cpg + i / spatial;
                    double y = (x[off + i] - mean) / Math.sqrt(var + eps) * (g == null ? 1 : g[ch]) + (beta == null ? 0 : beta[ch]);
                    out[off + i] = silu ? y / (1 + Math.exp(-y)) : y;
                }
            }
        }
        return out;
    }

    public static double[] layerNorm(float[] x, int n, float[] g, float[] beta, double eps) {
        double[] out = new double[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[r * n + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (x[r * n + i] - mean) * (x[r * n + i] - mean);
            }
            var /= n;
            for (int i = 0; i < n; i++) {
                out[r * n + i] = (x[r * n + i] - mean) / Math.sqrt(var + eps) * (g == null ? 1 : g[i]) + (beta == null ? 0 : beta[i]);
            }
        }
        return out;
    }

    public static double activation(Activation act, double x) {
        return switch (act) {
            case SILU -> x / (1 + Math.exp(-x));
            case QUICK_GELU -> x / (1 + Math.exp(-1.702 * x));
            case GELU -> 0.5 * x * (1 + org.apache.commons.math3.special.Erf.erf(x / Math.sqrt(2)));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        };
    }

    /** Attention with the full score matrix in double; layouts as {@link Backend#attention}. */
    public static double[] attention(float[] q, float[] k, float[] v, int b, int lq, int lk, int heads, int d, int dv,
                                     boolean causal) {
        double[] out = new double[b * lq * heads * dv];
        double scale = 1 / Math.sqrt(d);
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    int keys = causal ? Math.min(lk, i + 1) : lk;
                    double[] s = new double[keys];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < keys; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) q[(bi * lq + i) * heads * d + h * d + c] * k[(bi * lk + j) * heads * d + h * d + c];
                        }
                        s[j] = dot * scale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < keys; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j < keys; j++) {
                            acc += s[j] * v[(bi * lk + j) * heads * dv + h * dv + c];
                        }
                        out[(bi * lq + i) * heads * dv + h * dv + c] = acc / sum;
                    }
                }
            }
        }
        return out;
    }

    /** Largest |actual − expected|. */
    public static double maxAbsDiff(float[] actual, int off, double[] expected) {
        double m = 0;
        for (int i = 0; i < expected.length; i++) {
            double dd = Math.abs(actual[off + i] - expected[i]);
            if (Double.isNaN(dd)) {
                return Double.POSITIVE_INFINITY;
            }
            m = Math.max(m, dd);
        }
        return m;
    }

    public static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
