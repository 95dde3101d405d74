package jdiffusion.sd.image;

/**
 * The "Inpaint sketch" tab ({@code modules/img2img.py}, mode 3): the strokes become the mask and
 * are blended into the picture before processing.
 */
public final class Sketch {
    private Sketch() {
    }

    /** The picture and mask handed on to processing. */
    public record Result(Image image, Image mask) {
    }

    /**
     * @param sketch    the picture with the user's strokes (RGB)
     * @param original  the picture before any stroke (null: the sketch itself, i.e. no strokes)
     * @param maskAlpha "Mask transparency" 0..100
     * @param maskBlur  "Mask blur" (Pillow GaussianBlur radius for this step)
     */
    public static Result inpaintSketch(Image sketch, Image original, double maskAlpha, float maskBlur) {
        Image img = Convert.convert(sketch, Mode.RGB);
        Image orig = original == null ? img : Convert.convert(original, Mode.RGB);
        if (orig.width() != img.width() || orig.height() != img.height()) {
            throw new IllegalArgumentException("sketch " + img.width() + "x" + img.height()
                    + " and original " + orig.width() + "x" + orig.height() + " differ in size");
        }
        // M0 = 255 where any band differs.
        Image m0 = Image.blank(img.width(), img.height(), Mode.L);
        byte[] a = img.data();
        byte[] b = orig.data();
        byte[] m = m0.data();
        for (int p = 0; p < m.length; p++) {
            boolean differs = a[3 * p] != b[3 * p] || a[3 * p + 1] != b[3 * p + 1] || a[3 * p + 2] != b[3 * p + 2];
            m[p] = (byte) (differs ? 255 : 0);
        }
        // ImageEnhance.Brightness(M0).enhance(f) = blend(black, M0, f) with f = 1 - alpha/100 (float32).
        float f = (float) (1 - maskAlpha / 100);
        Image m1 = Composite.blend(Image.blank(img.width(), img.height(), Mode.L), m0, f);
        Image blurredImg = BoxBlur.gaussianBlur(img, maskBlur);
        Image blurredMask = BoxBlur.gaussianBlur(m1, maskBlur);
        return new Result(Composite.composite(blurredImg, orig, blurredMask), m1);
    }
}
