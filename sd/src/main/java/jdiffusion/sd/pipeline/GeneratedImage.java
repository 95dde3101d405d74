package jdiffusion.sd.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.infotext.PngInfotext;

/**
 * One output image and what made it.
 *
 * @param image          the final RGB image (after colour correction and the inpainting overlay)
 * @param infotext       the webui's "parameters" text for it
 * @param seed           its seed ({@code all_seeds[k]})
 * @param subseed        its variation seed
 * @param prompt         its prompt (with extra-network tags, as in the infotext)
 * @param negativePrompt its negative prompt
 * @param index          position in the whole job (iteration · batch size + batch index)
 * @param iteration      batch iteration
 * @param batchIndex     position in its batch
 */
public record GeneratedImage(Image image, String infotext, long seed, long subseed, String prompt, String negativePrompt,
                             int index, int iteration, int batchIndex) {

    /** Writes the image as a PNG with the infotext in its {@code parameters} chunk (as the webui saves it). */
    public void writePng(Path file) throws IOException {
        PngInfotext.write(image, file, infotext, Map.of());
    }
}
