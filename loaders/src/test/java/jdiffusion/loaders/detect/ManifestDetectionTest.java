package jdiffusion.loaders.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.TestData;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.Prediction;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.loaders.convert.LdmKeyFixes;
import jdiffusion.tensor.Activation;
import org.junit.jupiter.api.Test;

/**
 * Detection on the real-size layouts of SD1.5 and SDXL base (shapes from the manifests, no
 * weights), and on variants derived from them: inpainting, SD2 and refiner layouts, partial and
 * renamed files. Expected values are the published configurations, typed here.
 */
class ManifestDetectionTest {
    static final VaeConfig SD_VAE = new VaeConfig(3, 128, List.of(1, 2, 4, 4), 2, 4, 0.18215f);
    static final TextEncoderConfig CLIP_L = new TextEncoderConfig("cond_stage_model.transformer.text_model.",
            TextEncoderConfig.Layout.HF_CLIP, 49408, 77, 768, 12, 12, 3072, Activation.QUICK_GELU, 0, 1e-5f);

    static Map<String, int[]> sd15Manifest() throws Exception {
        return ShapeOnlySource.manifest(TestData.file("manifests/sd15.json"));
    }

    static Map<String, int[]> sdxlManifest() throws Exception {
        return ShapeOnlySource.manifest(TestData.file("manifests/sdxl.json"));
    }

    static SdDetector.Result detect(Map<String, int[]> shapes) {
        return SdDetector.detect(LdmKeyFixes.apply(new ShapeOnlySource(shapes, "manifest")), Hints.none());
    }

    @Test
    void sd15() throws Exception {
        SdDetector.Result r = detect(sd15Manifest());
        ModelConfig want = new ModelConfig(Architecture.SD1, Prediction.EPSILON,
                new UNetConfig(4, 4, 320, List.of(1, 2, 4, 4), 2, List.of(1, 1, 1, 0), 1, 8, -1, 768, false, 0),
                SD_VAE, List.of(CLIP_L), 1);
        assertEquals(want, r.config());
        assertTrue(r.missing().isEmpty());
        assertEquals(8, r.config().unet().headsFor(640));
    }

    @Test
    void sdxlBase() throws Exception {
        SdDetector.Result r = detect(sdxlManifest());
        ModelConfig want = new ModelConfig(Architecture.SDXL, Prediction.EPSILON,
                new UNetConfig(4, 4, 320, List.of(1, 2, 4), 2, List.of(0, 2, 10), 10, -1, 64, 2048, true, 2816),
                new VaeConfig(3, 128, List.of(1, 2, 4, 4), 2, 4, 0.13025f),
                List.of(new TextEncoderConfig("conditioner.embedders.0.transformer.text_model.", TextEncoderConfig.Layout.HF_CLIP,
                                49408, 77, 768, 12, 12, 3072, Activation.QUICK_GELU, 0, 1e-5f),
                        new TextEncoderConfig("conditioner.embedders.1.model.", TextEncoderConfig.Layout.OPEN_CLIP,
                                49408, 77, 1280, 20, 32, 5120, Activation.GELU, 1280, 1e-5f)), 1);
        assertEquals(want, r.config());
        assertEquals(20, r.config().unet().headsFor(1280));
    }

    @Test
    void inpaintingUNetHasNineInputChannels() throws Exception {
        Map<String, int[]> m = sd15Manifest();
        m.put("model.diffusion_model.input_blocks.0.0.weight", new int[] {320, 9, 3, 3});
        SdDetector.Result r = detect(m);
        assertEquals(9, r.config().unet().inChannels());
        assertTrue(r.config().isInpainting());
        assertEquals(Architecture.SD1, r.config().architecture());
    }

    /** SD 2.x: the SD1 UNet with linear projections and 1024-wide context, and OpenCLIP ViT-H (24 layers). */
    @Test
    void sd2FromOpenClipNames() throws Exception {
        Map<String, int[]> m = sd2();
        SdDetector.Result r = detect(m);
        assertEquals(Architecture.SD2, r.config().architecture());
        assertEquals(new UNetConfig(4, 4, 320, List.of(1, 2, 4, 4), 2, List.of(1, 1, 1, 0), 1, -1, 64, 1024, true, 0),
                r.config().unet());
        assertEquals(List.of(new TextEncoderConfig("cond_stage_model.model.", TextEncoderConfig.Layout.OPEN_CLIP,
                49408, 77, 1024, 16, 24, 4096, Activation.GELU, 0, 1e-5f)), r.config().textEncoders()); // projection unused by SD2
        assertEquals(0.18215f, r.config().vae().scalingFactor());
        assertTrue(r.notes().getLast().contains("parameterization"), r.notes().toString());
        // SD 2.x saved in the sgm layout (SD2-turbo): same model, encoder under conditioner.embedders.0
        Map<String, int[]> sgm = new LinkedHashMap<>();
        m.forEach((k, v) -> sgm.put(k.replace("cond_stage_model.model.", "conditioner.embedders.0.model."), v));
        assertEquals(r.config(), detect(sgm).config());
    }

    static Map<String, int[]> sd2() throws Exception {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (var e : sd15Manifest().entrySet()) {
            String k = e.getKey();
            int[] s = e.getValue();
            if (k.startsWith("cond_stage_model.")) {
                continue;
            }
            if (k.endsWith("attn2.to_k.weight") || k.endsWith("attn2.to_v.weight")) {
                s = new int[] {s[0], 1024};
            }
            if ((k.endsWith("proj_in.weight") || k.endsWith("proj_out.weight")) && s.length == 4) {
                s = new int[] {s[0], s[1]};
            }
            m.put(k, s);
        }
        m.putAll(openClip("cond_stage_model.model.", 1024, 24, 4096, 1024));
        return m;
    }

    static Map<String, int[]> openClip(String p, int w, int layers, int mlp, int proj) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put(p + "token_embedding.weight", new int[] {49408, w});
        m.put(p + "positional_embedding", new int[] {77, w});
        for (int i = 0; i < layers; i++) {
            String b = p + "transformer.resblocks." + i + ".";
            m.put(b + "attn.in_proj_weight", new int[] {3 * w, w});
            m.put(b + "attn.in_proj_bias", new int[] {3 * w});
            m.put(b + "attn.out_proj.weight", new int[] {w, w});
            m.put(b + "ln_1.weight", new int[] {w});
            m.put(b + "ln_2.weight", new int[] {w});
            m.put(b + "mlp.c_fc.weight", new int[] {mlp, w});
            m.put(b + "mlp.c_proj.weight", new int[] {w, mlp});
        }
        m.put(p + "ln_final.weight", new int[] {w});
        m.put(p + "text_projection", new int[] {w, proj});
        return m;
    }

    /** The refiner: OpenCLIP bigG alone at conditioner.embedders.0, context 1280, label_emb 2560. */
    @Test
    void sdxlRefiner() throws Exception {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (var e : sdxlManifest().entrySet()) {
            String k = e.getKey();
            int[] s = e.getValue();
            if (k.startsWith("conditioner.embedders.0.")) {
                continue;
            }
            k = k.replace("conditioner.embedders.1.", "conditioner.embedders.0.");
            if (k.endsWith("attn2.to_k.weight") || k.endsWith("attn2.to_v.weight")) {
                s = new int[] {s[0], 1280};
            }
            if (k.equals("model.diffusion_model.label_emb.0.0.weight")) {
                s = new int[] {s[0], 2560};
            }
            m.put(k, s);
        }
        SdDetector.Result r = detect(m);
        assertEquals(Architecture.SDXL_REFINER, r.config().architecture());
        assertEquals(1280, r.config().unet().contextDim());
        assertEquals(2560, r.config().unet().admInChannels());
        assertEquals("conditioner.embedders.0.model.", r.config().textEncoders().getFirst().prefix());
        assertEquals(0.13025f, r.config().vae().scalingFactor());
    }

    /** A UNet-only SDXL file: family from the UNet, standard shapes for what is missing. */
    @Test
    void unetOnlyFile() throws Exception {
        Map<String, int[]> m = new LinkedHashMap<>();
        sdxlManifest().forEach((k, v) -> {
            if (k.startsWith("model.diffusion_model.")) {
                m.put(k, v);
            }
        });
        SdDetector.Result r = detect(m);
        assertEquals(Architecture.SDXL, r.config().architecture());
        assertEquals(Set.of(SdDetector.Component.VAE, SdDetector.Component.TEXT_ENCODERS), r.missing());
        assertEquals(detect(sdxlManifest()).config(), r.config()); // the standard shapes are the real ones
    }

    /** Optional keys absent, EMA copies and old transformers naming are tolerated. */
    @Test
    void realWorldVariationsDetectTheSame() throws Exception {
        ModelConfig want = detect(sd15Manifest()).config();
        Map<String, int[]> m = new LinkedHashMap<>();
        sd15Manifest().forEach((k, v) -> {
            if (!k.contains("position_ids") && k.contains(".")) { // no position_ids, no DDPM buffers
                m.put(k.replace("cond_stage_model.transformer.text_model.", "cond_stage_model.transformer."), v);
            }
        });
        m.put("model_ema.decay", new int[] {});
        m.put("model_ema.diffusion_modelinput_blocks00weight", new int[] {320, 4, 3, 3});
        TensorSource fixed = LdmKeyFixes.apply(new ShapeOnlySource(m, "old"));
        assertTrue(fixed.contains("cond_stage_model.transformer.text_model.final_layer_norm.weight"));
        assertEquals(want, SdDetector.detect(fixed, Hints.none()).config());
    }

    @Test
    void hintsDecidePredictionAndScale() throws Exception {
        Hints v = new Hints(Optional.of(Prediction.V_PREDICTION), "test", Optional.of(0.5f));
        SdDetector.Result r = SdDetector.detect(new ShapeOnlySource(sd2(), "m"), v);
        assertEquals(Prediction.V_PREDICTION, r.config().prediction());
        assertEquals(0.5f, r.config().vae().scalingFactor());
    }

    @Test
    void inconsistentLayoutsAreClearErrors() throws Exception {
        Map<String, int[]> deeper = sdxlManifest();
        deeper.put("model.diffusion_model.input_blocks.8.1.transformer_blocks.10.attn1.to_q.weight", new int[] {1280, 1280});
        assertMessage(deeper, "input block 8 has 1280 channels and 11 transformer blocks; its level has 1280 and 10");

        Map<String, int[]> noText2 = new LinkedHashMap<>(sdxlManifest());
        noText2.keySet().removeIf(k -> k.startsWith("conditioner.embedders.1."));
        assertMessage(noText2, "only one of its two text encoders");

        Map<String, int[]> wrongContext = sd15Manifest();
        wrongContext.put("cond_stage_model.transformer.text_model.embeddings.token_embedding.weight", new int[] {49408, 1024});
        wrongContext.put("cond_stage_model.transformer.text_model.embeddings.position_embedding.weight", new int[] {77, 1024});
        assertMessage(wrongContext, "context width 768 does not match the text encoders' output width 1024");

        Map<String, int[]> gap = sd15Manifest();
        gap.keySet().removeIf(k -> k.startsWith("model.diffusion_model.output_blocks.4."));
        assertMessage(gap, "numbered");

        Map<String, int[]> unclip = sd2();
        unclip.put("model.diffusion_model.label_emb.0.0.weight", new int[] {1280, 1024});
        assertMessage(unclip, "unCLIP");
    }

    static void assertMessage(Map<String, int[]> m, String part) {
        var e = assertThrows(ModelFormatException.class, () -> detect(m));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(e.getMessage().startsWith("manifest"), e.getMessage());
    }
}
