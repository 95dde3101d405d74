package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Locale;
import java.util.stream.Stream;
import jdiffusion.sd.image.ColorCorrection;
import jdiffusion.sd.image.Decode;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.PipelineCase;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ten end-to-end webui runs of {@code testdata/pipeline/} through the public API
 * ({@link Pipeline#img2img}): every recorded latent within the fixture tolerance, the noise exact, the
 * pixels within the ±1-on-0.5 % rule, and the kept pixels bit-identical. Errors are printed per case.
 */
class Img2ImgFixtureTest {
    private static SdModel model;
    private static Pipeline pipeline;

    @BeforeAll
    static void load() throws IOException {
        model = SdModel.load(new CpuBackend(), TestFiles.file("models/tiny-sd15.safetensors"), ModelOptions.defaults(), null);
        pipeline = new Pipeline(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Stream<String> cases() {
        return Stream.of(PipelineCase.NAMES);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void endToEnd(String name) throws IOException {
        try (PipelineCase c = new PipelineCase(name)) {
            TensorRecorder rec = new TensorRecorder();
            GenerationResult r = pipeline.img2img(PipelineFixture.request(c), rec, null);
            assertEquals(1, r.images().size());
            assertEquals(Long.parseLong(c.meta("seed")), r.seeds().getFirst());

            StringBuilder report = new StringBuilder(name + ":");
            double worst = 0;
            for (String t : new String[] {"init_latent_vae", "init_latent", "x_start"}) {
                worst = Math.max(worst, Compare.latent(name + " " + t, c.tensor(t), rec.get(t)));
            }
            Compare.exact(name + " noise", c.tensor("noise"), rec.get("noise"));
            if (c.has("latent_fill_noise")) {
                Compare.exact(name + " latent_fill_noise", c.tensor("latent_fill_noise"), rec.get("latent_fill_noise"));
            }
            Compare.sigmas(name + " sigmas_full", c.tensor("sigmas_full"), rec.get("sigmas_full"));
            Compare.sigmas(name + " sigmas", c.tensor("sigmas"), rec.get("sigmas"));
            int calls = Integer.parseInt(c.meta("n_denoiser_calls"));
            assertEquals(calls, rec.calls(), name + " denoiser calls");
            double callErr = 0;
            for (int k = 0; k < calls; k++) {
                callErr = Math.max(callErr, Compare.latent(name + " call." + k + ".x", c.tensor("call." + k + ".x"),
                        rec.get("call." + k + ".x")));
                callErr = Math.max(callErr, Compare.latent(name + " call." + k + ".denoised",
                        c.tensor("call." + k + ".denoised"), rec.get("call." + k + ".denoised")));
                assertEquals(c.tensor("call." + k + ".sigma").toFloatArray()[0], rec.get("call." + k + ".sigma").toFloatArray()[0],
                        1e-6f, name + " call." + k + ".sigma");
            }
            report.append(String.format(Locale.ROOT, " init/x_start %.2e, calls %.2e", worst, callErr));
            double tail = 0;
            for (String t : new String[] {"x_sampled", "x_final", "decoded"}) {
                tail = Math.max(tail, Compare.latent(name + " " + t, c.tensor(t), rec.get(t)));
            }
            Tensor decoded = rec.get("decoded");
            Image sample = Decode.toImage(decoded.toFloatArray(), decoded.dim(3), decoded.dim(2));
            double sampleFrac = Compare.uint8(name + " sample_uint8", c.image("sample_uint8"), sample);
            Image output = r.images().getFirst().image();
            double outFrac = Compare.uint8(name + " output", c.image("output"), output);
            report.append(String.format(Locale.ROOT, ", x_sampled/x_final/decoded %.2e, sample_uint8 %.4f%%, output %.4f%%",
                    tail, 100 * sampleFrac, 100 * outFrac));
            if (c.hasMask()) {
                Image overlayMask = c.has("soft_mask_for_overlay") ? c.image("soft_mask_for_overlay") : c.image("mask_for_overlay");
                int kept = Compare.keptPixels(name, overlayMask, c.image("init_image_resized"), output);
                report.append(", kept pixels exact: ").append(kept);
                if (!c.has("crop_region")) {
                    // Where the overlay is transparent the output is the (colour-corrected) generated pixel.
                    Image generated = c.has("color_correction_target_lab")
                            ? ColorCorrection.apply(c.image("color_correction_target_lab"), sample) : sample;
                    int gen = Compare.pixelsWhere(name + " generated", overlayMask, 255, generated, output);
                    report.append(", generated pixels exact: ").append(gen);
                    assertTrue(kept + gen > 0, name + ": no pixel is fully kept or fully generated");
                }
            }
            System.out.println(report);
        }
    }
}
