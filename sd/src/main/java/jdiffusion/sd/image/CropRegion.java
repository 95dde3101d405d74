package jdiffusion.sd.image;

/**
 * The "Only masked" crop box ({@code modules/masking.py}): {@code (x1, y1, x2, y2)}, right and
 * bottom exclusive.
 */
public record CropRegion(int x1, int y1, int x2, int y2) {

    public int width() {
        return x2 - x1;
    }

    public int height() {
        return y2 - y1;
    }

    /**
     * {@code get_crop_region_v2(mask, pad)}: the bounding box of the non-zero mask pixels (blur
     * tails count), grown by {@code pad} on every side and clamped to the mask; null for a blank mask.
     */
    public static CropRegion of(Image mask, int pad) {
        int[] box = mask.bbox();
        if (box == null) {
            return null;
        }
        if (pad == 0) {
            return new CropRegion(box[0], box[1], box[2], box[3]);
        }
        return new CropRegion(Math.max(box[0] - pad, 0), Math.max(box[1] - pad, 0),
                Math.min(box[2] + pad, mask.width()), Math.min(box[3] + pad, mask.height()));
    }

    /**
     * {@code expand_crop_region(region, W, H, imageW, imageH)}: grows the box on its short side to
     * the processing aspect ratio W:H, shifting it back inside the image; when it cannot fit it is
     * clamped to the image (and loses the exact ratio).
     */
    public CropRegion expand(int processingWidth, int processingHeight, int imageWidth, int imageHeight) {
        int ax1 = x1;
        int ay1 = y1;
        int ax2 = x2;
        int ay2 = y2;
        double ratioCrop = (double) (ax2 - ax1) / (ay2 - ay1);
        double ratioProcessing = (double) processingWidth / processingHeight;
        if (ratioCrop > ratioProcessing) {
            double desiredHeight = (ax2 - ax1) / ratioProcessing;
            int diff = (int) (desiredHeight - (ay2 - ay1));
            ay1 -= Math.floorDiv(diff, 2);
            ay2 += diff - Math.floorDiv(diff, 2);
            if (ay2 >= imageHeight) {
                int d = ay2 - imageHeight;
                ay2 -= d;
                ay1 -= d;
            }
            if (ay1 < 0) {
                ay2 -= ay1;
                ay1 = 0;
            }
            if (ay2 >= imageHeight) {
                ay2 = imageHeight;
            }
        } else {
            double desiredWidth = (ay2 - ay1) * ratioProcessing;
            int diff = (int) (desiredWidth - (ax2 - ax1));
            ax1 -= Math.floorDiv(diff, 2);
            ax2 += diff - Math.floorDiv(diff, 2);
            if (ax2 >= imageWidth) {
                int d = ax2 - imageWidth;
                ax2 -= d;
                ax1 -= d;
            }
            if (ax1 < 0) {
                ax2 -= ax1;
                ax1 = 0;
            }
            if (ax2 >= imageWidth) {
                ax2 = imageWidth;
            }
        }
        return new CropRegion(ax1, ay1, ax2, ay2);
    }

    /** {@code paste_to} of the webui: (x1, y1, width, height). */
    public int[] pasteTo() {
        return new int[] {x1, y1, width(), height()};
    }
}
