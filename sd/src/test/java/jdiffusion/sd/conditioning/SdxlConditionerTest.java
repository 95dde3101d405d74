package jdiffusion.sd.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jdiffusion.loaders.safetensors.SafetensorsFile;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** SDXL crossattn / vector assembly against spec §3.5 and §10. */
class SdxlConditionerTest {
    private static final CpuBackend CPU = new CpuBackend();

    @Test
    void sizeEmbeddingValuesFromTheSpec() {
        SdxlConditioner c = SdxlConditioner.base(CPU, new FakeTextEncoder(4, 0), new FakeTextEncoder(6, 8),
                EmbeddingDatabase.empty(), ConditioningOptions.defaults());
        float[] e = c.sizeEmbeddings(new float[] {1024, 0});
        float[] spec = {0.98735362f, -0.53761721f, 0.68341261f};
        float[] specSin = {-0.15853338f, -0.84318900f, 0.73003232f};
        for (int k = 0; k < 3; k++) {
            assertEquals(spec[k], e[k], tolerance(1024, k), "cos " + k);
            assertEquals(specSin[k], e[128 + k], tolerance(1024, k), "sin " + k);
        }
        for (int k = 0; k < 128; k++) {
            assertEquals(1f, e[256 + k]);
            assertEquals(0f, e[256 + 128 + k]);
        }
    }

    /**
     * cos/sin of the float32 argument a = f32(s·f_k): f_k may be rounded differently by PyTorch's
     * vectorised exp and ours (one ulp of f_k, i.e. up to one ulp of a after scaling by s), plus the
     * rounding of the product itself, so a — and with it cos/sin — may differ by two ulps of a
     * (2.4e-4 at s = 1024, 3e-5 at s = 240). That is the float32 conditioning of the formula, not
     * slack: a wrong frequency or order changes values by O(1).
     */
    private static float tolerance(float s, int k) {
        double f = Math.exp(-Math.log(10000) * k / 128);
        return 2 * Math.ulp((float) (s * f)) + 2e-6f;
    }

    @Test
    void sizeEmbeddingsMatchTheUNetGoldensY() throws Exception {
        SdxlConditioner c = SdxlConditioner.base(CPU, new FakeTextEncoder(4, 0), new FakeTextEncoder(6, 8),
                EmbeddingDatabase.empty(), ConditioningOptions.defaults());
        double worst = 0;
        for (String name : List.of("unet.case0", "unet.case1")) {
            try (SafetensorsFile f = SafetensorsFile.open(Fixtures.file("goldens/tiny-sdxl/" + name + ".safetensors"))) {
                Tensor ids = f.tensor("time_ids").toF32();
                Tensor y = f.tensor("y").toF32();
                int p = y.dim(1) - 6 * 256;
                for (int b = 0; b < ids.dim(0); b++) {
                    float[] s = new float[6];
                    for (int j = 0; j < 6; j++) {
                        s[j] = ids.get(b, j);
                    }
                    float[] e = c.sizeEmbeddings(s);
                    for (int j = 0; j < 6; j++) {
                        for (int i = 0; i < 256; i++) {
                            double err = Math.abs(e[j * 256 + i] - y.get(b, p + j * 256 + i));
                            worst = Math.max(worst, err);
                            assertEquals(0, err, tolerance(s[j], i % 128), name + " row " + b + " value " + j + " index " + i);
                        }
                    }
                }
            }
        }
        System.out.println("SDXL size embeddings vs goldens' y: max |error| " + worst);
    }

    @Test
    void baseLayout() {
        FakeTextEncoder l = new FakeTextEncoder(4, 0);
        FakeTextEncoder g = new FakeTextEncoder(6, 8);
        SdxlConditioner c = SdxlConditioner.base(CPU, l, g, EmbeddingDatabase.empty(), ConditioningOptions.defaults().withCrop(16, 8));
        List<Cond> out = c.encode(List.of("a cat", "a dog"), new Conditioner.Request(false, 1024, 768));
        Cond a = out.getFirst();
        assertArrayEquals(new int[] {77, 10}, a.crossattn().shape(), "channels: CLIP-L 4 then bigG 6");
        assertEquals(FakeTextEncoder.emb(320, 3) + 0.01f, a.crossattn().get(1, 3), 0f);
        assertEquals(FakeTextEncoder.emb(320, 0) + 0.01f, a.crossattn().get(1, 4), 0f);
        assertEquals(8 + 6 * 256, a.vector().dim(0));
        float[] sizes = c.sizeEmbeddings(new float[] {768, 1024, 16, 8, 768, 1024});
        for (int i = 0; i < sizes.length; i++) {
            assertEquals(sizes[i], a.vector().get(8 + i), 0f);
        }
        // pooled: 2 × bigG hidden at the first end token (position 3 of "a cat")
        assertEquals(2 * (FakeTextEncoder.emb(49407, 2) + 0.03f), a.vector().get(2), 1e-6f);
        float[] e768 = c.sizeEmbeddings(new float[] {768});
        assertEquals(e768[5], a.vector().get(8 + 5), 0f, "original height first");
    }

    @Test
    void emptyNegativeIsZeroedButKeepsSizes() {
        SdxlConditioner c = SdxlConditioner.base(CPU, new FakeTextEncoder(4, 0), new FakeTextEncoder(6, 8),
                EmbeddingDatabase.empty(), ConditioningOptions.defaults());
        Cond n = c.encode(List.of(""), new Conditioner.Request(true, 512, 512)).getFirst();
        for (float v : n.crossattn().toFloatArray()) {
            assertEquals(0f, v);
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(0f, n.vector().get(i));
        }
        assertEquals(1f, n.vector().get(8 + 2 * 256), "E(0) of the crop starts with cos 0 = 1");
        // A non-empty negative, or an empty positive, is encoded normally.
        Cond p = c.encode(List.of(""), new Conditioner.Request(false, 512, 512)).getFirst();
        assertEquals(false, p.crossattn().get(0, 0) == 0f);
    }

    @Test
    void refinerUsesAestheticScore() {
        SdxlConditioner r = SdxlConditioner.refiner(CPU, new FakeTextEncoder(6, 8), EmbeddingDatabase.empty(),
                ConditioningOptions.defaults());
        Cond pos = r.encode(List.of("x"), new Conditioner.Request(false, 1024, 1024)).getFirst();
        Cond neg = r.encode(List.of("x"), new Conditioner.Request(true, 1024, 1024)).getFirst();
        assertEquals(8 + 5 * 256, pos.vector().dim(0));
        float[] hi = r.sizeEmbeddings(new float[] {6.0f});
        float[] lo = r.sizeEmbeddings(new float[] {2.5f});
        assertEquals(hi[1], pos.vector().get(8 + 4 * 256 + 1), 0f);
        assertEquals(lo[1], neg.vector().get(8 + 4 * 256 + 1), 0f);
        assertArrayEquals(new int[] {77, 6}, pos.crossattn().shape());
    }

    @Test
    void sizesAreRoundedToHalfPrecision() {
        SdxlConditioner c = SdxlConditioner.base(CPU, new FakeTextEncoder(4, 0), new FakeTextEncoder(6, 8),
                EmbeddingDatabase.empty(), ConditioningOptions.defaults());
        // 4097 is not a float16 value: it rounds to 4096.
        assertArrayEquals(c.sizeEmbeddings(new float[] {4096}), c.sizeEmbeddings(new float[] {4097}));
        Tensor direct = CPU.timestepEmbedding(Tensor.of(new float[] {1000}, 1), 256, true, 0f, 10000f);
        assertArrayEquals(direct.toFloatArray(), c.sizeEmbeddings(new float[] {1000}));
    }
}
