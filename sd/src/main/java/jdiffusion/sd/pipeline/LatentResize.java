package jdiffusion.sd.pipeline;

import jdiffusion.tensor.Tensor;

/**
 * PyTorch's {@code torch.nn.functional.interpolate} on latents as the webui calls it (float32, CPU
 * rules): resize mode 3 ("Just resize (latent upscale)", bilinear) and the hires-fix latent
 * upscalers ({@link LatentUpscaleMode}). {@code align_corners} is False throughout; the scale of an
 * axis is {@code (float) in / out}.
 */
final class LatentResize {
    private LatentResize() {
    }

    /** x: [N, C, H, W] -> [N, C, outH, outW] with the mode's interpolation. */
    static Tensor resize(Tensor x, int outH, int outW, LatentUpscaleMode mode) {
        return switch (mode.interpolation()) {
            case BILINEAR -> mode.antialias() ? separable(x, outH, outW, Filter.TRIANGLE) : bilinear(x, outH, outW);
            case BICUBIC -> mode.antialias() ? separable(x, outH, outW, Filter.KEYS_HALF) : bicubic(x, outH, outW);
            case NEAREST -> nearest(x, outH, outW, false);
            case NEAREST_EXACT -> nearest(x, outH, outW, true);
        };
    }

    /** {@code mode="bilinear"}: source {@code max(0, s·(o + ½) − ½)}, two taps, clamped at the far edge. */
    static Tensor bilinear(Tensor x, int outH, int outW) {
        Dims d = Dims.of(x, outH, outW);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] wy0 = new float[outH];
        float[] wy1 = new float[outH];
        linearTaps(d.h, outH, y0, y1, wy0, wy1);
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] wx0 = new float[outW];
        float[] wx1 = new float[outW];
        linearTaps(d.w, outW, x0, x1, wx0, wx1);
        float[] src = x.toFloatArray();
        float[] out = new float[d.planes * outH * outW];
        for (int p = 0; p < d.planes; p++) {
            int base = p * d.h * d.w;
            for (int oy = 0; oy < outH; oy++) {
                int r0 = base + y0[oy] * d.w;
                int r1 = base + y1[oy] * d.w;
                for (int ox = 0; ox < outW; ox++) {
                    float top = src[r0 + x0[ox]] * wx0[ox] + src[r0 + x1[ox]] * wx1[ox];
                    float bottom = src[r1 + x0[ox]] * wx0[ox] + src[r1 + x1[ox]] * wx1[ox];
                    out[(p * outH + oy) * outW + ox] = top * wy0[oy] + bottom * wy1[oy];
                }
            }
        }
        return Tensor.of(out, d.shape(outH, outW));
    }

    private static void linearTaps(int in, int out, int[] i0, int[] i1, float[] w0, float[] w1) {
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float real = scale * (o + 0.5f) - 0.5f;
            real = real < 0 ? 0f : real;
            int i = (int) real;
            float lambda = Math.min(Math.max(real - i, 0f), 1f);
            i0[o] = i;
            i1[o] = i + (i < in - 1 ? 1 : 0);
            w1[o] = lambda;
            w0[o] = 1f - lambda;
        }
    }

    /** {@code mode="bicubic"}: Keys cubic with A = −0.75, four taps with indices clamped to the edges. */
    static Tensor bicubic(Tensor x, int outH, int outW) {
        Dims d = Dims.of(x, outH, outW);
        int[][] iy = new int[outH][4];
        float[][] wy = new float[outH][4];
        cubicTaps(d.h, outH, iy, wy);
        int[][] ix = new int[outW][4];
        float[][] wx = new float[outW][4];
        cubicTaps(d.w, outW, ix, wx);
        float[] src = x.toFloatArray();
        float[] out = new float[d.planes * outH * outW];
        for (int p = 0; p < d.planes; p++) {
            int base = p * d.h * d.w;
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    float acc = 0f;
                    for (int j = 0; j < 4; j++) {
                        int row = base + iy[oy][j] * d.w;
                        float t = 0f;
                        for (int k = 0; k < 4; k++) {
                            t += src[row + ix[ox][k]] * wx[ox][k];
                        }
                        acc += t * wy[oy][j];
                    }
                    out[(p * outH + oy) * outW + ox] = acc;
                }
            }
        }
        return Tensor.of(out, d.shape(outH, outW));
    }

    private static void cubicTaps(int in, int out, int[][] idx, float[][] w) {
        final float a = -0.75f;
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float real = scale * (o + 0.5f) - 0.5f;
            int i = Math.min((int) Math.floor(real), in - 1);
            float t = Math.min(Math.max(real - i, 0f), 1f);
            float x1 = t + 1f;
            float x2 = 1f - t;
            float x3 = 2f - t;
            w[o][0] = ((a * x1 - 5f * a) * x1 + 8f * a) * x1 - 4f * a;
            w[o][1] = ((a + 2f) * t - (a + 3f)) * t * t + 1f;
            w[o][2] = ((a + 2f) * x2 - (a + 3f)) * x2 * x2 + 1f;
            w[o][3] = ((a * x3 - 5f * a) * x3 + 8f * a) * x3 - 4f * a;
            for (int j = 0; j < 4; j++) {
                idx[o][j] = Math.max(0, Math.min(i - 1 + j, in - 1));
            }
        }
    }

    /** {@code mode="nearest"} ({@code floor(o·s)}) or {@code "nearest-exact"} ({@code floor((o + ½)·s)}). */
    static Tensor nearest(Tensor x, int outH, int outW, boolean exact) {
        Dims d = Dims.of(x, outH, outW);
        int[] ys = nearestIndex(d.h, outH, exact);
        int[] xs = nearestIndex(d.w, outW, exact);
        float[] src = x.toFloatArray();
        float[] out = new float[d.planes * outH * outW];
        for (int p = 0; p < d.planes; p++) {
            for (int oy = 0; oy < outH; oy++) {
                int row = (p * d.h + ys[oy]) * d.w;
                for (int ox = 0; ox < outW; ox++) {
                    out[(p * outH + oy) * outW + ox] = src[row + xs[ox]];
                }
            }
        }
        return Tensor.of(out, d.shape(outH, outW));
    }

    static int[] nearestIndex(int in, int out, boolean exact) {
        int[] idx = new int[out];
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            if (!exact && out == in) {
                idx[o] = o;
            } else if (!exact && out == 2 * in) {
                idx[o] = o >> 1;
            } else {
                float src = exact ? (o + 0.5f) * scale : o * scale;
                idx[o] = Math.min((int) Math.floor(src), in - 1);
            }
        }
        return idx;
    }

    /** The antialiased kernels' filters (PyTorch {@code _upsample_*_aa}, PIL-style). */
    enum Filter {
        /** bilinear: {@code max(0, 1 − |x|)}, support 1. */
        TRIANGLE(1.0f),
        /** bicubic: Keys cubic with a = −0.5 (PIL's), support 2. */
        KEYS_HALF(2.0f);

        final float support;

        Filter(float support) {
            this.support = support;
        }

        float weight(float x) {
            float ax = Math.abs(x);
            if (this == TRIANGLE) {
                return ax < 1f ? 1f - ax : 0f;
            }
            final float a = -0.5f;
            if (ax < 1f) {
                return ((a + 2f) * ax - (a + 3f)) * ax * ax + 1f;
            }
            if (ax < 2f) {
                return (((ax - 5f) * ax + 8f) * ax - 4f) * a;
            }
            return 0f;
        }
    }

    /**
     * {@code antialias=True}: per output index the taps around {@code centre = s·(o + ½)} within
     * {@code support·max(s, 1)}, weights {@code f((j − centre + ½)/max(s, 1))} normalised to sum 1;
     * width first, then height.
     */
    static Tensor separable(Tensor x, int outH, int outW, Filter f) {
        Dims d = Dims.of(x, outH, outW);
        float[] src = x.toFloatArray();
        Taps tx = Taps.of(d.w, outW, f);
        float[] mid = new float[d.planes * d.h * outW];
        for (int r = 0; r < d.planes * d.h; r++) {
            for (int o = 0; o < outW; o++) {
                float acc = 0f;
                for (int j = 0; j < tx.size[o]; j++) {
                    acc += src[r * d.w + tx.min[o] + j] * tx.w[o][j];
                }
                mid[r * outW + o] = acc;
            }
        }
        Taps ty = Taps.of(d.h, outH, f);
        float[] out = new float[d.planes * outH * outW];
        for (int p = 0; p < d.planes; p++) {
            for (int o = 0; o < outH; o++) {
                for (int c = 0; c < outW; c++) {
                    float acc = 0f;
                    for (int j = 0; j < ty.size[o]; j++) {
                        acc += mid[(p * d.h + ty.min[o] + j) * outW + c] * ty.w[o][j];
                    }
                    out[(p * outH + o) * outW + c] = acc;
                }
            }
        }
        return Tensor.of(out, d.shape(outH, outW));
    }

    private record Taps(int[] min, int[] size, float[][] w) {
        static Taps of(int in, int out, Filter f) {
            float scale = (float) in / out;
            float support = scale >= 1f ? f.support * scale : f.support;
            float invscale = scale >= 1f ? 1f / scale : 1f;
            int[] min = new int[out];
            int[] size = new int[out];
            float[][] w = new float[out][];
            for (int o = 0; o < out; o++) {
                float centre = scale * (o + 0.5f);
                int xmin = Math.max((int) (centre - support + 0.5f), 0);
                int xsize = Math.min((int) (centre + support + 0.5f), in) - xmin;
                float[] ws = new float[Math.max(xsize, 0)];
                float total = 0f;
                for (int j = 0; j < ws.length; j++) {
                    ws[j] = f.weight((j + xmin - centre + 0.5f) * invscale);
                    total += ws[j];
                }
                if (total != 0f) {
                    for (int j = 0; j < ws.length; j++) {
                        ws[j] /= total;
                    }
                }
                min[o] = xmin;
                size[o] = ws.length;
                w[o] = ws;
            }
            return new Taps(min, size, w);
        }
    }

    /** A [N, C, H, W] input viewed as N·C planes. */
    private record Dims(int n, int c, int h, int w, int planes) {
        static Dims of(Tensor x, int outH, int outW) {
            if (x.rank() != 4) {
                throw new IllegalArgumentException("latent resize needs [N, C, H, W], got " + x);
            }
            if (outH < 1 || outW < 1) {
                throw new IllegalArgumentException("latent resize target must be positive, got " + outH + "x" + outW);
            }
            return new Dims(x.dim(0), x.dim(1), x.dim(2), x.dim(3), x.dim(0) * x.dim(1));
        }

        int[] shape(int outH, int outW) {
            return new int[] {n, c, outH, outW};
        }
    }
}
