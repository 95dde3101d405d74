package jdiffusion.loaders.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.loaders.FuzzHarness;
import jdiffusion.loaders.TensorSource;
import jdiffusion.loaders.TestData;
import jdiffusion.loaders.config.ModelConfig;
import jdiffusion.loaders.convert.ClipTextNames;
import jdiffusion.loaders.convert.DiffusersUNet;
import jdiffusion.loaders.convert.DiffusersVae;
import jdiffusion.loaders.convert.LdmKeyFixes;
import jdiffusion.loaders.convert.ViewSource;
import jdiffusion.loaders.pickle.TorchCheckpoint;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Detection and key mapping on damaged layouts (tensors removed, renamed, re-indexed, reshaped):
 * a ModelFormatException or a configuration, never an index exception or another RuntimeException.
 */
class DetectionFuzzTest {
    /** A layout and how to run detection on it. */
    record Seed(String kind, Map<String, int[]> shapes) {
    }

    /** A mutated layout. */
    record Case(String kind, Map<String, int[]> shapes) {
    }

    private static final List<Seed> SEEDS = new ArrayList<>();

    @BeforeAll
    static void seeds() throws Exception {
        SEEDS.add(new Seed("ldm", ShapeOnlySource.manifest(TestData.file("manifests/sd15.json"))));
        SEEDS.add(new Seed("ldm", ShapeOnlySource.manifest(TestData.file("manifests/sdxl.json"))));
        SEEDS.add(new Seed("ldm", shapes(TestData.file("models/tiny-sdxl.safetensors").toString())));
        SEEDS.add(new Seed("diffusers-unet", shapes(TestData.file("models/tiny-sd15-diffusers/unet/diffusion_pytorch_model.safetensors").toString())));
        SEEDS.add(new Seed("diffusers-vae", shapes(TestData.file("models/tiny-sd15-diffusers/vae/diffusion_pytorch_model.safetensors").toString())));
        SEEDS.add(new Seed("diffusers-clip", shapes(TestData.file("models/tiny-sd15-diffusers/text_encoder/model.safetensors").toString())));
        for (String f : List.of("torch/tiny-esrgan-x4.pth", "torch/tiny-esrgan-x4-oldkeys.pth")) {
            Map<String, int[]> m = new LinkedHashMap<>();
            try (TorchCheckpoint c = TorchCheckpoint.open(TestData.file(f))) {
                c.tensorRefs().forEach((k, v) -> m.put(k, v.shape()));
            }
            SEEDS.add(new Seed("esrgan", m));
        }
    }

    static Map<String, int[]> shapes(String file) throws Exception {
        Map<String, int[]> m = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(java.nio.file.Path.of(file))) {
            f.entries().forEach((k, v) -> m.put(k, v.shape()));
        }
        return m;
    }

    @Test
    void damagedLayoutsFailCleanly() {
        // each case detects a whole layout (up to 2515 tensors): a fifth of the byte-level campaigns' count
        int iterations = Math.max(200, FuzzHarness.iterations() / 5);
        var stats = FuzzHarness.run("detection", iterations, DetectionFuzzTest::mutate, DetectionFuzzTest::detect, c -> {
            StringBuilder sb = new StringBuilder(c.kind()).append('\n');
            c.shapes().forEach((k, v) -> sb.append(k).append(' ').append(Arrays.toString(v)).append('\n'));
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        });
        System.out.println("detection fuzz: " + stats);
        assertTrue(stats.opened() > 0 && stats.refused() > 0, stats.toString());
    }

    static Case mutate(SplittableRandom r) {
        Seed seed = SEEDS.get(r.nextInt(SEEDS.size()));
        List<String> keys = new ArrayList<>(seed.shapes().keySet());
        Map<String, int[]> m = new LinkedHashMap<>(seed.shapes());
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && !keys.isEmpty(); e++) {
            String k = keys.get(r.nextInt(keys.size()));
            switch (r.nextInt(5)) {
                case 0 -> m.remove(k);
                case 1 -> { // another dimension value or another rank
                    int[] s = m.getOrDefault(k, new int[] {1}).clone();
                    if (s.length == 0 || r.nextInt(4) == 0) {
                        s = Arrays.copyOf(s, Math.max(0, s.length + (r.nextBoolean() ? 1 : -1)));
                        Arrays.fill(s, Math.max(0, s.length - 1), s.length, 1 + r.nextInt(4));
                    } else {
                        s[r.nextInt(s.length)] = r.nextInt(2049);
                    }
                    long n = 1;
                    for (int d : s) {
                        n *= d;
                    }
                    // real files cannot hold a tensor of 2^31 elements (the readers refuse it)
                    m.put(k, n < Integer.MAX_VALUE - 16 ? s : seed.shapes().get(k));
                }
                case 2 -> { // renumber a block index
                    String renamed = k.replaceFirst("\\.\\d+\\.", "." + r.nextInt(40) + ".");
                    m.put(renamed, m.remove(k) == null ? new int[] {1} : seed.shapes().get(k));
                }
                case 3 -> { // graft a name segment from another tensor
                    String other = keys.get(r.nextInt(keys.size()));
                    String[] a = k.split("\\.");
                    String[] b = other.split("\\.");
                    a[r.nextInt(a.length)] = b[r.nextInt(b.length)];
                    m.put(String.join(".", a), seed.shapes().get(k));
                }
                default -> m.put(k + (r.nextBoolean() ? ".extra" : "0"), seed.shapes().get(k));
            }
        }
        return new Case(seed.kind(), m);
    }

    static void detect(Case c) {
        TensorSource src = new ShapeOnlySource(c.shapes(), "fuzz", c.kind().startsWith("diffusers"));
        switch (c.kind()) {
            case "esrgan" -> EsrganDetector.detect(src);
            case "ldm" -> SdDetector.detect(LdmKeyFixes.apply(src), Hints.none());
            default -> {
                ViewSource.Builder out = ViewSource.builder("fuzz");
                switch (c.kind()) {
                    case "diffusers-unet" -> DiffusersUNet.map(src, ModelConfig.UNET_PREFIX, out);
                    case "diffusers-vae" -> DiffusersVae.map(src, ModelConfig.VAE_PREFIX, out);
                    default -> ClipTextNames.mapOpenClip(src, "cond_stage_model.model.", out);
                }
                ViewSource v = out.build();
                for (String n : v.names()) {
                    v.tensor(n).shape(); // derived tensors (reshapes) are built too
                }
                if (c.kind().equals("diffusers-vae")) {
                    SdDetector.standaloneVae(v, java.util.Optional.empty());
                }
            }
        }
    }
}
