package jdiffusion.nn.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Set;
import jdiffusion.loaders.MissingTensorException;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.config.Architecture;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Key conversion (spec §5.2) on the spec's examples and on the full-size SD1.5 / SDXL layouts. */
class LoraKeyMapperTest {

    /** A checkpoint known only by its key names (the full-size manifests). */
    private static TensorSource names(Set<String> keys) {
        return new TensorSource() {
            @Override
            public Set<String> names() {
                return keys;
            }

            @Override
            public Tensor tensor(String name) {
                throw new MissingTensorException("names only", name);
            }

            @Override
            public boolean contains(String name) {
                return keys.contains(name);
            }

            @Override
            public String description() {
                return "names only";
            }
        };
    }

    private static ModuleIndex manifest(String file) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        new ObjectMapper().readTree(Files.readString(Fixtures.file("manifests/" + file))).get("tensors").fieldNames()
                .forEachRemaining(keys::add);
        return ModuleIndex.of(names(keys));
    }

    private static String target(String layerKey, ModuleIndex index) {
        LoraKeyMapper.Resolved r = LoraKeyMapper.resolve(layerKey, index);
        assertNotNull(r, layerKey + " did not resolve");
        return r.layer().weightKey();
    }

    @Test
    void specExamples() {
        assertEquals("diffusion_model_input_blocks_4_1_transformer_blocks_0_attn1_to_q",
                LoraKeyMapper.convert("lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q", false));
        assertEquals("diffusion_model_output_blocks_5_0_in_layers_2", LoraKeyMapper.convert("lora_unet_up_blocks_1_resnets_2_conv1", false));
        assertEquals("diffusion_model_middle_block_2_emb_layers_1",
                LoraKeyMapper.convert("lora_unet_mid_block_resnets_1_time_emb_proj", false));
        assertEquals("1_model_transformer_resblocks_5_mlp_c_fc", LoraKeyMapper.convert("lora_te2_text_model_encoder_layers_5_mlp_fc1", false));
        assertEquals("model_transformer_resblocks_2_attn_out_proj",
                LoraKeyMapper.convert("lora_te_text_model_encoder_layers_2_self_attn_out_proj", true));
        assertEquals("transformer_text_model_encoder_layers_2_self_attn_out_proj",
                LoraKeyMapper.convert("lora_te_text_model_encoder_layers_2_self_attn_out_proj", false));
        assertEquals("lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k",
                LoraKeyMapper.convert("lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k", false), "no rule: unchanged");
    }

    @Test
    void sd15FullSizeLayout() throws IOException {
        ModuleIndex sd15 = manifest("sd15.json");
        assertEquals(Architecture.SD1, sd15.family());
        String u = "model.diffusion_model.";
        assertEquals(u + "input_blocks.0.0.weight", target("lora_unet_conv_in", sd15));
        assertEquals(u + "out.2.weight", target("lora_unet_conv_out", sd15));
        assertEquals(u + "time_embed.0.weight", target("lora_unet_time_embedding_linear_1", sd15));
        assertEquals(u + "time_embed.2.weight", target("lora_unet_time_embedding_linear_2", sd15));
        assertEquals(u + "input_blocks.2.0.out_layers.3.weight", target("lora_unet_down_blocks_0_resnets_1_conv2", sd15));
        assertEquals(u + "input_blocks.1.0.in_layers.0.weight", target("lora_unet_down_blocks_0_resnets_0_norm1", sd15));
        assertEquals(u + "input_blocks.9.0.op.weight", target("lora_unet_down_blocks_2_downsamplers_0_conv", sd15));
        assertEquals(u + "output_blocks.2.1.conv.weight", target("lora_unet_up_blocks_0_upsamplers_0_conv", sd15));
        assertEquals(u + "output_blocks.8.2.conv.weight", target("lora_unet_up_blocks_2_upsamplers_0_conv", sd15));
        assertEquals(u + "output_blocks.11.1.proj_out.weight", target("lora_unet_up_blocks_3_attentions_2_proj_out", sd15));
        assertEquals(u + "output_blocks.3.0.skip_connection.weight", target("lora_unet_up_blocks_1_resnets_0_conv_shortcut", sd15));
        assertEquals(u + "middle_block.1.transformer_blocks.0.ff.net.0.proj.weight",
                target("lora_unet_mid_block_attentions_0_transformer_blocks_0_ff_net_0_proj", sd15));
        assertEquals(u + "input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight",
                target("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", sd15));
        assertEquals("cond_stage_model.transformer.text_model.encoder.layers.11.mlp.fc2.weight",
                target("lora_te_text_model_encoder_layers_11_mlp_fc2", sd15));
        // SD1 networks written with the te1 prefix are matched too
        assertEquals("cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight",
                target("lora_te1_text_model_encoder_layers_0_self_attn_q_proj", sd15));
        assertNull(LoraKeyMapper.resolve("lora_unet_first_stage_model_encoder", sd15), "the VAE is never patched");
    }

    @Test
    void sdxlFullSizeLayout() throws IOException {
        ModuleIndex xl = manifest("sdxl.json");
        assertEquals(Architecture.SDXL, xl.family());
        String u = "model.diffusion_model.";
        assertEquals(u + "input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight",
                target("lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k", xl));
        assertEquals(u + "input_blocks.7.1.transformer_blocks.9.ff.net.2.weight",
                target("lora_unet_input_blocks_7_1_transformer_blocks_9_ff_net_2", xl));
        assertEquals("conditioner.embedders.0.transformer.text_model.encoder.layers.5.self_attn.v_proj.weight",
                target("lora_te1_text_model_encoder_layers_5_self_attn_v_proj", xl));
        LoraKeyMapper.Resolved q = LoraKeyMapper.resolve("lora_te2_text_model_encoder_layers_31_self_attn_q_proj", xl);
        assertTrue(q.fusedProjection());
        assertEquals("1_model_transformer_resblocks_31_attn_q_proj", q.moduleName());
        assertEquals("conditioner.embedders.1.model.transformer.resblocks.31.attn.in_proj_weight", q.layer().weightKey());
        assertEquals("conditioner.embedders.1.model.transformer.resblocks.31.attn.out_proj.weight",
                target("lora_te2_text_model_encoder_layers_31_self_attn_out_proj", xl));
        assertEquals("conditioner.embedders.1.model.transformer.resblocks.0.mlp.c_proj.weight",
                target("lora_te2_text_model_encoder_layers_0_mlp_fc2", xl));
        // diffusers-path names on SDXL: blocks map the same way; the first up block's upsampler sits at index 2
        assertEquals(u + "input_blocks.4.1.transformer_blocks.1.attn1.to_out.0.weight",
                target("lora_unet_down_blocks_1_attentions_0_transformer_blocks_1_attn1_to_out_0", xl));
        assertEquals(u + "output_blocks.2.2.conv.weight", target("lora_unet_up_blocks_0_upsamplers_0_conv", xl));
        assertEquals(u + "label_emb.0.0.weight", target("lora_unet_add_embedding_linear_1", xl));
    }

    @Test
    void tinyFixtureKeysResolveOnTheFullSizeLayoutsToo() throws IOException {
        check("tiny-sd15", manifest("sd15.json"));
        check("tiny-sdxl", manifest("sdxl.json"));
    }

    private static void check(String lora, ModuleIndex index) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("lora/" + lora + ".lora.safetensors"))) {
            for (String key : f.names()) {
                LoraKeyMapper.Split s = LoraKeyMapper.split(key, index.family());
                assertNotNull(LoraKeyMapper.resolve(s.layer(), index), lora + ": " + key);
            }
        }
    }

    @Test
    void diffusersAndPeftKeys() {
        assertEquals(new LoraKeyMapper.Split("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", "lora_down.weight"),
                LoraKeyMapper.split("unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight", Architecture.SD1));
        assertEquals(new LoraKeyMapper.Split("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn2_to_out_0", "lora_up.weight"),
                LoraKeyMapper.split("base_model.model.unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_out.0.lora_B.weight",
                        Architecture.SD1));
        assertEquals(new LoraKeyMapper.Split("lora_unet_up_blocks_1_attentions_2_transformer_blocks_0_attn1_to_out_0", "lora_up.weight"),
                LoraKeyMapper.split("unet.up_blocks.1.attentions.2.transformer_blocks.0.attn1.processor.to_out_lora.up.weight",
                        Architecture.SD1));
        assertEquals(new LoraKeyMapper.Split("lora_te_text_model_encoder_layers_3_self_attn_k_proj", "lora_down.weight"),
                LoraKeyMapper.split("text_encoder.text_model.encoder.layers.3.self_attn.k_proj.lora_linear_layer.down.weight",
                        Architecture.SD1));
        assertEquals(new LoraKeyMapper.Split("lora_te1_text_model_encoder_layers_3_mlp_fc1", "lora_up.weight"),
                LoraKeyMapper.split("text_encoder.text_model.encoder.layers.3.mlp.fc1.lora.up.weight", Architecture.SDXL));
        assertEquals(new LoraKeyMapper.Split("lora_te2_text_model_encoder_layers_3_mlp_fc1", "alpha"),
                LoraKeyMapper.split("text_encoder_2.text_model.encoder.layers.3.mlp.fc1.alpha", Architecture.SDXL));
        assertEquals(new LoraKeyMapper.Split("lora_unet_conv_in", "lora_up.weight"),
                LoraKeyMapper.split("lora_unet_conv_in.lora_up.weight", Architecture.SD1));
        assertEquals(new LoraKeyMapper.Split("lora_unet_x", "hada_w1_a"), LoraKeyMapper.split("lora_unet_x.hada_w1_a", Architecture.SD1));
    }

    @Test
    void sd2TextEncoderUsesFusedAttention() {
        Set<String> keys = Set.of(
                "cond_stage_model.model.transformer.resblocks.3.attn.in_proj_weight",
                "cond_stage_model.model.transformer.resblocks.3.attn.in_proj_bias",
                "cond_stage_model.model.transformer.resblocks.3.attn.out_proj.weight",
                "cond_stage_model.model.transformer.resblocks.3.mlp.c_fc.weight");
        ModuleIndex sd2 = ModuleIndex.of(names(keys));
        assertEquals(Architecture.SD2, sd2.family());
        LoraKeyMapper.Resolved r = LoraKeyMapper.resolve("lora_te_text_model_encoder_layers_3_self_attn_v_proj", sd2);
        assertTrue(r.fusedProjection());
        assertEquals("cond_stage_model.model.transformer.resblocks.3.attn.in_proj_bias", r.layer().biasKey());
        assertEquals("cond_stage_model.model.transformer.resblocks.3.mlp.c_fc.weight",
                target("lora_te_text_model_encoder_layers_3_mlp_fc1", sd2));
    }
}
