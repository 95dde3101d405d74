package jdiffusion.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.schedule.Scheduler;
import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.pipeline.CanvasMode;
import jdiffusion.sd.pipeline.MaskMode;

/**
 * The option values that name a choice ({@code --resize-mode crop-and-resize}): the command-line
 * spelling (lower case, dashes), the webui label also accepted, and completion candidates.
 */
final class Choices {
    private Choices() {
    }

    /** Looks {@code value} up among {@code choices} (spelling or label, any case, '_' or ' ' for '-'). */
    static <T> T parse(String option, String value, Map<String, T> choices) {
        String v = normal(value);
        for (var e : choices.entrySet()) {
            if (normal(e.getKey()).equals(v)) {
                return e.getValue();
            }
        }
        throw CliException.usage(option + ": unknown value '" + value + "' (expected "
                + String.join(", ", choices.keySet().stream().filter(k -> !k.contains(" ")).toList()) + ")");
    }

    private static String normal(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-').replace("(", "").replace(")", "");
    }

    static final Map<String, ResizeMode> RESIZE = map(
            "just-resize", ResizeMode.JUST_RESIZE, "crop-and-resize", ResizeMode.CROP_AND_RESIZE,
            "resize-and-fill", ResizeMode.RESIZE_AND_FILL, "latent-upscale", ResizeMode.LATENT_UPSCALE,
            "Just resize (latent upscale)", ResizeMode.LATENT_UPSCALE,
            "0", ResizeMode.JUST_RESIZE, "1", ResizeMode.CROP_AND_RESIZE, "2", ResizeMode.RESIZE_AND_FILL,
            "3", ResizeMode.LATENT_UPSCALE);

    static final Map<String, MaskedContent> FILL = map(
            "original", MaskedContent.ORIGINAL, "fill", MaskedContent.FILL, "latent-noise", MaskedContent.LATENT_NOISE,
            "latent-nothing", MaskedContent.LATENT_NOTHING, "0", MaskedContent.FILL, "1", MaskedContent.ORIGINAL,
            "2", MaskedContent.LATENT_NOISE, "3", MaskedContent.LATENT_NOTHING);

    static final Map<String, MaskMode> MASK_MODE = map(
            "inpaint-masked", MaskMode.INPAINT_MASKED, "inpaint-not-masked", MaskMode.INPAINT_NOT_MASKED,
            "0", MaskMode.INPAINT_MASKED, "1", MaskMode.INPAINT_NOT_MASKED);

    static final Map<String, CanvasMode> MODE = map(
            "img2img", CanvasMode.IMG2IMG, "sketch", CanvasMode.SKETCH, "inpaint", CanvasMode.INPAINT,
            "inpaint-sketch", CanvasMode.INPAINT_SKETCH, "inpaint-upload", CanvasMode.INPAINT_UPLOAD);

    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> map(Object... kv) {
        Map<String, T> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (T) kv[i + 1]);
        }
        return m;
    }

    private static Iterator<String> words(Map<String, ?> m) {
        return m.keySet().stream().filter(k -> !Character.isDigit(k.charAt(0))).iterator();
    }

    static final class ResizeModes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return words(RESIZE);
        }
    }

    static final class FillModes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return words(FILL);
        }
    }

    static final class MaskModes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return words(MASK_MODE);
        }
    }

    static final class CanvasModes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return words(MODE);
        }
    }

    static final class RngNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("gpu", "cpu", "nv").iterator();
        }
    }

    static final class SamplerNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> out = new ArrayList<>();
            for (SamplerCatalog.Entry e : SamplerCatalog.entries()) {
                out.addAll(e.aliases());
            }
            return out.iterator();
        }
    }

    static final class SchedulerNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> out = new ArrayList<>();
            for (Scheduler s : Scheduler.values()) {
                out.add(s.id());
            }
            return out.iterator();
        }
    }
}
