package jdiffusion.sd.pipeline;

import java.util.List;
import java.util.Objects;
import jdiffusion.sd.image.Composite;
import jdiffusion.sd.image.Convert;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;

/**
 * What the user put on the img2img tab: the layers of one {@link CanvasMode}. Use the factories;
 * {@code Img2ImgSettings} carries the numbers (mask blur, transparency, ...) that turn the layers into
 * the init image and mask (spec img2img.md §2.1).
 *
 * @param mode     the sub-tab
 * @param images   the init picture(s): several pictures make a batch of at most {@code batch_size} images
 *                 (img2img / sketch / batch); the other modes take one
 * @param mask     the mask layer (Inpaint: the painted layer, RGBA strokes in the alpha channel or an
 *                 L/RGB picture; Inpaint upload / Batch: the mask file), or null
 * @param original Inpaint sketch: the picture before any stroke (null: no strokes were made)
 */
public record Canvas(CanvasMode mode, List<Image> images, Image mask, Image original) {

    public Canvas {
        Objects.requireNonNull(mode, "mode");
        images = List.copyOf(images);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("img2img needs an init image (" + mode.label() + " tab)");
        }
        boolean single = mode == CanvasMode.INPAINT || mode == CanvasMode.INPAINT_SKETCH || mode == CanvasMode.INPAINT_UPLOAD;
        if (single && images.size() != 1) {
            throw new IllegalArgumentException(mode.label() + " takes one picture, got " + images.size());
        }
        if ((mode == CanvasMode.INPAINT || mode == CanvasMode.INPAINT_UPLOAD) && mask == null) {
            throw new IllegalArgumentException(mode.label() + " needs a mask");
        }
        if ((mode == CanvasMode.IMG2IMG || mode == CanvasMode.SKETCH) && mask != null) {
            throw new IllegalArgumentException(mode.label() + " has no mask; use inpaint or inpaint upload");
        }
        if (original != null && mode != CanvasMode.INPAINT_SKETCH) {
            throw new IllegalArgumentException("an original picture belongs to Inpaint sketch, not " + mode.label());
        }
    }

    /** "img2img": one or more pictures (each may have transparency, flattened on the background colour). */
    public static Canvas img2img(Image... pictures) {
        return new Canvas(CanvasMode.IMG2IMG, List.of(pictures), null, null);
    }

    /** "Sketch": the picture with the user's colour strokes already painted in. */
    public static Canvas sketch(Image sketched) {
        return new Canvas(CanvasMode.SKETCH, List.of(sketched), null, null);
    }

    /** "Inpaint": the picture and the painted mask layer (white or opaque strokes = inpaint). */
    public static Canvas inpaint(Image picture, Image maskLayer) {
        return new Canvas(CanvasMode.INPAINT, List.of(picture), maskLayer, null);
    }

    /**
     * "Inpaint sketch": the picture with coloured strokes and the picture before them; the strokes
     * become the mask and are blended into the picture.
     */
    public static Canvas inpaintSketch(Image sketched, Image original) {
        return new Canvas(CanvasMode.INPAINT_SKETCH, List.of(sketched), null, original);
    }

    /** "Inpaint upload": a picture and a mask file (white = inpaint). */
    public static Canvas inpaintUpload(Image picture, Image mask) {
        return new Canvas(CanvasMode.INPAINT_UPLOAD, List.of(picture), mask, null);
    }

    /** One file of a "Batch" run: the picture as read and its mask (or null), used as they are. */
    public static Canvas batch(Image picture, Image mask) {
        return new Canvas(CanvasMode.BATCH, List.of(picture), mask, null);
    }

    /**
     * The picture with a stroke layer painted on it, as the webui's colour-sketch canvas hands it on:
     * {@code strokes} (RGBA, transparent where nothing was drawn, same size) alpha-composited over
     * {@code picture}, as RGB. Use it for the Sketch tab and as the stroked picture of Inpaint sketch.
     */
    public static Image withStrokes(Image picture, Image strokes) {
        if (picture.width() != strokes.width() || picture.height() != strokes.height()) {
            throw new IllegalArgumentException("the stroke layer is " + strokes.width() + "x" + strokes.height()
                    + " but the picture is " + picture.width() + "x" + picture.height());
        }
        Image base = Convert.convert(picture, Mode.RGBA);
        Image layer = Convert.convert(strokes, Mode.RGBA);
        return Convert.convert(Composite.alphaComposite(base, layer), Mode.RGB);
    }

    /** Whether the job is an inpainting job (before the blank-mask rules of "Only masked"). */
    public boolean hasMask() {
        return mask != null || mode == CanvasMode.INPAINT_SKETCH;
    }
}
