package jdiffusion.loaders.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.loaders.TestData;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SDXL's OpenCLIP encoder as diffusers stores it (transformers names, separate q/k/v, Linear
 * projection): written here from tiny-sdxl's LDM tensors by splitting in_proj rows and transposing
 * text_projection, then mapped back by {@link ClipTextNames}; every tensor must come back bit for bit.
 */
class OpenClipRoundTripTest {
    private static final String P = "conditioner.embedders.1.model.";
    private static final Pattern LAYER = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.(.+)");
    private static final Map<String, String> PARTS = Map.of("ln_1.", "layer_norm1.", "ln_2.", "layer_norm2.",
            "mlp.c_fc.", "mlp.fc1.", "mlp.c_proj.", "mlp.fc2.", "attn.out_proj.", "self_attn.out_proj.");

    @Test
    void hfNamesMapBackExactly(@TempDir Path dir) throws Exception {
        Path hf = dir.resolve("text_encoder_2.safetensors");
        List<String> ldmNames = new ArrayList<>();
        try (SafetensorsFile ldm = SafetensorsFile.open(TestData.file("models/tiny-sdxl.safetensors"))) {
            List<SafetensorsWriter.Item> items = new ArrayList<>();
            for (String full : ldm.names()) {
                if (!full.startsWith(P) || full.endsWith("logit_scale")) {
                    continue;
                }
                ldmNames.add(full);
                String n = full.substring(P.length());
                Tensor t = ldm.tensor(full);
                Matcher m = LAYER.matcher(n);
                if (n.equals("token_embedding.weight")) {
                    items.add(item("text_model.embeddings.token_embedding.weight", t));
                } else if (n.equals("positional_embedding")) {
                    items.add(item("text_model.embeddings.position_embedding.weight", t));
                } else if (n.startsWith("ln_final.")) {
                    items.add(item("text_model.final_layer_norm." + n.substring("ln_final.".length()), t));
                } else if (n.equals("text_projection")) {
                    float[] v = t.toFloatArray();
                    int a = t.dim(0);
                    int b = t.dim(1);
                    float[] tr = new float[v.length];
                    for (int i = 0; i < a; i++) {
                        for (int j = 0; j < b; j++) {
                            tr[j * a + i] = v[i * b + j];
                        }
                    }
                    items.add(item("text_projection.weight", Tensor.of(tr, b, a)));
                } else if (m.matches()) {
                    String layer = "text_model.encoder.layers." + m.group(1) + ".";
                    String rest = m.group(2);
                    if (rest.startsWith("attn.in_proj_")) {
                        String kind = rest.substring("attn.in_proj_".length());
                        int w = t.dim(0) / 3;
                        String[] qkv = {"q", "k", "v"};
                        for (int s = 0; s < 3; s++) {
                            items.add(item(layer + "self_attn." + qkv[s] + "_proj." + kind, t.slice(s * w, (s + 1) * w)));
                        }
                    } else {
                        String mapped = null;
                        for (var e : PARTS.entrySet()) {
                            if (rest.startsWith(e.getKey())) {
                                mapped = e.getValue() + rest.substring(e.getKey().length());
                            }
                        }
                        items.add(item(layer + mapped, t));
                    }
                } else {
                    throw new AssertionError("unexpected LDM tensor " + full);
                }
            }
            SafetensorsWriter.write(hf, items, Map.of(), false);

            try (SafetensorsFile h = SafetensorsFile.open(hf)) {
                ViewSource.Builder out = ViewSource.builder("hf");
                ClipTextNames.mapOpenClip(h, P, out);
                ViewSource back = out.build();
                assertEquals(new TreeSet<>(ldmNames), new TreeSet<>(back.names()));
                for (String n : ldmNames) {
                    Tensor want = ldm.tensor(n);
                    Tensor got = back.tensor(n);
                    assertArrayEquals(want.shape(), got.shape(), n);
                    assertEquals(DType.F16, got.dtype(), n);
                    assertArrayEquals(want.toFloatArray(), got.toFloatArray(), n);
                }
            }
        }
    }

    private static SafetensorsWriter.Item item(String name, Tensor t) {
        return new SafetensorsWriter.Item(name, t, DType.F16);
    }
}
