package jdiffusion.sd.pipeline;

import java.util.List;
import jdiffusion.sd.image.Convert;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Masks;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.image.Sketch;

/**
 * {@code modules/img2img.py: img2img} before processing (spec img2img.md §2.1): the tab's layers
 * become the init image(s) and the mask ({@code image_mask}, null for plain img2img).
 */
final class CanvasLayers {
    private CanvasLayers() {
    }

    /** The init images and mask handed to processing. */
    record Inputs(List<Image> images, Image mask) {
    }

    /**
     * @param maskTransparency "Mask transparency" (Inpaint sketch only)
     * @param maskBlur         "Mask blur" (Inpaint sketch blends the strokes with a Pillow blur of this radius)
     */
    static Inputs resolve(Canvas c, int maskTransparency, int maskBlur) {
        return switch (c.mode()) {
            case IMG2IMG, SKETCH -> new Inputs(c.images(), null);
            // The painted layer is thresholded here already (create_binary_mask with rounding on).
            case INPAINT -> new Inputs(c.images(), Masks.createBinaryMask(c.mask(), true));
            case INPAINT_SKETCH -> {
                Sketch.Result r = Sketch.inpaintSketch(c.images().getFirst(), c.original(), maskTransparency, maskBlur);
                yield new Inputs(List.of(r.image()), r.mask());
            }
            // Gradio's RGB upload component drops an uploaded alpha channel (no flattening).
            case INPAINT_UPLOAD -> new Inputs(List.of(rgb(c.images().getFirst())), c.mask());
            case BATCH -> new Inputs(c.images(), c.mask());
        };
    }

    private static Image rgb(Image im) {
        return im.mode() == Mode.RGB ? im : Convert.convert(im, Mode.RGB);
    }
}
