package jdiffusion.tensor.cpu;

import java.util.Arrays;

/**
 * One image [C, H, W] seen as the [pixels, C·kh·kw] patch matrix of a convolution, without building
 * it: GEMM asks for KC x NR slivers and they are gathered from the image on the fly (zeros where
 * the window hangs over the padding). Row runs are copied in bulk when the stride is 1.
 */
record Im2colPanel(float[] in, int off, int h, int w, int kh, int kw, int stride, int pad, int wo) implements Panel {

    @Override
    public void pack(int x0, int rows, int p0, int kc, float[] dst, int dstOff, int width) {
        int taps = kh * kw;
        int end = x0 + rows;
        for (int p = 0; p < kc; p++) {
            int q = p0 + p;
            int ch = q / taps;
            int i = (q % taps) / kw;
            int j = q % kw;
            int d = dstOff + p * width;
            int pix = x0;
            while (pix < end) {
                int y = pix / wo;
                int xx = pix - y * wo;
                int cnt = Math.min(end, pix - xx + wo) - pix;
                int iy = y * stride - pad + i;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(dst, d, d + cnt, 0f);
                } else {
                    int row = off + (ch * h + iy) * w;
                    int ix0 = xx * stride - pad + j;
                    if (stride == 1) {
                        int lo = Math.min(cnt, Math.max(0, -ix0));
                        int hi = Math.max(lo, Math.min(cnt, w - ix0));
                        if (lo > 0) {
                            Arrays.fill(dst, d, d + lo, 0f);
                        }
                        System.arraycopy(in, row + ix0 + lo, dst, d + lo, hi - lo);
                        if (hi < cnt) {
                            Arrays.fill(dst, d + hi, d + cnt, 0f);
                        }
                    } else {
                        for (int t = 0; t < cnt; t++) {
                            int ix = ix0 + t * stride;
                            dst[d + t] = ix >= 0 && ix < w ? in[row + ix] : 0f;
                        }
                    }
                }
                d += cnt;
                pix += cnt;
            }
        }
        Panels.zeroTail(rows, kc, dst, dstOff, width);
    }
}
