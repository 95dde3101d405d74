package jdiffusion.sd.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.nn.KnownConfigs;
import jdiffusion.nn.SdNetworks;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.sd.prompt.ScheduleOptions;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Prompt → conditioning with the real tiny text encoders, against the PyTorch goldens: token ids
 * exactly, hidden states within the goldens' {@code tolerance_abs}. The measured errors are printed.
 */
class ConditioningParityTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static double tolerance(SafetensorsFile golden, String name) throws IOException {
        JsonNode t = new ObjectMapper().readTree(golden.metadata().get("tolerance_abs"));
        return t.get(name).asDouble();
    }

    private static List<String> prompts(SafetensorsFile golden) throws IOException {
        List<String> out = new ArrayList<>();
        new ObjectMapper().readTree(golden.metadata().get("prompts")).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** max |a − b| over the [77, C] rows of text {@code row} of b ([B, 77, C]) against a ([77, C']) channels [c0, c0 + C). */
    private static double maxDiff(Tensor cond, int c0, Tensor golden, int row) {
        int t = golden.dim(1);
        int c = golden.dim(2);
        double m = 0;
        for (int p = 0; p < t; p++) {
            for (int k = 0; k < c; k++) {
                m = Math.max(m, Math.abs(cond.get(p, c0 + k) - golden.get(row, p, k)));
            }
        }
        return m;
    }

    private static void check(String what, double err, double tol) {
        System.out.printf("%s: max|err| %.3g (tolerance %.3g)%n", what, err, tol);
        assertTrue(err <= tol, what + ": " + err + " > " + tol);
    }

    @Test
    void sd15PipelinePromptAndNegative() throws IOException {
        try (SafetensorsFile ckpt = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"));
             SafetensorsFile g = SafetensorsFile.open(Fixtures.file("pipeline/img2img_euler_a.safetensors"));
             SafetensorsFile te = SafetensorsFile.open(Fixtures.file("goldens/tiny-sd15/text_encoder.pad_eos.safetensors"))) {
            SdNetworks nets = SdNetworks.load(CPU, ckpt, KnownConfigs.tinySd15());
            SdConditioner c = (SdConditioner) Conditioners.of(CPU, nets, Conditioners.embeddingDatabase(nets),
                    ConditioningOptions.defaults());
            PromptConditioning pc = new PromptConditioning(c);
            String prompt = g.metadata().get("prompt");
            String negative = g.metadata().get("negative_prompt");
            assertEquals(1, tokens(c, prompt).size());
            assertArrayEquals(toInts(g.tensor("cond_ids")), tokens(c, prompt).getFirst());
            assertArrayEquals(toInts(g.tensor("uncond_ids")), tokens(c, negative).getFirst());
            double tol = tolerance(te, "last_hidden_state");
            Tensor cond = pc.positive(List.of(prompt), ScheduleOptions.of(10), 128, 64).at(0).conds().crossattn();
            Tensor uncond = pc.negative(List.of(negative), ScheduleOptions.of(10), 128, 64).at(0).crossattn();
            check("tiny-sd15 cond", maxDiff(cond.reshape(77, 64), 0, g.tensor("cond").toF32(), 0), tol);
            check("tiny-sd15 uncond", maxDiff(uncond.reshape(77, 64), 0, g.tensor("uncond").toF32(), 0), tol);
        }
    }

    private static List<int[]> tokens(SdConditioner c, String text) {
        List<int[]> out = new ArrayList<>();
        c.clip().chunk(List.of(text)).getFirst().chunks().forEach(ch -> out.add(ch.tokens()));
        return out;
    }

    private static int[] toInts(Tensor t) {
        int[] a = new int[t.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (int) t.getFlat(i);
        }
        return a;
    }

    @Test
    void sd15GoldenPromptsAndClipSkip() throws IOException {
        try (SafetensorsFile ckpt = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"));
             SafetensorsFile g = SafetensorsFile.open(Fixtures.file("goldens/tiny-sd15/text_encoder.pad_eos.safetensors"))) {
            SdNetworks nets = SdNetworks.load(CPU, ckpt, KnownConfigs.tinySd15());
            List<String> prompts = prompts(g);
            // The goldens tokenized the raw text: emphasis "None" keeps brackets as tokens.
            ConditioningOptions none = ConditioningOptions.defaults().withEmphasis(Emphasis.NONE);
            SdConditioner c = (SdConditioner) Conditioners.of(CPU, nets, Conditioners.embeddingDatabase(nets), none);
            Tensor ids = g.tensor("input_ids");
            for (int b = 0; b < prompts.size(); b++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(toInts(ids), b * 77, b * 77 + 77), tokens(c, prompts.get(b)).getFirst(),
                        prompts.get(b));
            }
            List<Cond> conds = c.encode(prompts, new Conditioner.Request(false, 512, 512));
            double tol = tolerance(g, "last_hidden_state");
            Tensor last = g.tensor("last_hidden_state").toF32();
            double worst = 0;
            for (int b = 0; b < prompts.size(); b++) {
                worst = Math.max(worst, maxDiff(conds.get(b).crossattn(), 0, last, b));
            }
            check("tiny-sd15 last_hidden_state, 4 prompts", worst, tol);

            // Clip skip 2 = final_layer_norm(hidden_states[L - 1]); reference LayerNorm in double on the golden hidden state.
            SdConditioner skip2 = (SdConditioner) Conditioners.of(CPU, nets, Conditioners.embeddingDatabase(nets), none.withClipSkip(2));
            List<Cond> c2 = skip2.encode(prompts, new Conditioner.Request(false, 512, 512));
            Tensor h2 = g.tensor("hidden_states.2").toF32();
            Tensor gamma = ckpt.tensor("cond_stage_model.transformer.text_model.final_layer_norm.weight").toF32();
            Tensor beta = ckpt.tensor("cond_stage_model.transformer.text_model.final_layer_norm.bias").toF32();
            double err = 0;
            for (int b = 0; b < prompts.size(); b++) {
                for (int p = 0; p < 77; p++) {
                    double mean = 0;
                    double var = 0;
                    for (int k = 0; k < 64; k++) {
                        mean += h2.get(b, p, k);
                    }
                    mean /= 64;
                    for (int k = 0; k < 64; k++) {
                        var += Math.pow(h2.get(b, p, k) - mean, 2);
                    }
                    var /= 64;
                    for (int k = 0; k < 64; k++) {
                        double ref = (h2.get(b, p, k) - mean) / Math.sqrt(var + 1e-5) * gamma.getFlat(k) + beta.getFlat(k);
                        err = Math.max(err, Math.abs(ref - c2.get(b).crossattn().get(p, k)));
                    }
                }
            }
            check("tiny-sd15 clip skip 2", err, tol);
        }
    }

    @Test
    void sdxlGoldenPrompts() throws IOException {
        try (SafetensorsFile ckpt = SafetensorsFile.open(Fixtures.file("models/tiny-sdxl.safetensors"));
             SafetensorsFile g1 = SafetensorsFile.open(Fixtures.file("goldens/tiny-sdxl/text_encoder.pad_eos.safetensors"));
             SafetensorsFile g2 = SafetensorsFile.open(Fixtures.file("goldens/tiny-sdxl/text_encoder_2.pad_zero.safetensors"))) {
            SdNetworks nets = SdNetworks.load(CPU, ckpt, KnownConfigs.tinySdxl());
            List<String> prompts = prompts(g1);
            SdxlConditioner c = (SdxlConditioner) Conditioners.of(CPU, nets, Conditioners.embeddingDatabase(nets),
                    ConditioningOptions.defaults().withEmphasis(Emphasis.NONE));
            List<Cond> conds = c.encode(prompts, new Conditioner.Request(false, 1024, 1024));
            Tensor l = g1.tensor("hidden_states.2").toF32();
            Tensor gh = g2.tensor("hidden_states.2").toF32();
            Tensor emb = g2.tensor("text_embeds").toF32();
            double el = 0;
            double eg = 0;
            double ep = 0;
            for (int b = 0; b < prompts.size(); b++) {
                Cond x = conds.get(b);
                assertArrayEquals(new int[] {77, 128}, x.crossattn().shape());
                assertEquals(64 + 6 * 256, x.vector().dim(0));
                el = Math.max(el, maxDiff(x.crossattn(), 0, l, b));
                eg = Math.max(eg, maxDiff(x.crossattn(), 64, gh, b));
                for (int k = 0; k < 64; k++) {
                    ep = Math.max(ep, Math.abs(x.vector().get(k) - emb.get(b, k)));
                }
            }
            check("tiny-sdxl CLIP-L hidden_states.2", el, tolerance(g1, "hidden_states.2"));
            check("tiny-sdxl bigG hidden_states.2 (zero padding)", eg, tolerance(g2, "hidden_states.2"));
            check("tiny-sdxl pooled text_embeds", ep, tolerance(g2, "text_embeds"));
        }
    }

    @Test
    void textualInversionVectorsGoThroughTheRealEncoder() throws IOException {
        try (SafetensorsFile ckpt = SafetensorsFile.open(Fixtures.file("models/tiny-sd15.safetensors"))) {
            SdNetworks nets = SdNetworks.load(CPU, ckpt, KnownConfigs.tinySd15());
            Tensor table = ckpt.tensor("cond_stage_model.transformer.text_model.embeddings.token_embedding.weight");
            // An embedding whose vectors are the token embeddings of "red</w>" and "cat</w>".
            float[] v = new float[2 * 64];
            for (int k = 0; k < 64; k++) {
                v[k] = table.get(736, k);
                v[64 + k] = table.get(2368, k);
            }
            EmbeddingDatabase db = Conditioners.embeddingDatabase(nets);
            assertTrue(db.register(new Embedding("redcatemb", Map.of(Embedding.SINGLE, Tensor.of(v, 2, 64)), null)));
            Conditioner c = Conditioners.of(CPU, nets, db, ConditioningOptions.defaults());
            List<Cond> out = c.encode(List.of("a photo of a redcatemb", "a photo of a red cat"), new Conditioner.Request(false, 512, 512));
            assertArrayEquals(out.get(1).crossattn().toFloatArray(), out.get(0).crossattn().toFloatArray(),
                    "same token embeddings → same hidden states");
            assertEquals(java.util.Set.of("redcatemb"), c.usedEmbeddings(List.of("x, redcatemb", "y")).keySet());
            assertEquals(ClipTokenizer.EOS, 49407);
        }
    }
}
