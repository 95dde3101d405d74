package jdiffusion.sd.infotext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;

/**
 * The infotext as the webui stores it in PNG files: a text chunk with keyword {@code parameters}
 * ({@code tEXt} when the text is Latin-1, otherwise an uncompressed {@code iTXt}, as Pillow's
 * {@code PngInfo.add_text} writes it).
 */
public final class PngInfotext {
    /** The chunk keyword ({@code pnginfo_section_name}). */
    public static final String KEY = "parameters";

    private PngInfotext() {
    }

    /** Writes {@code image} as a PNG carrying {@code infotext} (and any further text entries). */
    public static void write(Image image, Path file, String infotext, Map<String, String> more) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put(KEY, infotext);
        if (more != null) {
            texts.putAll(more);
        }
        ImageFiles.writePng(image, file, texts);
    }

    /** The {@code parameters} text of a PNG file, or null when it has none. */
    public static String read(Path file) throws IOException {
        return ImageFiles.readPngText(file).get(KEY);
    }
}
