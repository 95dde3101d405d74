package jdiffusion.sd.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.loaders.safetensors.SafetensorsWriter;
import jdiffusion.sampler.rng.RngSource;
import jdiffusion.sd.conditioning.ConditioningOptions;
import jdiffusion.sd.models.ModelsFolder;
import jdiffusion.sd.prompt.ScheduleOptions;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA tags, textual-inversion embeddings and prompt editing through the pipeline, with a models folder. */
class NetworksAndPromptsTest {
    @TempDir
    static Path folder;
    private static SdModel model;
    private static Pipeline pipeline;
    private static Path embedding;

    @BeforeAll
    static void load() throws IOException {
        Files.createDirectories(folder.resolve("Lora"));
        Files.createDirectories(folder.resolve("embeddings"));
        Files.copy(TestFiles.file("lora/tiny-sd15.lora.safetensors"), folder.resolve("Lora/tiny-lora.safetensors"));
        float[] v = new float[2 * 64];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.3f;
        }
        embedding = folder.resolve("embeddings/myemb.safetensors");
        SafetensorsWriter.writeF32(embedding, Map.of("emb_params", Tensor.of(v, 2, 64)), Map.of());
        model = SdModel.load(new CpuBackend(), TestFiles.file("models/tiny-sd15.safetensors"),
                ModelOptions.defaults().withModelsFolder(new ModelsFolder(folder)), null);
        pipeline = new Pipeline(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationSettings.Builder settings(String prompt) {
        return GenerationSettings.builder().prompt(prompt).sampler("Euler").steps(4).seed(3).size(64, 64).rng(RngSource.CPU);
    }

    private static TensorRecorder run(GenerationSettings gs) {
        TensorRecorder rec = new TensorRecorder();
        GenerationResult r = pipeline.txt2img(Txt2ImgRequest.of(gs), rec, null);
        rec.info = r.images().getFirst().infotext();
        rec.output = r.images().getFirst().image();
        rec.result = r;
        return rec;
    }

    @Test
    void loraTagMergesTheNetworkForThisGenerationOnly() throws IOException {
        String prompt = "a photograph of an astronaut riding a horse";
        TensorRecorder base = run(settings(prompt).build());
        TensorRecorder lora = run(settings(prompt + " <lora:tiny-lora:0.7> <lora:missing:1>").build());
        // The text encoder with the LoRA merged at 0.7 against PyTorch (diffusers/peft merge) within the golden tolerance.
        try (SafetensorsFile g = SafetensorsFile.open(TestFiles.file("lora/tiny-sd15.lora_merged.safetensors"))) {
            float[] golden = g.tensor("te.last_hidden_state").toF32().slice(0, 1).copy().toFloatArray();
            float[] cond = lora.get("cond").toFloatArray();
            double err = 0;
            for (int i = 0; i < golden.length; i++) {
                err = Math.max(err, Math.abs(golden[i] - cond[i]));
            }
            System.out.printf("LoRA text encoder through the pipeline: max|err| %.3g (tolerance 3.46e-4)%n", err);
            assertTrue(err <= 3.46e-4, "LoRA-merged conditioning error " + err);
        }
        assertFalse(lora.output.sameAs(base.output), "the LoRA changes the picture");
        assertTrue(lora.info.startsWith(prompt + " <lora:tiny-lora:0.7> <lora:missing:1>\n"), "the infotext keeps the tags");
        assertTrue(lora.info.contains("Lora hashes: \"tiny-lora: 0b6107782408\""), lora.info);
        assertEquals(List.of("Lora not found: missing"), lora.result.warnings());
        Compare.uint8("without the tag the base weights are back", base.output, run(settings(prompt).build()).output);
    }

    @Test
    void embeddingFromTheModelsFolderIsUsedAndHashed() throws Exception {
        TensorRecorder plain = run(settings("a barn").build());
        TensorRecorder ti = run(settings("a myemb barn").negativePrompt("myemb").build());
        assertFalse(ti.output.sameAs(plain.output));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(embedding)));
        assertTrue(ti.info.contains("TI hashes: \"myemb: " + sha.substring(0, 12) + "\""), ti.info);
    }

    @Test
    void promptEditingSwitchesTheConditioningAtItsStep() {
        TextStage text = new TextStage(model, ConditioningOptions.defaults(), false);
        PromptConds conds = text.encode(List.of("[a cat:a dog:2]"), List.of(""), ScheduleOptions.of(4), 64, 64).conds();
        float[][] c = new float[4][];
        for (int step = 0; step < 4; step++) {
            c[step] = conds.cond(step).getFirst().getFirst().cond().crossattn().toFloatArray();
        }
        assertArrayEquals(c[0], c[1], 0f);
        assertArrayEquals(c[0], c[2], 0f, "'a cat' through denoiser call 2 (step <= 2)");
        assertFalse(java.util.Arrays.equals(c[0], c[3]), "'a dog' from call 3");
        float[] cat = text.encode(List.of("a cat"), List.of(""), ScheduleOptions.of(4), 64, 64).conds().cond(0)
                .getFirst().getFirst().cond().crossattn().toFloatArray();
        float[] dog = text.encode(List.of("a dog"), List.of(""), ScheduleOptions.of(4), 64, 64).conds().cond(0)
                .getFirst().getFirst().cond().crossattn().toFloatArray();
        assertArrayEquals(cat, c[0], 1e-5f);
        assertArrayEquals(dog, c[3], 1e-5f);
        // The denoiser counts its calls: a txt2img with Euler asks for calls 0..3.
        TensorRecorder rec = run(settings("[a cat:a dog:2]").build());
        assertEquals(4, rec.calls());
    }
}
