package jdiffusion.loaders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.loaders.config.EsrganConfig;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.Prediction;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.tensor.Activation;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point on every fixture: the tiny checkpoints, the diffusers folder, VAEs, ESRGANs, sidecars. */
class ModelLoaderTest {

    static JsonNode configJson(String model) throws Exception {
        return new ObjectMapper().readTree(TestData.file("models/" + model + ".config.json").toFile());
    }

    static List<Integer> ints(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asInt()));
        return out;
    }

    /** The detected configuration agrees with the diffusers/transformers configs the tiny models were built from. */
    static void assertMatchesDiffusersConfig(ModelConfig c, JsonNode cfg, boolean sdxl) {
        JsonNode u = cfg.get("unet");
        List<Integer> widths = ints(u.get("block_out_channels"));
        assertEquals(u.get("in_channels").asInt(), c.unet().inChannels());
        assertEquals(u.get("out_channels").asInt(), c.unet().outChannels());
        assertEquals(widths.getFirst(), c.unet().modelChannels());
        assertEquals(widths.stream().map(w -> w / widths.getFirst()).toList(), c.unet().channelMult());
        assertEquals(u.get("layers_per_block").asInt(), c.unet().numResBlocks());
        assertEquals(u.get("cross_attention_dim").asInt(), c.unet().contextDim());
        assertEquals(u.get("use_linear_projection").asBoolean(), c.unet().linearProjection());
        for (int level = 0; level < widths.size(); level++) {
            boolean attention = u.get("down_block_types").get(level).asText().startsWith("CrossAttn");
            JsonNode depth = u.get("transformer_layers_per_block");
            int want = !attention ? 0 : depth == null ? 1 : depth.get(level).asInt();
            assertEquals(want, c.unet().transformerDepth().get(level), "depth of level " + level);
            // diffusers' attention_head_dim is the number of heads (per level, or one number)
            JsonNode heads = u.get("attention_head_dim");
            int wantHeads = heads.isArray() ? heads.get(level).asInt() : heads.asInt();
            assertEquals(wantHeads, c.unet().headsFor(widths.get(level)), "heads of level " + level);
        }
        JsonNode depth = u.get("transformer_layers_per_block");
        assertEquals(depth == null ? 1 : depth.get(depth.size() - 1).asInt(), c.unet().transformerDepthMiddle());
        JsonNode adm = u.get("projection_class_embeddings_input_dim");
        assertEquals(adm == null ? 0 : adm.asInt(), c.unet().admInChannels());

        JsonNode v = cfg.get("vae");
        List<Integer> vw = ints(v.get("block_out_channels"));
        assertEquals(new VaeConfig(v.get("in_channels").asInt(), vw.getFirst(), vw.stream().map(w -> w / vw.getFirst()).toList(),
                v.get("layers_per_block").asInt(), v.get("latent_channels").asInt(), (float) v.get("scaling_factor").asDouble()), c.vae());

        List<String> encoders = sdxl ? List.of("text_encoder", "text_encoder_2") : List.of("text_encoder");
        assertEquals(encoders.size(), c.textEncoders().size());
        for (int i = 0; i < encoders.size(); i++) {
            JsonNode t = cfg.get(encoders.get(i));
            TextEncoderConfig e = c.textEncoders().get(i);
            assertEquals(t.get("vocab_size").asInt(), e.vocabSize());
            assertEquals(t.get("max_position_embeddings").asInt(), e.maxPositions());
            assertEquals(t.get("hidden_size").asInt(), e.width());
            assertEquals(t.get("num_attention_heads").asInt(), e.heads());
            assertEquals(t.get("num_hidden_layers").asInt(), e.layers());
            assertEquals(t.get("intermediate_size").asInt(), e.mlpWidth());
            assertEquals(t.get("hidden_act").asText().equals("quick_gelu") ? Activation.QUICK_GELU : Activation.GELU, e.activation());
            assertEquals((float) t.get("layer_norm_eps").asDouble(), e.eps());
            // only OpenCLIP (SDXL encoder 2) carries its projection in the LDM layout
            assertEquals(i == 1 ? t.get("projection_dim").asInt() : 0, e.projectionDim());
        }
    }

    @Test
    void tinySd15SingleFile() throws Exception {
        try (LoadedModel m = ModelLoader.open(TestData.file("models/tiny-sd15.safetensors"))) {
            assertEquals(WeightFiles.Format.SAFETENSORS, m.format());
            ModelConfig c = m.config();
            assertEquals(Architecture.SD1, c.architecture());
            assertEquals(8, c.unet().numHeads());
            assertEquals(64, c.unet().contextDim());
            assertEquals(TextEncoderConfig.Layout.HF_CLIP, c.textEncoders().getFirst().layout());
            assertEquals("cond_stage_model.transformer.text_model.", c.textEncoders().getFirst().prefix());
            assertEquals(Prediction.EPSILON, c.prediction());
            assertEquals(1, c.clipSkip());
            assertMatchesDiffusersConfig(c, configJson("tiny-sd15"), false);
        }
    }

    @Test
    void tinySdxlSingleFile() throws Exception {
        try (LoadedModel m = ModelLoader.open(TestData.file("models/tiny-sdxl.safetensors"))) {
            ModelConfig c = m.config();
            assertEquals(Architecture.SDXL, c.architecture());
            assertEquals(64, c.unet().headDim());
            assertEquals(List.of(0, 1, 2), c.unet().transformerDepth());
            assertEquals(2, c.unet().transformerDepthMiddle());
            assertEquals(1600, c.unet().admInChannels());
            assertEquals(0.13025f, c.vae().scalingFactor());
            assertEquals("conditioner.embedders.1.model.", c.textEncoders().get(1).prefix());
            assertMatchesDiffusersConfig(c, configJson("tiny-sdxl"), true);
        }
    }

    @Test
    void diffusersFolderGivesTheSameModel() throws Exception {
        try (LoadedModel folder = ModelLoader.open(TestData.file("models/tiny-sd15-diffusers"));
             LoadedModel single = ModelLoader.open(TestData.file("models/tiny-sd15.safetensors"))) {
            assertEquals(WeightFiles.Format.DIFFUSERS_FOLDER, folder.format());
            assertEquals(single.config(), folder.config());
            assertTrue(folder.notes().getFirst().contains("diffusers.scheduler.prediction_type"), folder.notes().toString());
            String q = "first_stage_model.decoder.mid.attn_1.q.weight";
            assertArrayEquals(single.weights().tensor(q).toFloatArray(), folder.weights().tensor(q).toFloatArray());
        }
    }

    /** Single files with diffusers names: components prefixed unet./vae./text_encoder., as one safetensors. */
    @Test
    void singleFileWithDiffusersNames(@TempDir Path dir) throws Exception {
        Path folder = TestData.file("models/tiny-sd15-diffusers");
        List<SafetensorsWriter.Item> items = new ArrayList<>();
        List<SafetensorsFile> open = new ArrayList<>();
        try {
            for (var c : Map.of("unet", "unet/diffusion_pytorch_model.safetensors", "vae", "vae/diffusion_pytorch_model.safetensors",
                    "text_encoder", "text_encoder/model.safetensors").entrySet()) {
                SafetensorsFile f = SafetensorsFile.open(folder.resolve(c.getValue()));
                open.add(f);
                for (String n : f.names()) {
                    Tensor t = f.tensor(n);
                    if (t.dtype() == DType.F16) {
                        items.add(new SafetensorsWriter.Item(c.getKey() + "." + n, t, DType.F16));
                    }
                }
            }
            SafetensorsWriter.write(dir.resolve("combined.safetensors"), items, Map.of(), false);
        } finally {
            open.forEach(SafetensorsFile::close);
        }
        try (LoadedModel m = ModelLoader.open(dir.resolve("combined.safetensors"));
             LoadedModel single = ModelLoader.open(TestData.file("models/tiny-sd15.safetensors"))) {
            assertEquals(single.config(), m.config());
            String w = "model.diffusion_model.output_blocks.5.2.conv.weight"; // an upsampler after an attention block
            assertArrayEquals(single.weights().tensor(w).toFloatArray(), m.weights().tensor(w).toFloatArray());
        }
    }

    @Test
    void sidecarYamlAndOverrideDecidePrediction(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("model.safetensors");
        Files.copy(TestData.file("models/tiny-sd15.safetensors"), ckpt);
        Files.writeString(dir.resolve("model.yaml"), """
                model:
                  target: ldm.models.diffusion.ddpm.LatentDiffusion
                  params:
                    parameterization: "v"
                    scale_factor: 0.5
                """);
        try (LoadedModel m = ModelLoader.open(ckpt)) {
            assertEquals(Prediction.V_PREDICTION, m.config().prediction());
            assertEquals(0.5f, m.config().vae().scalingFactor());
            assertTrue(m.notes().toString().contains("model.yaml"), m.notes().toString());
        }
        try (LoadedModel m = ModelLoader.open(ckpt, LoadOptions.defaults().withPrediction(Prediction.EPSILON))) {
            assertEquals(Prediction.EPSILON, m.config().prediction());
        }
        Files.writeString(dir.resolve("model.yaml"), "    parameterization: x0\n");
        var e = assertThrows(ModelFormatException.class, () -> ModelLoader.open(ckpt));
        assertTrue(e.getMessage().contains("'x0' is not supported"), e.getMessage());
    }

    @Test
    void metadataDecidesPrediction(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("m.safetensors");
        try (SafetensorsFile src = SafetensorsFile.open(TestData.file("models/tiny-sdxl.safetensors"))) {
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            for (String n : src.names()) {
                Tensor t = src.tensor(n);
                if (t.dtype() == DType.F16) {
                    items.add(new SafetensorsWriter.Item(n, t, DType.F16));
                }
            }
            SafetensorsWriter.write(p, items, Map.of("modelspec.prediction_type", "v"), false);
        }
        try (LoadedModel m = ModelLoader.open(p)) {
            assertEquals(Prediction.V_PREDICTION, m.config().prediction());
            assertEquals("v", m.metadata().get("modelspec.prediction_type"));
        }
    }

    /** A VAE on its own: LDM names without a prefix (as vae-ft-mse files), or a diffusers vae/ folder. */
    @Test
    void standaloneVaes(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("vae.safetensors");
        try (SafetensorsFile src = SafetensorsFile.open(TestData.file("models/tiny-sd15.safetensors"))) {
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            for (String n : src.names()) {
                if (n.startsWith("first_stage_model.")) {
                    items.add(new SafetensorsWriter.Item(n.substring("first_stage_model.".length()), src.tensor(n), DType.F16));
                }
            }
            SafetensorsWriter.write(p, items, Map.of(), false);
        }
        VaeConfig want = new VaeConfig(3, 32, List.of(1, 2, 2, 2), 2, 4, 0.18215f);
        try (LoadedModel file = ModelLoader.open(p);
             LoadedModel folder = ModelLoader.open(TestData.file("models/tiny-sd15-diffusers/vae"));
             LoadedModel single = ModelLoader.open(TestData.file("models/tiny-sd15.safetensors"))) {
            for (LoadedModel m : List.of(file, folder)) {
                LoadedModel.Vae vae = assertInstanceOf(LoadedModel.Vae.class, m.kind());
                assertEquals(want, vae.config());
                for (String n : List.of("first_stage_model.encoder.conv_in.weight", "first_stage_model.decoder.mid.attn_1.proj_out.weight",
                        "first_stage_model.decoder.up.0.block.2.conv2.bias")) {
                    assertArrayEquals(single.weights().tensor(n).toFloatArray(), m.weights().tensor(n).toFloatArray(), n);
                }
                var e = assertThrows(ModelFormatException.class, m::config);
                assertTrue(e.getMessage().contains("not a Stable Diffusion checkpoint"));
            }
        }
    }

    @Test
    void esrganVariants() throws Exception {
        EsrganConfig x4 = new EsrganConfig(EsrganConfig.Layout.BASICSR, 3, 3, 16, 2, 8, 2, 1);
        try (LoadedModel pth = ModelLoader.open(TestData.file("torch/tiny-esrgan-x4.pth"));
             LoadedModel st = ModelLoader.open(TestData.file("torch/tiny-esrgan-x4.safetensors"));
             LoadedModel old = ModelLoader.open(TestData.file("torch/tiny-esrgan-x4-oldkeys.pth"));
             LoadedModel x2 = ModelLoader.open(TestData.file("torch/tiny-esrgan-x2.pth"))) {
            assertEquals(new LoadedModel.Esrgan(x4), pth.kind());
            assertEquals(new LoadedModel.Esrgan(x4), st.kind());
            assertEquals(4, x4.scale());
            assertEquals(new LoadedModel.Esrgan(new EsrganConfig(EsrganConfig.Layout.ESRGAN_SEQUENTIAL, 3, 3, 16, 2, 8, 2, 1)), old.kind());
            EsrganConfig c2 = ((LoadedModel.Esrgan) x2.kind()).config();
            assertEquals(new EsrganConfig(EsrganConfig.Layout.BASICSR, 12, 3, 16, 1, 8, 2, 2), c2);
            assertEquals(2, c2.scale());
            // the old-key file holds the same weights under the same internal names
            assertEquals(pth.weights().names().stream().sorted().toList(), old.weights().names().stream().sorted().toList());
            for (String n : pth.weights().names()) {
                assertArrayEquals(pth.weights().tensor(n).toFloatArray(), old.weights().tensor(n).toFloatArray(), n);
            }
            assertEquals(WeightFiles.Format.TORCH_ZIP, pth.format());
        }
    }

    @Test
    void legacyPickleCheckpointOpens(@TempDir Path dir) throws Exception {
        // a .ckpt that is not a model: a clear error listing what it holds
        var e = assertThrows(ModelFormatException.class, () -> ModelLoader.open(TestData.file("torch/state_dict_legacy.ckpt")));
        assertTrue(e.getMessage().contains("not a recognised model"), e.getMessage());
        assertTrue(e.getMessage().contains("14 tensors: base (1), bf16.weight (1)"), e.getMessage());
    }

    @Test
    void missingAndForeignFiles(@TempDir Path dir) throws Exception {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelLoader.open(dir.resolve("nope.safetensors")));
        Path txt = dir.resolve("notes.ckpt");
        Files.writeString(txt, "hello, not a model");
        var e = assertThrows(ModelFormatException.class, () -> ModelLoader.open(txt));
        assertTrue(e.getMessage().contains("unrecognised weights format"), e.getMessage());
        Path empty = dir.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        assertThrows(ModelFormatException.class, () -> ModelLoader.open(empty));
        Path emptyFolder = Files.createDirectory(dir.resolve("folder"));
        var folder = assertThrows(ModelFormatException.class, () -> ModelLoader.open(emptyFolder));
        assertTrue(folder.getMessage().contains("no weights"), folder.getMessage());
        byte[] tar = new byte[1024];
        System.arraycopy("sys_info".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, tar, 0, 8);
        System.arraycopy("ustar".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, tar, 257, 5);
        Path old = dir.resolve("old.pth");
        Files.write(old, tar);
        var t = assertThrows(ModelFormatException.class, () -> ModelLoader.open(old));
        assertTrue(t.getMessage().contains("tar checkpoint format (before 0.4) is not supported"), t.getMessage());
        var evil = assertThrows(ModelFormatException.class, () -> ModelLoader.open(TestData.file("pickles/malicious_os_system.ckpt")));
        assertTrue(evil.getMessage().contains("posix.system"), evil.getMessage());
    }

    @Test
    void unetWithoutTextEncodersOfUnknownWidthIsAClearError(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("unet-and-vae.safetensors");
        try (SafetensorsFile src = SafetensorsFile.open(TestData.file("models/tiny-sdxl.safetensors"))) {
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            for (String n : src.names()) {
                if (n.startsWith("model.diffusion_model.") || n.startsWith("first_stage_model.")) {
                    items.add(new SafetensorsWriter.Item(n, src.tensor(n), DType.F16));
                }
            }
            SafetensorsWriter.write(p, items, Map.of(), false);
        }
        // tiny context width 128 is no known family without the text encoders
        var e = assertThrows(ModelFormatException.class, () -> ModelLoader.open(p));
        assertTrue(e.getMessage().contains("context width 128"), e.getMessage());
    }
}
