package jdiffusion.nn.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdiffusion.loaders.MapTensorSource;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Merge behaviour of {@link LoraOverlay} beyond the fixture: ordering, fused attention, padding, bias, key formats. */
class LoraOverlayTest {
    private static final CpuBackend CPU = new CpuBackend();
    private final Random rnd = new Random(5);

    private Tensor rand(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    private static TensorFile mem(Map<String, Tensor> t, Map<String, String> md) {
        return TensorFiles.of(new MapTensorSource(t, "memory"), md, null);
    }

    private static LoraNetwork net(String name, Map<String, Tensor> t, ModuleIndex index) {
        return LoraNetwork.resolve(name, mem(t, Map.of()), index);
    }

    private static float[] diff(Tensor a, Tensor b) {
        float[] d = new float[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = b.getFlat(i) - a.getFlat(i);
        }
        return d;
    }

    @Test
    void twoNetworksAddUpInOrderAndMultipliersSplitTeAndUnet() {
        String q = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight";
        String t = "cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.weight";
        TensorSource base = new MapTensorSource(Map.of(q, rand(6, 6), t, rand(8, 6)), "base");
        ModuleIndex index = ModuleIndex.of(base);
        String ku = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";
        String kt = "lora_te_text_model_encoder_layers_0_mlp_fc1";
        LoraNetwork a = net("a", Map.of(ku + ".lora_up.weight", rand(6, 2), ku + ".lora_down.weight", rand(2, 6),
                kt + ".lora_up.weight", rand(8, 2), kt + ".lora_down.weight", rand(2, 6)), index);
        LoraNetwork b = net("b", Map.of(ku + ".lora_up.weight", rand(6, 3), ku + ".lora_down.weight", rand(3, 6)), index);
        Tensor only = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(a, 0.3, 0.9, null))).tensor(q);
        Tensor onlyB = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(b, 1, 0.5, null))).tensor(q);
        Tensor both = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(a, 0.3, 0.9, null),
                new LoraOverlay.Active(b, 1, 0.5, null))).tensor(q);
        float[] da = diff(base.tensor(q), only);
        float[] db = diff(base.tensor(q), onlyB);
        float[] dab = diff(base.tensor(q), both);
        for (int i = 0; i < dab.length; i++) {
            assertEquals(da[i] + db[i], dab[i], 1e-5f);
        }
        // te multiplier on the text layer: 0.3 / 0.9 ratio of deltas
        Tensor te3 = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(a, 0.3, 0, null))).tensor(t);
        Tensor te9 = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(a, 0.9, 0, null))).tensor(t);
        float[] d3 = diff(base.tensor(t), te3);
        float[] d9 = diff(base.tensor(t), te9);
        for (int i = 0; i < d3.length; i++) {
            assertEquals(d9[i], 3 * d3[i], 1e-5f);
        }
    }

    @Test
    void fusedAttentionNeedsAllFourDeltas() {
        String in = "conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight";
        String out = "conditioner.embedders.1.model.transformer.resblocks.0.attn.out_proj.weight";
        TensorSource base = new MapTensorSource(Map.of(in, rand(12, 4), out, rand(4, 4),
                "conditioner.embedders.0.transformer.text_model.encoder.layers.0.mlp.fc1.weight", rand(5, 4)), "base");
        ModuleIndex index = ModuleIndex.of(base);
        Map<String, Tensor> parts = new LinkedHashMap<>();
        for (String p : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            String k = "lora_te2_text_model_encoder_layers_0_self_attn_" + p;
            parts.put(k + ".lora_up.weight", rand(4, 2));
            parts.put(k + ".lora_down.weight", rand(2, 4));
        }
        LoraNetwork full = net("full", parts, index);
        LoraOverlay o = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(full, 1, 1, null)));
        Tensor merged = o.tensor(in);
        // rows 4..7 (k) = base + up_k @ down_k
        Tensor upK = parts.get("lora_te2_text_model_encoder_layers_0_self_attn_k_proj.lora_up.weight");
        Tensor dnK = parts.get("lora_te2_text_model_encoder_layers_0_self_attn_k_proj.lora_down.weight");
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                double s = 0;
                for (int k = 0; k < 2; k++) {
                    s += upK.get(r, k) * dnK.get(k, c);
                }
                assertEquals(base.tensor(in).get(4 + r, c) + s, merged.get(4 + r, c), 1e-5);
            }
        }
        assertTrue(o.patchedKeys().contains(out));
        Map<String, Tensor> noOut = new LinkedHashMap<>(parts);
        noOut.keySet().removeIf(k -> k.contains("out_proj"));
        LoraOverlay partial = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net("partial", noOut, index), 1, 1, null)));
        assertTrue(partial.patchedKeys().isEmpty());
        assertEquals(1, partial.warnings().size());
    }

    @Test
    void inpaintingConvInIsPadded() {
        String conv = "model.diffusion_model.input_blocks.0.0.weight";
        TensorSource base = new MapTensorSource(Map.of(conv, rand(5, 9, 3, 3)), "base");
        ModuleIndex index = ModuleIndex.of(base);
        Tensor up = rand(5, 2, 1, 1);
        Tensor down = rand(2, 4, 3, 3);
        LoraNetwork n = net("n", Map.of("lora_unet_conv_in.lora_up.weight", up, "lora_unet_conv_in.lora_down.weight", down), index);
        Tensor m = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(n, 1, 1, null))).tensor(conv);
        for (int o = 0; o < 5; o++) {
            for (int c = 0; c < 9; c++) {
                for (int s = 0; s < 9; s++) {
                    double d = 0;
                    if (c < 4) {
                        for (int k = 0; k < 2; k++) {
                            d += up.getFlat(o * 2 + k) * down.getFlat((k * 4 + c) * 9 + s);
                        }
                    }
                    assertEquals(base.tensor(conv).getFlat((o * 9 + c) * 9 + s) + d, m.getFlat((o * 9 + c) * 9 + s), 1e-5);
                }
            }
        }
    }

    @Test
    void fullNetworkBiasOnALayerWithoutBias() {
        String w = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight";
        TensorSource base = new MapTensorSource(Map.of(w, rand(3, 3)), "base");
        ModuleIndex index = ModuleIndex.of(base);
        String k = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";
        Tensor diffB = rand(3);
        LoraNetwork n = net("f", Map.of(k + ".diff", rand(3, 3), k + ".diff_b", diffB), index);
        LoraOverlay o = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(n, 1, 0.5, null)));
        String b = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.bias";
        assertTrue(o.contains(b) && o.names().contains(b));
        assertArrayEquals(new float[] {diffB.getFlat(0) * 0.5f, diffB.getFlat(1) * 0.5f, diffB.getFlat(2) * 0.5f},
                o.tensor(b).toFloatArray());
    }

    @Test
    void diffusersFormatGivesTheSameMergeAsKohya() throws IOException {
        try (SafetensorsFile base = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"));
             SafetensorsFile kohya = SafetensorsFile.open(Fixtures.file("lora/tiny-sd15.lora.safetensors"))) {
            ModuleIndex index = ModuleIndex.of(base);
            String k = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k";
            String t = "lora_te_text_model_encoder_layers_1_self_attn_q_proj";
            Map<String, Tensor> kohyaParts = new LinkedHashMap<>();
            Map<String, Tensor> diffusers = new LinkedHashMap<>();
            for (String part : new String[] {"lora_up.weight", "lora_down.weight", "alpha"}) {
                kohyaParts.put(k + "." + part, kohya.tensor(k + "." + part));
                kohyaParts.put(t + "." + part, kohya.tensor(t + "." + part));
            }
            String dk = "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.";
            diffusers.put(dk + "lora_B.weight", kohya.tensor(k + ".lora_up.weight"));
            diffusers.put(dk + "lora_A.weight", kohya.tensor(k + ".lora_down.weight"));
            diffusers.put(dk + "alpha", kohya.tensor(k + ".alpha"));
            String dt = "text_encoder.text_model.encoder.layers.1.self_attn.q_proj.";
            diffusers.put(dt + "lora_linear_layer.up.weight", kohya.tensor(t + ".lora_up.weight"));
            diffusers.put(dt + "lora_linear_layer.down.weight", kohya.tensor(t + ".lora_down.weight"));
            diffusers.put(dt + "alpha", kohya.tensor(t + ".alpha"));
            LoraOverlay a = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net("k", kohyaParts, index), 0.7, 0.7, null)));
            LoraOverlay b = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(net("d", diffusers, index), 0.7, 0.7, null)));
            assertEquals(a.patchedKeys(), b.patchedKeys());
            for (String key : a.patchedKeys()) {
                assertArrayEquals(a.tensor(key).toFloatArray(), b.tensor(key).toFloatArray(), key);
            }
        }
    }

    @Test
    void unmatchedKeysAreReportedAndBundledEmbeddingsCollected() {
        String q = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight";
        TensorSource base = new MapTensorSource(Map.of(q, rand(4, 4)), "base");
        ModuleIndex index = ModuleIndex.of(base);
        String k = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";
        LoraNetwork n = net("n", Map.of(k + ".lora_up.weight", rand(4, 1), k + ".lora_down.weight", rand(1, 4),
                "lora_unet_nonexistent_layer.lora_up.weight", rand(2, 1),
                "bundle_emb.myemb.string_to_param.*", rand(2, 8)), index);
        assertEquals(List.of("lora_unet_nonexistent_layer.lora_up.weight"), n.unmatchedKeys());
        assertEquals(Map.of("string_to_param", 2), Map.of("string_to_param",
                n.bundledEmbeddings().get("myemb").get("string_to_param").dim(0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net("none", Map.of("lora_unet_nowhere.lora_up.weight", rand(1, 1)), index));
        assertTrue(e.getMessage().contains("matches none"), e.getMessage());
    }

    @Test
    void aWrongShapeNamesTheModule() {
        String q = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight";
        TensorSource base = new MapTensorSource(Map.of(q, rand(4, 4)), "base");
        ModuleIndex index = ModuleIndex.of(base);
        String k = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";
        LoraNetwork n = net("wrong", Map.of(k + ".lora_up.weight", rand(5, 1), k + ".lora_down.weight", rand(1, 4)), index);
        LoraOverlay o = new LoraOverlay(base, CPU, List.of(new LoraOverlay.Active(n, 1, 1, null)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.tensor(q));
        assertTrue(e.getMessage().contains("wrong") && e.getMessage().contains("attn1_to_q"), e.getMessage());
    }
}
