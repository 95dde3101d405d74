package jdiffusion.sd.pipeline;

import java.util.Locale;

/**
 * The img2img tab's sub-tabs ({@code modules/img2img.py: img2img}, argument {@code mode}; spec
 * img2img.md §2.1): which layers the user supplies and how they become the init image and mask.
 */
public enum CanvasMode {
    /** 0 "img2img": one picture, no mask. */
    IMG2IMG("img2img", 0),
    /** 1 "Sketch": the picture with the colour strokes burnt in; no mask (plain img2img of it). */
    SKETCH("Sketch", 1),
    /** 2 "Inpaint": picture plus the painted mask layer, thresholded ({@code alpha > 128}) at once. */
    INPAINT("Inpaint", 2),
    /** 3 "Inpaint sketch": the stroked picture and the picture before the strokes; the strokes are the mask. */
    INPAINT_SKETCH("Inpaint sketch", 3),
    /** 4 "Inpaint upload": a picture (its alpha dropped, not flattened) and a separate mask file. */
    INPAINT_UPLOAD("Inpaint upload", 4),
    /** 5 "Batch": files from a folder, each with an optional mask used as it is. */
    BATCH("Batch", 5);

    private final String label;
    private final int tab;

    CanvasMode(String label, int tab) {
        this.label = label;
        this.tab = tab;
    }

    /** The tab's label in the webui. */
    public String label() {
        return label;
    }

    /** The webui's {@code mode} index. */
    public int tab() {
        return tab;
    }

    /** Parses a label, a tab index or the enum name ("inpaint-sketch", "inpaint sketch", "3"), case-insensitively. */
    public static CanvasMode parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace('-', ' ').replace('_', ' ');
        for (CanvasMode m : values()) {
            if (m.label.toLowerCase(Locale.ROOT).equals(n) || m.name().toLowerCase(Locale.ROOT).replace('_', ' ').equals(n)
                    || Integer.toString(m.tab).equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown img2img mode '" + s
                + "' (expected img2img, sketch, inpaint, inpaint-sketch, inpaint-upload or batch)");
    }
}
