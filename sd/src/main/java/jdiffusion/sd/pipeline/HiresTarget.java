package jdiffusion.sd.pipeline;

import java.util.Map;

/**
 * {@code calculate_target_resolution}: the hires pass's size and, for "Resize width/height to" with a
 * different aspect ratio, how many latent rows/columns are cut after upscaling.
 *
 * @param width     {@code hr_upscale_to_x}
 * @param height    {@code hr_upscale_to_y}
 * @param truncateX {@code truncate_x} (latent columns to cut, half on each side)
 * @param truncateY {@code truncate_y}
 */
record HiresTarget(int width, int height, int truncateX, int truncateY) {

    /** The target for a first pass of {@code w × h}; the infotext entry ({@code Hires upscale} or {@code Hires resize}) goes to {@code info}. */
    static HiresTarget of(HiresFix hr, int w, int h, Map<String, Object> info) {
        if (hr.resizeX() == 0 && hr.resizeY() == 0) {
            info.put("Hires upscale", hr.scale());
            return new HiresTarget((int) (w * hr.scale()), (int) (h * hr.scale()), 0, 0);
        }
        info.put("Hires resize", hr.resizeX() + "x" + hr.resizeY());
        if (hr.resizeY() == 0) {
            return new HiresTarget(hr.resizeX(), hr.resizeX() * h / w, 0, 0);
        }
        if (hr.resizeX() == 0) {
            return new HiresTarget(hr.resizeY() * w / h, hr.resizeY(), 0, 0);
        }
        double srcRatio = (double) w / h;
        double dstRatio = (double) hr.resizeX() / hr.resizeY();
        int tx;
        int ty;
        if (srcRatio < dstRatio) {
            tx = hr.resizeX();
            ty = hr.resizeX() * h / w;
        } else {
            tx = hr.resizeY() * w / h;
            ty = hr.resizeY();
        }
        return new HiresTarget(tx, ty, Math.floorDiv(tx - hr.resizeX(), 8), Math.floorDiv(ty - hr.resizeY(), 8));
    }
}
