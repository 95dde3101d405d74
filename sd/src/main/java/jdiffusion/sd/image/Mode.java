package jdiffusion.sd.image;

/**
 * Pixel layouts an {@link Image} can hold, named as Pillow names them. Every band is 8 bits and
 * the bands of a pixel are stored next to each other.
 */
public enum Mode {
    /** One grey band (masks). */
    L(1),
    /** Grey plus alpha (only as an input layout; converted on read). */
    LA(2),
    /** Red, green, blue. */
    RGB(3),
    /** Red, green, blue, straight (unassociated) alpha. */
    RGBA(4),
    /** Red, green, blue premultiplied by alpha, then alpha (Pillow's "RGBa"). */
    RGBa(4);

    private final int bands;

    Mode(int bands) {
        this.bands = bands;
    }

    /** Bytes per pixel. */
    public int bands() {
        return bands;
    }

    /** True for the modes whose last band is alpha. */
    public boolean hasAlpha() {
        return this == LA || this == RGBA || this == RGBa;
    }
}
