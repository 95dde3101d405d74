package jdiffusion.sd.image;

import java.util.Arrays;

/**
 * An 8-bit image in the layout Pillow uses: {@code height} rows of {@code width} pixels, each pixel
 * {@code mode.bands()} consecutive bytes. Pixels are mutable (the webui's operations paste into
 * canvases in place); the size and mode are fixed.
 */
public final class Image {
    /** Largest pixel count accepted, so a bad header or size cannot ask for an absurd allocation. */
    public static final long MAX_PIXELS = 1L << 28;

    private final int width;
    private final int height;
    private final Mode mode;
    private final byte[] data;

    private Image(int width, int height, Mode mode, byte[] data) {
        this.width = width;
        this.height = height;
        this.mode = mode;
        this.data = data;
    }

    /** A new image filled with zero bytes (black, and transparent for alpha modes). */
    public static Image blank(int width, int height, Mode mode) {
        checkSize(width, height);
        return new Image(width, height, mode, new byte[Math.multiplyExact(width * height, mode.bands())]);
    }

    /** A new image with every pixel set to {@code pixel} (one value per band). */
    public static Image filled(int width, int height, Mode mode, int... pixel) {
        if (pixel.length != mode.bands()) {
            throw new IllegalArgumentException("fill colour has " + pixel.length + " values, mode " + mode
                    + " needs " + mode.bands());
        }
        Image im = blank(width, height, mode);
        int n = mode.bands();
        for (int i = 0; i < im.data.length; i += n) {
            for (int c = 0; c < n; c++) {
                im.data[i + c] = (byte) pixel[c];
            }
        }
        return im;
    }

    /** Wraps (does not copy) interleaved pixel bytes of exactly {@code width·height·bands} length. */
    public static Image wrap(int width, int height, Mode mode, byte[] data) {
        checkSize(width, height);
        long expected = (long) width * height * mode.bands();
        if (data.length != expected) {
            throw new IllegalArgumentException("a " + width + "x" + height + " " + mode + " image needs " + expected
                    + " bytes, got " + data.length);
        }
        return new Image(width, height, mode, data);
    }

    static void checkSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("image of " + width + "x" + height + " exceeds " + MAX_PIXELS + " pixels");
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public Mode mode() {
        return mode;
    }

    public int bands() {
        return mode.bands();
    }

    /** The backing bytes (row-major, interleaved bands); writes go to the image. */
    public byte[] data() {
        return data;
    }

    /** Band {@code c} of pixel (x, y) as 0..255. */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * mode.bands() + c] & 0xff;
    }

    /** Sets band {@code c} of pixel (x, y) (the value is stored modulo 256). */
    public void set(int x, int y, int c, int value) {
        data[(y * width + x) * mode.bands() + c] = (byte) value;
    }

    public Image copy() {
        return new Image(width, height, mode, data.clone());
    }

    /** The same pixels relabelled with another mode of the same band count (no conversion). */
    public Image withMode(Mode other) {
        if (other.bands() != mode.bands()) {
            throw new IllegalArgumentException("cannot relabel " + mode + " as " + other);
        }
        return new Image(width, height, other, data);
    }

    /**
     * Pillow {@code crop(box)}: the region [x1, x2) × [y1, y2); parts outside the image are zero
     * bytes (the box may extend past any edge).
     */
    public Image crop(int x1, int y1, int x2, int y2) {
        Image out = blank(x2 - x1, y2 - y1, mode);
        int n = mode.bands();
        int sx0 = Math.max(x1, 0);
        int sx1 = Math.min(x2, width);
        if (sx1 <= sx0) {
            return out;
        }
        for (int y = Math.max(y1, 0); y < Math.min(y2, height); y++) {
            System.arraycopy(data, (y * width + sx0) * n, out.data, ((y - y1) * out.width + (sx0 - x1)) * n,
                    (sx1 - sx0) * n);
        }
        return out;
    }

    /** One band as an L image. */
    public Image band(int c) {
        if (c < 0 || c >= mode.bands()) {
            throw new IllegalArgumentException("band " + c + " does not exist in mode " + mode);
        }
        Image out = blank(width, height, Mode.L);
        int n = mode.bands();
        for (int i = 0, j = c; i < out.data.length; i++, j += n) {
            out.data[i] = data[j];
        }
        return out;
    }

    /**
     * Pillow {@code getbbox()} over all bands: the smallest (x1, y1, x2, y2) holding every pixel
     * with a non-zero byte (right/bottom exclusive), or null when all bytes are zero.
     */
    public int[] bbox() {
        int n = mode.bands();
        int x1 = width;
        int y1 = height;
        int x2 = 0;
        int y2 = 0;
        for (int y = 0; y < height; y++) {
            int row = y * width * n;
            for (int x = 0; x < width; x++) {
                boolean any = false;
                for (int c = 0; c < n; c++) {
                    any |= data[row + x * n + c] != 0;
                }
                if (any) {
                    x1 = Math.min(x1, x);
                    x2 = Math.max(x2, x + 1);
                    y1 = Math.min(y1, y);
                    y2 = y + 1;
                }
            }
        }
        return x2 == 0 ? null : new int[] {x1, y1, x2, y2};
    }

    /** True when size, mode and every byte agree. */
    public boolean sameAs(Image other) {
        return other != null && width == other.width && height == other.height && mode == other.mode
                && Arrays.equals(data, other.data);
    }

    @Override
    public String toString() {
        return "Image[" + width + "x" + height + " " + mode + "]";
    }
}
