package jdiffusion.sd.image;

/**
 * The img2img colour correction ({@code processing.py: setup_color_correction},
 * {@code apply_color_correction}): histogram matching in OpenCV 8-bit Lab (scikit-image
 * {@code match_histograms}, per channel), back to RGB, then a blendmodes LUMINOSITY blend that
 * keeps the corrected hue/saturation and the generated image's luminosity.
 */
public final class ColorCorrection {
    private ColorCorrection() {
    }

    /** {@code setup_color_correction(image)}: the Lab target of the prepared init image. */
    public static Image target(Image initRgb) {
        return OpenCvLab.rgbToLab(initRgb);
    }

    /** {@code apply_color_correction(target, generated)} → RGB. */
    public static Image apply(Image targetLab, Image generatedRgb) {
        Image lab = OpenCvLab.rgbToLab(generatedRgb);
        Image matched = matchHistograms(lab, targetLab);
        Image corrected = OpenCvLab.labToRgb(matched);
        return luminosityBlend(corrected, generatedRgb);
    }

    /**
     * skimage {@code match_histograms(image, reference, channel_axis=-1)} on uint8 data: for each
     * band, the value {@code v} maps to {@code trunc(interp(srcQuantile(v), refQuantiles, refValues))}
     * (numpy {@code interp}, float64; the float result is written into uint8, i.e. truncated).
     */
    public static Image matchHistograms(Image image, Image reference) {
        if (image.bands() != reference.bands()) {
            throw new IllegalArgumentException("match_histograms needs the same band count, got "
                    + image.bands() + " and " + reference.bands());
        }
        int n = image.bands();
        Image out = Image.blank(image.width(), image.height(), image.mode());
        byte[] s = image.data();
        byte[] d = out.data();
        for (int c = 0; c < n; c++) {
            int[] lut = channelLut(band(image, c), band(reference, c));
            for (int i = c; i < s.length; i += n) {
                d[i] = (byte) lut[s[i] & 0xff];
            }
        }
        return out;
    }

    private static long[] band(Image im, int c) {
        long[] counts = new long[256];
        byte[] d = im.data();
        int n = im.bands();
        for (int i = c; i < d.length; i += n) {
            counts[d[i] & 0xff]++;
        }
        return counts;
    }

    private static int[] channelLut(long[] srcCounts, long[] refCounts) {
        long srcSize = 0;
        long refSize = 0;
        for (int v = 0; v < 256; v++) {
            srcSize += srcCounts[v];
            refSize += refCounts[v];
        }
        // Template: distinct values present, with cumulative quantiles cumsum(counts) / size.
        double[] xp = new double[256];
        double[] fp = new double[256];
        int m = 0;
        long cum = 0;
        for (int v = 0; v < 256; v++) {
            if (refCounts[v] > 0) {
                cum += refCounts[v];
                xp[m] = (double) cum / refSize;
                fp[m] = v;
                m++;
            }
        }
        int[] lut = new int[256];
        cum = 0;
        for (int v = 0; v < 256; v++) {
            if (srcCounts[v] == 0) {
                continue;
            }
            cum += srcCounts[v];
            double q = (double) cum / srcSize;
            lut[v] = (int) interp(q, xp, fp, m);
        }
        return lut;
    }

    /** numpy {@code interp(x, xp, fp)} for increasing xp of length m (float64). */
    static double interp(double x, double[] xp, double[] fp, int m) {
        if (x < xp[0]) {
            return fp[0];
        }
        if (x > xp[m - 1]) {
            return fp[m - 1];
        }
        if (x == xp[m - 1]) {
            return fp[m - 1];
        }
        int j = 0;
        int hi = m - 1;
        // Largest j with xp[j] <= x (xp is strictly increasing).
        while (hi - j > 1) {
            int mid = (j + hi) >>> 1;
            if (xp[mid] <= x) {
                j = mid;
            } else {
                hi = mid;
            }
        }
        if (xp[j] == x) {
            return fp[j];
        }
        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        double r = slope * (x - xp[j]) + fp[j];
        if (Double.isNaN(r)) {
            r = slope * (x - xp[j + 1]) + fp[j + 1];
            if (Double.isNaN(r) && fp[j] == fp[j + 1]) {
                r = fp[j];
            }
        }
        return r;
    }

    /**
     * blendmodes {@code blendLayers(background, foreground, LUMINOSITY)} for two opaque RGB images:
     * the background's colour with the foreground's luminosity (0.299/0.587/0.114), clipped into
     * gamut around the luminosity, then {@code trunc(255·clip(c, 0, 1))}; float64 throughout.
     */
    public static Image luminosityBlend(Image background, Image foreground) {
        Image out = Image.blank(background.width(), background.height(), Mode.RGB);
        byte[] bg = background.data();
        byte[] fg = foreground.data();
        byte[] d = out.data();
        double[] c = new double[3];
        for (int i = 0; i < d.length; i += 3) {
            for (int k = 0; k < 3; k++) {
                c[k] = (bg[i + k] & 0xff) / 255.0;
            }
            double fr = (fg[i] & 0xff) / 255.0;
            double fgg = (fg[i + 1] & 0xff) / 255.0;
            double fb = (fg[i + 2] & 0xff) / 255.0;
            double delta = lum(fr, fgg, fb) - lum(c[0], c[1], c[2]);
            for (int k = 0; k < 3; k++) {
                c[k] += delta;
            }
            double l = lum(c[0], c[1], c[2]);
            double lo = Math.min(c[0], Math.min(c[1], c[2]));
            double hi = Math.max(c[0], Math.max(c[1], c[2]));
            if (lo < 0) {
                for (int k = 0; k < 3; k++) {
                    c[k] = l + ((c[k] - l) * l) / (l - lo);
                }
            }
            if (hi > 1) {
                // blendmodes re-reads the (possibly updated) colour but keeps the original max.
                for (int k = 0; k < 3; k++) {
                    c[k] = l + ((c[k] - l) * (1 - l)) / (hi - l);
                }
            }
            for (int k = 0; k < 3; k++) {
                double v = Math.min(1.0, Math.max(0.0, c[k]));
                d[i + k] = (byte) (int) (v * 255);
            }
        }
        return out;
    }

    private static double lum(double r, double g, double b) {
        return (r * 0.299) + (g * 0.587) + (b * 0.114);
    }
}
