package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jdiffusion.sd.image.MaskedContent;
import jdiffusion.sd.image.ResizeMode;
import jdiffusion.sd.pipeline.CanvasMode;
import jdiffusion.sd.pipeline.MaskMode;
import org.junit.jupiter.api.Test;

/** Choice values: our spelling, the webui's label and the API's number all name the same thing. */
class ChoicesTest {
    @Test
    void spellingsLabelsAndNumbers() {
        assertEquals(ResizeMode.CROP_AND_RESIZE, Choices.parse("--resize-mode", "crop-and-resize", Choices.RESIZE));
        assertEquals(ResizeMode.CROP_AND_RESIZE, Choices.parse("--resize-mode", "Crop and resize", Choices.RESIZE));
        assertEquals(ResizeMode.LATENT_UPSCALE, Choices.parse("--resize-mode", "Just resize (latent upscale)", Choices.RESIZE));
        assertEquals(ResizeMode.RESIZE_AND_FILL, Choices.parse("--resize-mode", "2", Choices.RESIZE));
        assertEquals(MaskedContent.LATENT_NOTHING, Choices.parse("--inpainting-fill", "latent nothing", Choices.FILL));
        assertEquals(MaskedContent.FILL, Choices.parse("--inpainting-fill", "0", Choices.FILL), "the API's inpainting_fill 0");
        assertEquals(MaskedContent.ORIGINAL, Choices.parse("--inpainting-fill", "1", Choices.FILL));
        assertEquals(MaskMode.INPAINT_NOT_MASKED, Choices.parse("--mask-mode", "Inpaint not masked", Choices.MASK_MODE));
        assertEquals(CanvasMode.INPAINT_SKETCH, Choices.parse("--mode", "inpaint_sketch", Choices.MODE));
    }

    @Test
    void unknownValueListsTheSpellings() {
        CliException e = assertThrows(CliException.class, () -> Choices.parse("--mask-mode", "both", Choices.MASK_MODE));
        assertEquals("--mask-mode: unknown value 'both' (expected inpaint-masked, inpaint-not-masked, 0, 1)", e.getMessage());
        assertEquals(ExitCodes.USAGE, e.exitCode());
    }
}
