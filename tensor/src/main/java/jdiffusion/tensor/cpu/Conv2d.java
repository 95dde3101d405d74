package jdiffusion.tensor.cpu;

import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Storage;

/** 2-D convolution (NCHW, square stride, zero padding) as im2col + GEMM. */
public final class Conv2d {
    private Conv2d() {
    }

    /**
     * out[b, o, y, x] = bias[o] + Σ_{c,i,j} w[o, c, i, j] · in[b, c, y·s − p + i, x·s − p + j].
     * in: [B, C, H, W] at offset 0; w: [O, C, kh, kw] any dtype; bias: [O] float32 or null.
     */
    public static void conv2d(Parallel par, float[] in, int batch, int c, int h, int w,
                              Storage weight, long wOff, int o, int kh, int kw, float[] bias,
                              int stride, int pad, float[] out) {
        int ho = (h + 2 * pad - kh) / stride + 1;
        int wo = (w + 2 * pad - kw) / stride + 1;
        int pixels = ho * wo;
        int kdim = c * kh * kw;
        float[] cols = new float[pixels * kdim];
        float[] tmp = new float[pixels * o];
        for (int b = 0; b < batch; b++) {
            int inOff = b * c * h * w;
            // cols: [pixels, C·kh·kw], one patch per output pixel.
            par.forRange(ho, (y0, y1) -> {
                for (int y = y0; y < y1; y++) {
                    for (int x = 0; x < wo; x++) {
                        int row = (y * wo + x) * kdim;
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < kh; i++) {
                                int iy = y * stride - pad + i;
                                for (int j = 0; j < kw; j++) {
                                    int ix = x * stride - pad + j;
                                    boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                    cols[row + (ch * kh + i) * kw + j] = inside ? in[inOff + (ch * h + iy) * w + ix] : 0f;
                                }
                            }
                        }
                    }
                }
            });
            // tmp[pixels, O] = cols · Wᵀ
            Gemm.gemm(par, pixels, o, kdim, cols, 0, kdim, false, weight, wOff, true, tmp, 0, o, false);
            int outOff = b * o * pixels;
            par.forRange(o, (o0, o1) -> {
                for (int oc = o0; oc < o1; oc++) {
                    float bb = bias == null ? 0f : bias[oc];
                    int dst = outOff + oc * pixels;
                    for (int p = 0; p < pixels; p++) {
                        out[dst + p] = tmp[p * o + oc] + bb;
                    }
                }
            });
        }
    }
}
