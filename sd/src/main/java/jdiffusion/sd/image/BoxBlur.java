package jdiffusion.sd.image;

/**
 * Pillow's {@code ImageFilter.GaussianBlur(r)} ({@code libImaging/BoxBlur.c}): not a true Gaussian
 * but three passes of an "extended box blur" horizontally, then three vertically, each pass writing
 * uint8. Every band is blurred as stored (an RGBa image stays premultiplied). Edges replicate the
 * border pixel.
 */
public final class BoxBlur {
    private BoxBlur() {
    }

    /** The extended box radius Pillow derives from a Gaussian radius, in float32 as Pillow does. */
    public static float boxRadius(float radius, int passes) {
        float sigma2 = radius * radius / passes;
        float bigL = (float) Math.sqrt(12.0 * sigma2 + 1.0);
        float l = (float) Math.floor((bigL - 1.0) / 2.0);
        float a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return l + a;
    }

    /** Fixed-point weight of the inner taps: {@code trunc(float(2^24) / float(2ρ + 1))}. */
    public static long innerWeight(float boxRadius) {
        return (long) ((float) (1 << 24) / (boxRadius * 2 + 1));
    }

    /** Weight of the two fractional edge taps. */
    public static long edgeWeight(float boxRadius) {
        int k = (int) boxRadius;
        return ((1L << 24) - (2L * k + 1) * innerWeight(boxRadius)) / 2;
    }

    /** {@code im.filter(GaussianBlur(radius))}: a new image of the same mode. */
    public static Image gaussianBlur(Image im, float radius) {
        return boxBlur(im, boxRadius(radius, 3), 3);
    }

    /** {@code ImagingBoxBlur}: {@code passes} horizontal then {@code passes} vertical box passes. */
    public static Image boxBlur(Image im, float boxRadius, int passes) {
        if (im.mode() == Mode.LA) {
            throw new IllegalArgumentException("blurring LA images is not supported");
        }
        int n = im.bands();
        int w = im.width();
        int h = im.height();
        byte[] cur = im.data().clone();
        // Rows: each is w pixels of n bands at stride n.
        for (int p = 0; p < passes; p++) {
            for (int y = 0; y < h; y++) {
                lines(cur, y * w * n, n, w, n, boxRadius);
            }
        }
        // Columns: each is h pixels at stride w·n (Pillow transposes; the arithmetic is identical).
        for (int p = 0; p < passes; p++) {
            for (int x = 0; x < w; x++) {
                lines(cur, x * n, w * n, h, n, boxRadius);
            }
        }
        return Image.wrap(w, h, im.mode(), cur);
    }

    // One pass over one line per band, in place: line of len pixels starting at base, pixel stride.
    private static void lines(byte[] buf, int base, int stride, int len, int bands, float floatRadius) {
        int radius = (int) floatRadius;
        long ww = innerWeight(floatRadius);
        long fw = edgeWeight(floatRadius);
        int last = len - 1;
        int[] in = new int[len];
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < len; i++) {
                in[i] = buf[base + i * stride + b] & 0xff;
            }
            // Window sum of in[x-radius .. x+radius] with replicated edges, updated incrementally;
            // it starts as the window of the virtual pixel x = -1.
            long acc = (long) in[0] * (radius + 1);
            for (int j = 0; j < radius; j++) {
                acc += in[Math.min(j, last)];
            }
            for (int x = 0; x <= last; x++) {
                acc += in[Math.min(x + radius, last)] - in[Math.max(x - radius - 1, 0)];
                long bulk = acc * ww + (in[Math.max(x - radius - 1, 0)] + in[Math.min(x + radius + 1, last)]) * fw;
                buf[base + x * stride + b] = (byte) ((bulk + (1 << 23)) >> 24);
            }
        }
    }
}
