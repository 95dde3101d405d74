package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import jdiffusion.sampler.SamplerCatalog;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sampler of the catalogue runs txt2img and inpainting through the pipeline and names itself in the infotext. */
class SamplerCoverageTest {
    private static final Pipeline PIPELINE = new Pipeline(TinyModels.sd15());

    static Stream<String> samplers() {
        return SamplerCatalog.entries().stream().map(SamplerCatalog.Entry::name);
    }

    @ParameterizedTest
    @MethodSource("samplers")
    void txt2imgAndInpaint(String sampler) {
        // UniPC (order 3) needs at least 3 steps, as in the webui (its assertion "UniPC order must be < sampling steps").
        boolean unipc = sampler.equals("UniPC");
        GenerationSettings gs = GenerationSettings.builder().prompt("a barn").sampler(sampler).steps(unipc ? 3 : 2).seed(11)
                .size(64, 64).rng(RngSource.NV).build();
        TensorRecorder t = new TensorRecorder();
        GenerationResult r = PIPELINE.txt2img(Txt2ImgRequest.of(gs), t, null);
        assertTrue(r.images().getFirst().infotext().contains("Sampler: " + sampler + ","), r.images().getFirst().infotext());
        assertTrue(t.calls() > 0);
        finite(t.get("x_final"));

        Img2ImgSettings s = Img2ImgSettings.builder(Canvas.inpaint(TinyModels.picture(64, 64),
                TinyModels.rectMask(64, 64, 8, 8, 40, 40))).denoisingStrength(0.7).build();
        TensorRecorder i = new TensorRecorder();
        GenerationResult ri = PIPELINE.img2img(new Img2ImgRequest(gs.toBuilder().steps(unipc ? 5 : 3).build(), s), i, null);
        assertEquals(64, ri.images().getFirst().image().width());
        finite(i.get("x_final"));
        // Every denoiser result keeps z0 where nm = 0 (k-diffusion), or every model input does (DDIM/PLMS).
        float[] nm = i.get("latent_mask").toFloatArray();
        float[] z0 = i.get("init_latent").toFloatArray();
        boolean timesteps = SamplerChoice.of(sampler, "Automatic").maskBeforeDenoising();
        int kept = 0;
        for (int k = 0; k < i.calls(); k++) {
            // DDIM/PLMS blend inside the CFG hooks: the traced x is the sampler's state, the model input is blended.
            float[] d = i.get("call." + k + (timesteps ? ".model_x" : ".denoised")).toFloatArray();
            for (int j = 0; j < d.length; j++) {
                if (nm[j % nm.length] == 0f) {
                    assertEquals(z0[j], d[j], 0f, sampler + " call " + k);
                    kept++;
                }
            }
        }
        assertTrue(kept > 0, sampler + ": no kept latent value was checked");
        float[] x = i.get("x_final").toFloatArray();
        for (int j = 0; j < x.length; j++) {
            if (nm[j % nm.length] == 0f) {
                assertEquals(z0[j], x[j], 0f, sampler + " final latent keeps z0");
            }
        }
    }

    private static void finite(Tensor t) {
        for (float v : t.toFloatArray()) {
            assertTrue(Float.isFinite(v), "non-finite latent");
        }
    }
}
