package jdiffusion.sd.image;

/**
 * Pillow 9.x {@code Image.resize(size, filter, box)} on 8-bit images, bit for bit
 * ({@code PIL/Image.py: resize}, {@code _imaging.c: _resize}, {@code libImaging/Resample.c}).
 *
 * <p>Convolution filters: for each output index a window of input pixels is weighted by the filter
 * (support scaled by the downscale factor), normalised in double, converted to fixed point with
 * {@link #PRECISION_BITS} fractional bits (round half away from zero), accumulated from
 * {@code 2^(PRECISION_BITS-1)}, shifted and clipped to 0..255. The horizontal pass runs first (only
 * over the rows the vertical pass needs) and writes uint8; the vertical pass second. Each pass runs
 * only when Pillow's {@code need_horizontal}/{@code need_vertical} test says so. RGBA images are
 * resized premultiplied (RGBa) and converted back, as Pillow does for every filter but NEAREST.
 *
 * <p>NEAREST is Pillow's affine nearest-neighbour scaling: source coordinate
 * {@code box0 + (o + 0.5)·scale}, accumulated in double, truncated.
 */
public final class Resample {
    /** 32 − 8 − 2: 8 bits of output, 2 bits of headroom for negative lobes and overshoot. */
    public static final int PRECISION_BITS = 22;

    /** Pillow's resampling filters. */
    public enum Filter {
        NEAREST(0), BOX(0.5), BILINEAR(1), HAMMING(1), BICUBIC(2), LANCZOS(3);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            return switch (this) {
                case NEAREST -> throw new IllegalStateException("NEAREST has no convolution kernel");
                case BOX -> x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
                case BILINEAR -> {
                    double ax = Math.abs(x);
                    yield ax < 1.0 ? 1.0 - ax : 0.0;
                }
                case HAMMING -> {
                    double ax = Math.abs(x);
                    if (ax == 0.0) {
                        yield 1.0;
                    }
                    if (ax >= 1.0) {
                        yield 0.0;
                    }
                    double px = ax * Math.PI;
                    // Pillow writes the window constants as float literals (0.54f, 0.46f).
                    yield Math.sin(px) / px * ((double) 0.54f + (double) 0.46f * Math.cos(px));
                }
                case BICUBIC -> bicubic(x);
                case LANCZOS -> x >= -3.0 && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            };
        }
    }

    private Resample() {
    }

    private static double bicubic(double x) {
        final double a = -0.5;
        double ax = Math.abs(x);
        if (ax < 1.0) {
            return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
        }
        if (ax < 2.0) {
            return (((ax - 5) * ax + 8) * ax - 4) * a;
        }
        return 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }

    /** {@code im.resize((w, h), filter)} over the whole source. */
    public static Image resize(Image im, int w, int h, Filter filter) {
        return resize(im, w, h, filter, 0f, 0f, im.width(), im.height());
    }

    /**
     * {@code im.resize((w, h), filter, box=(x0, y0, x1, y1))}; box coordinates are float32 as in
     * Pillow, may describe an empty (zero-width or zero-height) region, and must lie inside the image.
     */
    public static Image resize(Image im, int w, int h, Filter filter, float x0, float y0, float x1, float y1) {
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException("resize target must be positive, got " + w + "x" + h);
        }
        if (x0 < 0 || y0 < 0 || x1 > im.width() || y1 > im.height() || x1 - x0 < 0 || y1 - y0 < 0) {
            throw new IllegalArgumentException("resize box (" + x0 + ", " + y0 + ", " + x1 + ", " + y1
                    + ") is not inside the " + im.width() + "x" + im.height() + " image");
        }
        Image.checkSize(w, h);
        if (w == im.width() && h == im.height() && x0 == 0 && y0 == 0 && x1 == im.width() && y1 == im.height()) {
            return im.copy();
        }
        if (im.mode() == Mode.RGBA && filter != Filter.NEAREST) {
            Image pre = Convert.convert(im, Mode.RGBa);
            return Convert.convert(resize(pre, w, h, filter, x0, y0, x1, y1), Mode.RGBA);
        }
        if (im.mode() == Mode.LA && filter != Filter.NEAREST) {
            throw new IllegalArgumentException("resizing LA images is not supported; convert to L or RGBA first");
        }
        // An integer box exactly the target size is a plain crop (_imaging.c: _resize).
        if (x0 == (int) x0 && y0 == (int) y0 && x1 - x0 == w && y1 - y0 == h) {
            return im.crop((int) x0, (int) y0, (int) x1, (int) y1);
        }
        if (filter == Filter.NEAREST) {
            return nearest(im, w, h, x0, y0, x1, y1);
        }
        return convolve(im, w, h, filter, x0, y0, x1, y1);
    }

    private static Image nearest(Image im, int w, int h, float x0, float y0, float x1, float y1) {
        double ax = (double) (x1 - x0) / w;
        double ay = (double) (y1 - y0) / h;
        int[] xin = new int[w];
        int xmin = w;
        int xmax = 0;
        double xo = x0 + ax * 0.5;
        for (int x = 0; x < w; x++) {
            int xi = xo < 0.0 ? -1 : (int) xo;
            if (xi >= 0 && xi < im.width()) {
                xmax = x + 1;
                xmin = Math.min(xmin, x);
                xin[x] = xi;
            }
            xo += ax;
        }
        Image out = Image.blank(w, h, im.mode());
        int n = im.bands();
        byte[] s = im.data();
        byte[] d = out.data();
        double yo = y0 + ay * 0.5;
        for (int y = 0; y < h; y++) {
            int yi = yo < 0.0 ? -1 : (int) yo;
            if (yi >= 0 && yi < im.height()) {
                for (int x = xmin; x < xmax; x++) {
                    System.arraycopy(s, (yi * im.width() + xin[x]) * n, d, (y * w + x) * n, n);
                }
            }
            yo += ay;
        }
        return out;
    }

    /** Fixed-point taps of one axis: for output o, taps k[o*ksize .. +count[o]) start at input first[o]. */
    record Coeffs(int ksize, int[] first, int[] count, int[] k) {
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for one axis. */
    static Coeffs coefficients(int inSize, float in0, float in1, int outSize, Filter filter) {
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        if ((long) outSize * ksize > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("resize from " + inSize + " to " + outSize + " needs too many taps");
        }
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] k = new int[outSize * ksize];
        double[] w = new double[ksize];
        double ss = 1.0 / filterscale;
        for (int o = 0; o < outSize; o++) {
            double center = in0 + (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                w[x] = filter.weight((x + xmin - center + 0.5) * ss);
                ww += w[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? w[x] / ww : w[x];
                k[o * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            first[o] = xmin;
            count[o] = Math.max(xmax, 0);
        }
        return new Coeffs(ksize, first, count, k);
    }

    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static Image convolve(Image im, int w, int h, Filter filter, float x0, float y0, float x1, float y1) {
        // Pillow's tests compare the box with the *output* size (box[2] != xsize), kept as is.
        boolean needH = w != im.width() || x0 != 0 || x1 != w;
        boolean needV = h != im.height() || y0 != 0 || y1 != h;
        Coeffs ch = coefficients(im.width(), x0, x1, w, filter);
        Coeffs cv = coefficients(im.height(), y0, y1, h, filter);
        int yFirst = cv.first[0];
        int yLast = cv.first[h - 1] + cv.count[h - 1];
        Image src = im;
        int yOffset = 0;
        if (needH) {
            // Only the rows the vertical pass reads; its bounds are shifted to this strip.
            src = horizontal(im, w, yFirst, Math.max(yLast - yFirst, 1), ch);
            yOffset = yFirst;
        }
        if (!needV) {
            return src;
        }
        return vertical(src, h, yOffset, cv);
    }

    // rows [y0, y0+rows) of im: [rows, W, C] -> [rows, w, C]
    private static Image horizontal(Image im, int w, int y0, int rows, Coeffs c) {
        int n = im.bands();
        Image out = Image.blank(w, rows, im.mode());
        byte[] s = im.data();
        byte[] d = out.data();
        int rowsAvailable = Math.min(rows, im.height() - y0);
        for (int y = 0; y < rowsAvailable; y++) {
            int srow = (y + y0) * im.width() * n;
            for (int o = 0; o < w; o++) {
                int kb = o * c.ksize;
                int xmin = c.first[o];
                for (int b = 0; b < n; b++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < c.count[o]; x++) {
                        acc += (s[srow + (xmin + x) * n + b] & 0xff) * c.k[kb + x];
                    }
                    d[(y * w + o) * n + b] = (byte) clip8(acc);
                }
            }
        }
        return out;
    }

    // im: [H', W, C] whose row 0 is source row yOffset -> [h, W, C]
    private static Image vertical(Image im, int h, int yOffset, Coeffs c) {
        int n = im.bands();
        int wd = im.width();
        Image out = Image.blank(wd, h, im.mode());
        byte[] s = im.data();
        byte[] d = out.data();
        for (int o = 0; o < h; o++) {
            int kb = o * c.ksize;
            int ymin = c.first[o] - yOffset;
            for (int x = 0; x < wd * n; x++) {
                int acc = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < c.count[o]; y++) {
                    acc += (s[(ymin + y) * wd * n + x] & 0xff) * c.k[kb + y];
                }
                d[o * wd * n + x] = (byte) clip8(acc);
            }
        }
        return out;
    }
}
