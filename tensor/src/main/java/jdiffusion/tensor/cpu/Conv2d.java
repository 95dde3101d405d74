package jdiffusion.tensor.cpu;

import jdiffusion.tensor.ArrayStorage;
import jdiffusion.tensor.Parallel;
import jdiffusion.tensor.Storage;

/**
 * 2-D convolution (NCHW, square stride, zero padding) as an implicit GEMM per image:
 * out[O, pixels] = W[O, C·kh·kw] · patches[C·kh·kw, pixels]. The patch matrix is never built; GEMM
 * packs it sliver by sliver from the image ({@link Im2colPanel}) into its reusable workspace, and
 * the weight is converted from its storage dtype while packed. A 1x1 stride-1 convolution reads the
 * image directly as the [C, pixels] matrix it already is.
 */
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
        Panel weights = Panels.of(weight, wOff, kdim, true);
        for (int b = 0; b < batch; b++) {
            int inOff = b * c * h * w;
            int outOff = b * o * pixels;
            Panel patches = kh == 1 && kw == 1 && stride == 1 && pad == 0
                    ? Panels.of(new ArrayStorage(in), inOff, pixels, false)
                    : new Im2colPanel(in, inOff, h, w, kh, kw, stride, pad, wo);
            if (bias != null) {
                for (int oc = 0; oc < o; oc++) {
                    java.util.Arrays.fill(out, outOff + oc * pixels, outOff + (oc + 1) * pixels, bias[oc]);
                }
            }
            Gemm.gemm(par, o, pixels, kdim, weights, patches, out, outOff, pixels, bias != null);
        }
    }
}
