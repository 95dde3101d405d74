package jdiffusion.sd.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Token / multiplier / chunk layout of {@link PromptChunker} against spec §3.2 and §10, hand-derived. */
class PromptChunkerTest {
    private static final int S = 49406;
    private static final int E = 49407;

    private static PromptChunker chunker(ChunkerSpec spec, Emphasis emphasis, int backtrack, EmbeddingDatabase db) {
        return new PromptChunker(ClipTokenizer.standard(), spec, db, emphasis, backtrack);
    }

    private static PromptChunker.Result chunk(String text) {
        return chunker(ChunkerSpec.CLIP_L, Emphasis.ORIGINAL, 20, EmbeddingDatabase.empty()).chunk(text);
    }

    /** start, the given ids, then end tokens to 77. */
    private static int[] ids(int... body) {
        int[] t = new int[77];
        Arrays.fill(t, E);
        t[0] = S;
        System.arraycopy(body, 0, t, 1, body.length);
        return t;
    }

    private static double[] ones() {
        double[] m = new double[77];
        Arrays.fill(m, 1.0);
        return m;
    }

    @Test
    void photoOfACat() {
        PromptChunker.Result r = chunk("a photo of a cat");
        assertEquals(1, r.chunks().size());
        assertArrayEquals(ids(320, 1125, 539, 320, 2368), r.chunks().getFirst().tokens());
        assertArrayEquals(ones(), r.chunks().getFirst().multipliers());
        assertEquals(5, r.tokenCount());
        int[] open = chunker(ChunkerSpec.OPEN_CLIP, Emphasis.ORIGINAL, 20, EmbeddingDatabase.empty())
                .chunk("a photo of a cat").chunks().getFirst().encoderIds(ChunkerSpec.OPEN_CLIP);
        int[] expected = new int[77];
        System.arraycopy(new int[] {S, 320, 1125, 539, 320, 2368, E}, 0, expected, 0, 7);
        assertArrayEquals(expected, open, "OpenCLIP: zeros after the first end token");
    }

    @Test
    void emptyPrompt() {
        PromptChunker.Result r = chunk("");
        assertEquals(1, r.chunks().size());
        assertArrayEquals(ids(), r.chunks().getFirst().tokens());
        int[] open = r.chunks().getFirst().encoderIds(ChunkerSpec.OPEN_CLIP);
        assertEquals(S, open[0]);
        assertEquals(E, open[1]);
        assertEquals(0, Arrays.stream(open, 2, 77).sum());
    }

    @Test
    void chunkBoundaries() {
        String t75 = String.join(" ", java.util.Collections.nCopies(75, "cat"));
        assertEquals(1, chunk(t75).chunks().size());
        assertEquals(75, chunk(t75).tokenCount());
        PromptChunker.Result r76 = chunk(t75 + " cat");
        assertEquals(2, r76.chunks().size());
        assertEquals(76, r76.tokenCount());
        assertArrayEquals(ids(2368), r76.chunks().get(1).tokens());
        assertEquals(2, chunk("a BREAK b").chunks().size());
        assertEquals(1, chunk("a BREAK").chunks().size());
        PromptChunker.Result br = chunk("BREAK");
        assertEquals(1, br.chunks().size());
        assertArrayEquals(ids(), br.chunks().getFirst().tokens());
        PromptChunker.Result two = chunk("a BREAK BREAK b");
        assertEquals(3, two.chunks().size());
        assertArrayEquals(ids(), two.chunks().get(1).tokens());
        assertEquals(150 + 1, two.tokenCount());
    }

    @Test
    void weightsPerTokenAndBreak() {
        PromptChunker.Result r = chunk("a (photo:1.2) of BREAK a cat");
        assertEquals(2, r.chunks().size());
        assertArrayEquals(ids(320, 1125, 539), r.chunks().get(0).tokens());
        double[] m = ones();
        m[2] = 1.2;
        assertArrayEquals(m, r.chunks().get(0).multipliers());
        assertArrayEquals(ids(320, 2368), r.chunks().get(1).tokens());
        assertArrayEquals(ones(), r.chunks().get(1).multipliers());
    }

    @Test
    void commaBacktrack() {
        String p = "cat ".repeat(70) + ", red dog, blue sky";
        PromptChunker.Result r = chunk(p);
        assertEquals(2, r.chunks().size());
        int[] c0 = new int[74];
        Arrays.fill(c0, 0, 70, 2368);
        System.arraycopy(new int[] {267, 736, 1929, 267}, 0, c0, 70, 4);
        assertArrayEquals(ids(c0), r.chunks().get(0).tokens());
        assertEquals(E, r.chunks().get(0).tokens()[75]);
        assertArrayEquals(ids(1746, 2390), r.chunks().get(1).tokens());
        // Without backtracking the chunk is simply cut at 75 tokens.
        PromptChunker.Result r0 = chunker(ChunkerSpec.CLIP_L, Emphasis.ORIGINAL, 0, EmbeddingDatabase.empty()).chunk(p);
        int[] c00 = Arrays.copyOf(c0, 75);
        c00[74] = 1746;
        assertArrayEquals(ids(c00), r0.chunks().get(0).tokens());
        assertArrayEquals(ids(2390), r0.chunks().get(1).tokens());
    }

    @Test
    void emphasisNoneKeepsBracketsAndBreakAsWords() {
        PromptChunker none = chunker(ChunkerSpec.CLIP_L, Emphasis.NONE, 20, EmbeddingDatabase.empty());
        PromptChunker.Result r = none.chunk("(cat) BREAK");
        assertEquals(1, r.chunks().size());
        assertArrayEquals(ids(263, 2368, 264, 2568), r.chunks().getFirst().tokens());
        assertArrayEquals(ones(), r.chunks().getFirst().multipliers());
        // "Ignore" parses (brackets vanish, BREAK splits) even though weights are not applied later.
        PromptChunker.Result ig = chunker(ChunkerSpec.CLIP_L, Emphasis.IGNORE, 20, EmbeddingDatabase.empty()).chunk("(cat) BREAK x");
        assertEquals(2, ig.chunks().size());
        assertEquals(1.1, ig.chunks().getFirst().multipliers()[1]);
    }

    @Test
    void chunkInvariants() {
        String p = "masterpiece, (best quality:1.3), " + "blue sky, green grass, ".repeat(12) + "[sunset] BREAK cat";
        for (PromptChunk c : chunk(p).chunks()) {
            assertEquals(77, c.tokens().length);
            assertEquals(S, c.tokens()[0]);
            assertEquals(E, c.tokens()[76]);
            assertEquals(1.0, c.multipliers()[0]);
            assertEquals(1.0, c.multipliers()[76]);
        }
    }

    private static EmbeddingDatabase db(Embedding... es) {
        EmbeddingDatabase db = new EmbeddingDatabase(ClipTokenizer.standard(), ClipTokenizer.Frontend.TRANSFORMERS, 4);
        for (Embedding e : es) {
            db.register(e);
        }
        return db;
    }

    private static Embedding emb(String name, int vectors, int width) {
        float[] v = new float[vectors * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = 10 + i;
        }
        return new Embedding(name, Map.of(Embedding.SINGLE, Tensor.of(v, vectors, width)), null);
    }

    @Test
    void textualInversionPlaceholders() {
        Embedding e = emb("tiny-emb", 2, 4);
        PromptChunker ch = chunker(ChunkerSpec.CLIP_L, Emphasis.ORIGINAL, 20, db(e));
        PromptChunker.Result r = ch.chunk("a (tiny-emb:1.5) cat");
        PromptChunk c = r.chunks().getFirst();
        assertArrayEquals(ids(320, 0, 0, 2368), c.tokens());
        double[] m = ones();
        m[2] = 1.5;
        m[3] = 1.5;
        assertArrayEquals(m, c.multipliers());
        assertEquals(List.of(new PromptChunk.Fix(1, e)), c.fixes());
        assertEquals(4, r.tokenCount());
    }

    @Test
    void textualInversionLongestNameWinsAndWidthIsChecked() {
        Embedding shortE = emb("easyneg", 1, 4);
        Embedding longE = emb("easyneg v2", 3, 4);
        PromptChunker ch = chunker(ChunkerSpec.CLIP_L, Emphasis.ORIGINAL, 20, db(shortE, longE));
        PromptChunk c = ch.chunk("easyneg v2, easyneg").chunks().getFirst();
        assertArrayEquals(ids(0, 0, 0, 267, 0), c.tokens());
        assertEquals(List.of(new PromptChunk.Fix(0, longE), new PromptChunk.Fix(4, shortE)), c.fixes());
        EmbeddingDatabase d = db(emb("wide", 1, 8));
        assertEquals(true, d.isEmpty());
        assertEquals(true, d.skipped().containsKey("wide"));
    }

    @Test
    void textualInversionThatDoesNotFitStartsANewChunk() {
        Embedding e = emb("tiny-emb", 3, 4);
        PromptChunker ch = chunker(ChunkerSpec.CLIP_L, Emphasis.ORIGINAL, 0, db(e));
        PromptChunker.Result r = ch.chunk("cat ".repeat(73) + "tiny-emb");
        assertEquals(2, r.chunks().size());
        assertEquals(E, r.chunks().get(0).tokens()[74], "73 tokens, then filler");
        assertArrayEquals(ids(0, 0, 0), r.chunks().get(1).tokens());
        assertEquals(List.of(new PromptChunk.Fix(0, e)), r.chunks().get(1).fixes());
        assertThrows(IllegalArgumentException.class,
                () -> chunker(ChunkerSpec.CLIP_L, Emphasis.ORIGINAL, 0, db(emb("huge", 76, 4))).chunk("huge"));
    }

    @Test
    void tokenizerFrontEndsDifferPerEncoder() {
        // CLIP-L (transformers) leaves &lt; alone when the text has '<'; open_clip unescapes it.
        String p = "<b> &lt;";
        int[] l = chunker(ChunkerSpec.CLIP_L, Emphasis.ORIGINAL, 20, EmbeddingDatabase.empty()).chunk(p).chunks().getFirst().tokens();
        int[] g = chunker(ChunkerSpec.OPEN_CLIP, Emphasis.ORIGINAL, 20, EmbeddingDatabase.empty()).chunk(p).chunks().getFirst().tokens();
        assertEquals(false, Arrays.equals(l, g));
        assertEquals(IntStream.of(g).filter(x -> x == 283).count(), 2, "two '<' tokens after unescaping");
    }
}
