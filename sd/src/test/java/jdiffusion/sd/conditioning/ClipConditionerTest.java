package jdiffusion.sd.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Chunk batching, padding, overrides and concatenation of {@link ClipConditioner}, with a fake encoder. */
class ClipConditionerTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static ClipConditioner conditioner(FakeTextEncoder enc, ChunkerSpec spec, EmbeddingDatabase db, Emphasis e) {
        return new ClipConditioner(CPU, enc, ClipTokenizer.standard(), spec, db,
                ConditioningOptions.defaults().withEmphasis(e));
    }

    @Test
    void batchOfDifferentLengthsUsesEmptyChunksAndConcatenates() {
        FakeTextEncoder enc = new FakeTextEncoder(6, 0);
        ClipConditioner cc = conditioner(enc, ChunkerSpec.CLIP_L, EmbeddingDatabase.empty(), Emphasis.ORIGINAL);
        ClipConditioner.Result r = cc.encode(List.of("a BREAK b", "cat"));
        assertArrayEquals(new int[] {2, 154, 6}, r.hidden().shape());
        assertEquals(2, enc.calls.size(), "one encoder call per chunk index");
        float[] second = enc.calls.get(1);
        assertEquals(49406, (int) second[77]);
        for (int i = 78; i < 154; i++) {
            assertEquals(49407, (int) second[i], "text 2 has one chunk: its chunk 1 is the empty chunk");
        }
        // Row 1 positions 77.. equal the fake encoding of the empty chunk.
        for (int k = 0; k < 6; k++) {
            assertEquals(FakeTextEncoder.emb(49407, k) + 0.01f * 5, r.hidden().get(1, 77 + 5, k), 0f);
            assertEquals(FakeTextEncoder.emb(49406, k), r.hidden().get(1, 77, k), 0f);
        }
        assertNull(r.pooled());
        assertEquals(75 + 1, r.tokenCount());
    }

    @Test
    void openClipPaddingReachesTheEncoder() {
        FakeTextEncoder enc = new FakeTextEncoder(4, 4);
        ClipConditioner cc = conditioner(enc, ChunkerSpec.OPEN_CLIP, EmbeddingDatabase.empty(), Emphasis.ORIGINAL);
        ClipConditioner.Result r = cc.encode(List.of("a photo of a cat"));
        float[] ids = enc.calls.getFirst();
        assertEquals(49407, (int) ids[6]);
        for (int i = 7; i < 77; i++) {
            assertEquals(0, (int) ids[i]);
        }
        // pooled: 2 × hidden at the first end token (position 6)
        for (int j = 0; j < 4; j++) {
            assertEquals(2 * (FakeTextEncoder.emb(49407, j) + 0.06f), r.pooled().get(0, j), 1e-6f);
        }
    }

    @Test
    void pooledComesFromChunkZero() {
        FakeTextEncoder enc = new FakeTextEncoder(4, 4);
        ClipConditioner cc = conditioner(enc, ChunkerSpec.OPEN_CLIP, EmbeddingDatabase.empty(), Emphasis.ORIGINAL);
        ClipConditioner.Result r = cc.encode(List.of("cat BREAK dog dog dog"));
        // chunk 0 = [start, cat, end, 0...]: first end at 2
        assertEquals(2 * (FakeTextEncoder.emb(49407, 1) + 0.02f), r.pooled().get(0, 1), 1e-6f);
    }

    @Test
    void emphasisIsNormalisedOverTheWholeCall() {
        FakeTextEncoder enc = new FakeTextEncoder(5, 0);
        ClipConditioner cc = conditioner(enc, ChunkerSpec.CLIP_L, EmbeddingDatabase.empty(), Emphasis.ORIGINAL);
        Tensor joint = cc.encode(List.of("a (red:1.4) cat", "a red cat")).hidden();
        Tensor alone = cc.encode(List.of("a red cat")).hidden();
        // Unweighted text alone is untouched; encoded with a weighted one it is rescaled by the batch mean ratio.
        float[] raw = enc.encode(Tensor.of(ids("a red cat"), 1, 77), List.of(List.of()), 1).hidden().toFloatArray();
        assertArrayEquals(raw, alone.toFloatArray());
        float[] rowTwo = new float[77 * 5];
        System.arraycopy(joint.toFloatArray(), 77 * 5, rowTwo, 0, rowTwo.length);
        double ratio = rowTwo[3] / (double) raw[3];
        assertEquals(false, Math.abs(ratio - 1) < 1e-6, "row 2 was rescaled");
        for (int i = 0; i < raw.length; i++) {
            assertEquals(raw[i] * ratio, rowTwo[i], 1e-5 * Math.max(1, Math.abs(raw[i])));
        }
    }

    private static float[] ids(String text) {
        PromptChunk c = new PromptChunker(ClipTokenizer.standard(), ChunkerSpec.CLIP_L, EmbeddingDatabase.empty(),
                Emphasis.ORIGINAL, 20).chunk(text).chunks().getFirst();
        float[] f = new float[77];
        for (int i = 0; i < 77; i++) {
            f[i] = c.tokens()[i];
        }
        return f;
    }

    @Test
    void textualInversionVectorsReplaceTokenEmbeddings() {
        float[] v = {9, 8, 7, 6, 5, 4, 3, 2};
        Embedding e = new Embedding("tiny-emb", Map.of(Embedding.SINGLE, Tensor.of(v, 2, 4)), null);
        EmbeddingDatabase db = new EmbeddingDatabase(ClipTokenizer.standard(), ClipTokenizer.Frontend.TRANSFORMERS, 4);
        db.register(e);
        FakeTextEncoder enc = new FakeTextEncoder(4, 0);
        ClipConditioner cc = conditioner(enc, ChunkerSpec.CLIP_L, db, Emphasis.ORIGINAL);
        ClipConditioner.Result r = cc.encode(List.of("a tiny-emb"));
        assertEquals(Map.of("tiny-emb", e), r.usedEmbeddings());
        TextEncoder.TokenOverride o = enc.overrideCalls.getFirst().getFirst().getFirst();
        assertEquals(2, o.position(), "prompt offset 1 + the start token");
        for (int k = 0; k < 4; k++) {
            assertEquals(v[k] + 0.02f, r.hidden().get(0, 2, k), 0f);
            assertEquals(v[4 + k] + 0.03f, r.hidden().get(0, 3, k), 0f);
        }
    }

    @Test
    void sdxlEmbeddingsUseTheEncodersKey() {
        Embedding e = new Embedding("duo", Map.of("clip_l", Tensor.full(1f, 1, 4), "clip_g", Tensor.full(2f, 1, 6)), null);
        EmbeddingDatabase db = new EmbeddingDatabase(ClipTokenizer.standard(), ClipTokenizer.Frontend.TRANSFORMERS, 10);
        db.register(e);
        FakeTextEncoder l = new FakeTextEncoder(4, 0);
        FakeTextEncoder g = new FakeTextEncoder(6, 6);
        conditioner(l, ChunkerSpec.CLIP_L, db, Emphasis.ORIGINAL).encode(List.of("duo"));
        conditioner(g, ChunkerSpec.OPEN_CLIP, db, Emphasis.ORIGINAL).encode(List.of("duo"));
        assertEquals(1f, l.overrideCalls.getFirst().getFirst().getFirst().vectors().get(0, 0));
        assertEquals(2f, g.overrideCalls.getFirst().getFirst().getFirst().vectors().get(0, 5));
    }
}
