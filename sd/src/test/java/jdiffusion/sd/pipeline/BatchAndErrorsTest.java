package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Batch tab over folders, request validation messages and cancellation. */
class BatchAndErrorsTest {
    private static final Pipeline PIPELINE = new Pipeline(TinyModels.sd15());

    @TempDir
    Path tmp;

    private static GenerationSettings settings() {
        return GenerationSettings.builder().prompt("a barn").sampler("Euler").steps(2).seed(5).size(64, 64)
                .rng(RngSource.CPU).build();
    }

    @Test
    void batchFolderMatchesMasksByStem() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path masks = Files.createDirectories(tmp.resolve("masks"));
        ImageFiles.writePng(TinyModels.picture(64, 64), in.resolve("img10.png"), null);
        ImageFiles.writePng(TinyModels.picture(128, 64), in.resolve("img2.png"), null);
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Files.writeString(in.resolve(".hidden.png"), "hidden");
        ImageFiles.writePng(TinyModels.rectMask(128, 64, 8, 8, 30, 30), masks.resolve("img2.png"), null);
        ImageFiles.writePng(TinyModels.rectMask(64, 64, 8, 8, 30, 30), masks.resolve("other.png"), null);
        Img2ImgRequest template = new Img2ImgRequest(settings(), Img2ImgSettings.builder(Canvas.img2img(TinyModels.picture(8, 8)))
                .denoisingStrength(0.5).scaleBy(1.0).build());
        BatchResult r = PIPELINE.img2imgBatch(template, in, masks, null, null);
        assertEquals(1, r.items().size(), "img10 has no mask of its stem");
        assertEquals("img2", r.items().getFirst().stem());
        assertEquals(masks.resolve("img2.png"), r.items().getFirst().mask());
        Image out = r.items().getFirst().result().images().getFirst().image();
        assertEquals(128, out.width(), "Resize by 1.0 keeps each file's size");
        assertEquals(64, out.height());
        assertTrue(r.items().getFirst().result().images().getFirst().infotext().contains("Mask blur: 4"));
        assertEquals(1, r.skipped().size());
        assertTrue(r.skipped().getFirst().contains("img10.png"), r.skipped().toString());
        // Without a mask folder every image is processed, in natural order (img2 before img10).
        List<String> reported = new java.util.ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void batchItem(BatchResult.Item item) {
                reported.add(item.stem());
            }
        };
        BatchResult all = PIPELINE.img2imgBatch(template, in, null, listener, null);
        assertEquals(List.of("img2", "img10"), all.items().stream().map(BatchResult.Item::stem).toList());
        assertEquals(List.of("img2", "img10"), reported, "each input is reported as soon as it is done");
    }

    @Test
    void validationNamesTheWebuiLabelTheValueAndTheRange() {
        Img2ImgSettings bad = Img2ImgSettings.builder(Canvas.img2img(TinyModels.picture(64, 64))).denoisingStrength(1.3).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PIPELINE.img2img(new Img2ImgRequest(settings(), bad), null, null));
        assertEquals("Denoising strength must be within [0, 1], got 1.3", e.getMessage());
        assertEquals("Sampling steps must be within [1, 150], got 0", assertThrows(IllegalArgumentException.class,
                () -> settings().toBuilder().steps(0).build().validate()).getMessage());
        assertEquals("CFG Scale must be within [1, 30], got 31.5", assertThrows(IllegalArgumentException.class,
                () -> settings().toBuilder().cfgScale(31.5).build().validate()).getMessage());
        assertEquals("Mask blur must be within [0, 64], got 65", assertThrows(IllegalArgumentException.class,
                () -> bad.toBuilder().denoisingStrength(0.5).maskBlur(65).build().validate()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings().toBuilder().sampler("Eulerr").build().validate())
                .getMessage().startsWith("unknown sampler 'Eulerr'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings().toBuilder().scheduler("Karas").build().validate())
                .getMessage().startsWith("unknown schedule type 'Karas'"));
        assertEquals("Upscale by must be within [1, 4], got 5", assertThrows(IllegalArgumentException.class,
                () -> HiresFix.builder().scale(5).build().validate()).getMessage());
        IllegalArgumentException up = assertThrows(IllegalArgumentException.class, () -> PIPELINE.txt2img(
                new Txt2ImgRequest(settings(), HiresFix.builder().upscaler("4x-Missing").build()), null, null));
        assertTrue(up.getMessage().startsWith("unknown upscaler '4x-Missing' (known: None, Lanczos, Nearest"), up.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> PIPELINE.txt2img(
                Txt2ImgRequest.of(settings().toBuilder().size(64, 70).build()), null, null));
        assertEquals("Width and height must be positive multiples of 8, got 64x70", size.getMessage());
        // A multiple of 8 that is not one of 64 runs, as in the webui (skip connections resized in the UNet).
        GeneratedImage odd = PIPELINE.txt2img(Txt2ImgRequest.of(settings().toBuilder().size(64, 72).build()), null, null)
                .images().getFirst();
        assertEquals(64, odd.image().width());
        assertEquals(72, odd.image().height());
        assertEquals("Inpaint needs a mask", assertThrows(IllegalArgumentException.class,
                () -> Canvas.inpaint(TinyModels.picture(8, 8), null)).getMessage());
    }

    @Test
    void cancellationStopsBeforeTheNextDenoiserCallAndKeepsFinishedImages() {
        Cancellation cancel = new Cancellation();
        ProgressListener stopAtSecondBatch = new ProgressListener() {
            @Override
            public void image(GeneratedImage image) {
                cancel.cancel();
            }
        };
        GenerationSettings gs = settings().toBuilder().batchCount(3).build();
        GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                () -> PIPELINE.txt2img(Txt2ImgRequest.of(gs), stopAtSecondBatch, cancel));
        assertEquals(1, e.partial().images().size());
        assertEquals(List.of(5L, 6L, 7L), e.partial().seeds());
    }
}
