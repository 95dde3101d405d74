package jdiffusion.sd.image;

/**
 * OpenCV's bit-exact 8-bit {@code cv2.GaussianBlur} along one axis, as the webui's mask blur calls
 * it ({@code GaussianBlur(mask, (k, 1), b)} then {@code (1, k)}): a 1-D kernel of odd size {@code k}
 * and sigma {@code b}, quantised to 8 fractional bits, border {@code BORDER_REFLECT_101}.
 *
 * <p>Kernel: {@code g_i = exp(−(i − (k−1)/2)² / (2σ²))} for the outer taps, centre 1, normalised;
 * converted to integers summing to 256 by error diffusion from the outermost tap inwards
 * ({@code adj = g_i·256 + err; v_i = round_half_even(adj); err = adj − v_i}), mirrored, centre =
 * {@code 256 − 2·Σ v_i}. One pass: {@code out = (Σ v_i·in[p + i − (k−1)/2] + 128) >> 8}.
 */
public final class CvGaussianBlur {
    private CvGaussianBlur() {
    }

    /** The webui's kernel size for a blur amount: {@code 2·trunc(2.5·b + 0.5) + 1}. */
    public static int kernelSize(double blur) {
        return 2 * (int) (2.5 * blur + 0.5) + 1;
    }

    /** The fixed-point kernel (sum 256) OpenCV uses for an odd size and sigma. */
    public static int[] kernel(int size, double sigma) {
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("Gaussian kernel size must be odd and positive, got " + size);
        }
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("Gaussian sigma must be positive, got " + sigma);
        }
        int half = (size - 1) / 2;
        // Evaluated in OpenCV's order: doubled coordinates x = 1 - n + 2i with scale -1/8σ²,
        // sum = 2·Σ outer + 1 (centre), weights = t · (1/sum).
        double scale2 = -0.125 / (sigma * sigma);
        double[] g = new double[half];
        double sum = 0;
        for (int i = 0, x = 1 - size; i < half; i++, x += 2) {
            g[i] = StrictMath.exp((double) (x * x) * scale2);
            sum += g[i];
        }
        sum = sum * 2 + 1;
        double mul = 1 / sum;
        int[] v = new int[size];
        double err = 0;
        int outer = 0;
        for (int i = 0; i < half; i++) {
            double adj = g[i] * mul * 256 + err;
            v[i] = (int) Math.rint(adj);
            err = adj - v[i];
            v[size - 1 - i] = v[i];
            outer += v[i];
        }
        v[half] = 256 - 2 * outer;
        return v;
    }

    /** Blurs an L image horizontally (axis 0) or vertically (axis 1) with the given kernel. */
    public static Image blur(Image im, int[] kernel, boolean horizontal) {
        if (im.mode() != Mode.L) {
            throw new IllegalArgumentException("mask blur expects an L image, got " + im.mode());
        }
        int w = im.width();
        int h = im.height();
        int len = horizontal ? w : h;
        if (len == 1) {
            return im.copy(); // a single pixel along the axis: OpenCV returns the input
        }
        int half = kernel.length / 2;
        int[] idx = new int[len + 2 * half];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = reflect101(i - half, len);
        }
        byte[] s = im.data();
        Image out = Image.blank(w, h, Mode.L);
        byte[] d = out.data();
        int lines = horizontal ? h : w;
        int step = horizontal ? 1 : w;
        for (int line = 0; line < lines; line++) {
            int base = horizontal ? line * w : line;
            for (int p = 0; p < len; p++) {
                int acc = 128;
                for (int t = 0; t < kernel.length; t++) {
                    acc += kernel[t] * (s[base + idx[p + t] * step] & 0xff);
                }
                d[base + p * step] = (byte) (acc >> 8);
            }
        }
        return out;
    }

    /** The webui's separable mask blur: x then y, each skipped when its amount is not positive. */
    public static Image maskBlur(Image mask, int blurX, int blurY) {
        Image m = mask;
        if (blurX > 0) {
            m = blur(m, kernel(kernelSize(blurX), blurX), true);
        }
        if (blurY > 0) {
            m = blur(m, kernel(kernelSize(blurY), blurY), false);
        }
        return m;
    }

    /** BORDER_REFLECT_101 index (…, 2, 1, | 0, 1, …, n−1 |, n−2, …), repeated for wide kernels. */
    static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }
}
