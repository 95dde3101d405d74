package jdiffusion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.config.TextEncoderConfig;
import jdiffusion.loaders.config.UNetConfig;
import jdiffusion.loaders.config.VaeConfig;
import jdiffusion.tensor.Activation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written tiny configurations agree with the diffusers/transformers configs the fixtures
 * were generated from ({@code testdata/models/tiny-*.config.json}; diffusers' attention_head_dim is
 * the number of heads).
 */
class KnownConfigsTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-sd15", "tiny-sdxl"})
    void tinyConfigsMatchTheDiffusersConfigs(String model) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Fixtures.file("models/" + model + ".config.json").toFile());
        ModelConfig cfg = KnownConfigs.byName().get(model);

        JsonNode u = root.get("unet");
        UNetConfig unet = cfg.unet();
        List<Integer> blocks = ints(u.get("block_out_channels"));
        assertEquals(u.get("in_channels").asInt(), unet.inChannels());
        assertEquals(u.get("out_channels").asInt(), unet.outChannels());
        assertEquals(blocks.get(0), unet.modelChannels());
        for (int i = 0; i < blocks.size(); i++) {
            assertEquals(blocks.get(i), unet.modelChannels() * unet.channelMult().get(i), "level " + i);
            boolean attention = u.get("down_block_types").get(i).asText().startsWith("CrossAttn");
            int depth = !attention ? 0 : u.has("transformer_layers_per_block")
                    ? u.get("transformer_layers_per_block").get(i).asInt() : 1;
            assertEquals(depth, unet.transformerDepth().get(i), "depth of level " + i);
            JsonNode heads = u.get("attention_head_dim");
            if (attention) {
                int h = heads.isArray() ? heads.get(i).asInt() : heads.asInt();
                assertEquals(h, unet.headsFor(blocks.get(i)), "heads of level " + i);
            }
        }
        JsonNode tl = u.get("transformer_layers_per_block");
        assertEquals(tl == null ? 1 : tl.get(tl.size() - 1).asInt(), unet.transformerDepthMiddle());
        assertEquals(u.get("layers_per_block").asInt(), unet.numResBlocks());
        assertEquals(u.get("cross_attention_dim").asInt(), unet.contextDim());
        assertEquals(u.get("use_linear_projection").asBoolean(), unet.linearProjection());
        JsonNode adm = u.get("projection_class_embeddings_input_dim");
        assertEquals(adm == null ? 0 : adm.asInt(), unet.admInChannels());

        JsonNode v = root.get("vae");
        VaeConfig vae = cfg.vae();
        List<Integer> vb = ints(v.get("block_out_channels"));
        assertEquals(v.get("in_channels").asInt(), vae.inChannels());
        for (int i = 0; i < vb.size(); i++) {
            assertEquals(vb.get(i), vae.baseChannels() * vae.channelMult().get(i));
        }
        assertEquals(v.get("layers_per_block").asInt(), vae.numResBlocks());
        assertEquals(v.get("latent_channels").asInt(), vae.zChannels());
        assertEquals((float) v.get("scaling_factor").asDouble(), vae.scalingFactor());

        List<String> encoders = model.equals("tiny-sd15") ? List.of("text_encoder") : List.of("text_encoder", "text_encoder_2");
        assertEquals(encoders.size(), cfg.textEncoders().size());
        for (int i = 0; i < encoders.size(); i++) {
            JsonNode t = root.get(encoders.get(i));
            TextEncoderConfig te = cfg.textEncoders().get(i);
            assertEquals(t.get("vocab_size").asInt(), te.vocabSize());
            assertEquals(t.get("max_position_embeddings").asInt(), te.maxPositions());
            assertEquals(t.get("hidden_size").asInt(), te.width());
            assertEquals(t.get("num_attention_heads").asInt(), te.heads());
            assertEquals(t.get("num_hidden_layers").asInt(), te.layers());
            assertEquals(t.get("intermediate_size").asInt(), te.mlpWidth());
            assertEquals(t.get("hidden_act").asText().equals("quick_gelu") ? Activation.QUICK_GELU : Activation.GELU,
                    te.activation());
            assertEquals((float) t.get("layer_norm_eps").asDouble(), te.eps());
            // Only SDXL's second encoder (OpenCLIP bigG) uses its projection.
            assertEquals(i == 1 ? t.get("projection_dim").asInt() : 0, te.projectionDim());
        }
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
