package jdiffusion.sd.conditioning;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.nn.tokenizer.ClipTokenizer;
import jdiffusion.sd.prompt.EmphasisParser;
import jdiffusion.sd.prompt.PromptFragment;

/**
 * {@code FrozenCLIPEmbedderWithCustomWordsBase.tokenize_line} (spec §3.2): one prompt text becomes
 * 77-token chunks. Emphasis fragments are tokenized separately (so fragment edges are word edges);
 * tokens are appended with their fragment's weight; a top-level BREAK closes the chunk; a full
 * chunk is closed, and when the token arriving at a full chunk is not a comma and the last comma is
 * at most {@code backtrack} tokens back, the tokens after that comma move to the next chunk;
 * textual-inversion names become their vectors' placeholder positions, moved whole to a new chunk
 * when they do not fit.
 */
public final class PromptChunker {
    /** The webui option {@code comma_padding_backtrack} ("Prompt word wrap length limit") default. */
    public static final int DEFAULT_BACKTRACK = 20;

    private final ClipTokenizer tokenizer;
    private final ChunkerSpec spec;
    private final EmbeddingDatabase embeddings;
    private final Emphasis emphasis;
    private final int backtrack;

    public PromptChunker(ClipTokenizer tokenizer, ChunkerSpec spec, EmbeddingDatabase embeddings, Emphasis emphasis,
                         int backtrack) {
        if (backtrack < 0 || backtrack > ChunkerSpec.CHUNK_LENGTH) {
            throw new IllegalArgumentException("comma_padding_backtrack must be 0.." + ChunkerSpec.CHUNK_LENGTH + ", got " + backtrack);
        }
        this.tokenizer = tokenizer;
        this.spec = spec;
        this.embeddings = embeddings;
        this.emphasis = emphasis;
        this.backtrack = backtrack;
    }

    /** Chunks of one line and the webui's token count (75 per full chunk, the real count for the last). */
    public record Result(List<PromptChunk> chunks, int tokenCount) {
        public Result {
            chunks = List.copyOf(chunks);
        }
    }

    /** The chunk being filled: up to 75 tokens without start/end. */
    private final class Builder {
        final List<PromptChunk> chunks = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Double> mults = new ArrayList<>();
        List<PromptChunk.Fix> fixes = new ArrayList<>();
        int lastComma = -1;
        int tokenCount = 0;

        void close(boolean isLast) {
            tokenCount += isLast ? tokens.size() : ChunkerSpec.CHUNK_LENGTH;
            int[] t = new int[ChunkerSpec.CHUNK_IDS];
            double[] m = new double[ChunkerSpec.CHUNK_IDS];
            t[0] = spec.idStart();
            m[0] = 1.0;
            for (int i = 0; i < ChunkerSpec.CHUNK_LENGTH; i++) {
                t[i + 1] = i < tokens.size() ? tokens.get(i) : spec.idEnd();
                m[i + 1] = i < mults.size() ? mults.get(i) : 1.0;
            }
            t[ChunkerSpec.CHUNK_IDS - 1] = spec.idEnd();
            m[ChunkerSpec.CHUNK_IDS - 1] = 1.0;
            chunks.add(new PromptChunk(t, m, fixes));
            tokens = new ArrayList<>();
            mults = new ArrayList<>();
            fixes = new ArrayList<>();
            lastComma = -1;
        }
    }

    /** Tokenizes and chunks one prompt text. */
    public Result chunk(String line) {
        List<PromptFragment> parsed = emphasis.parses() ? EmphasisParser.parse(line) : EmphasisParser.unparsed(line);
        Builder b = new Builder();
        for (PromptFragment frag : parsed) {
            if (frag.isBreak() && emphasis.parses()) {
                b.close(false);
                continue;
            }
            int[] toks = tokenizer.encode(frag.text(), spec.frontend());
            double weight = frag.weight();
            int pos = 0;
            while (pos < toks.length) {
                int tok = toks[pos];
                if (tok == ClipTokenizer.COMMA) {
                    b.lastComma = b.tokens.size();
                } else if (backtrack != 0 && b.tokens.size() == ChunkerSpec.CHUNK_LENGTH && b.lastComma != -1
                        && b.tokens.size() - b.lastComma <= backtrack) {
                    int cut = b.lastComma + 1;
                    List<Integer> relocTokens = new ArrayList<>(b.tokens.subList(cut, b.tokens.size()));
                    List<Double> relocMults = new ArrayList<>(b.mults.subList(cut, b.mults.size()));
                    b.tokens = new ArrayList<>(b.tokens.subList(0, cut));
                    b.mults = new ArrayList<>(b.mults.subList(0, cut));
                    // As in the webui, embedding fixes stay with the old chunk even if their
                    // placeholders moved (their offsets then point at its end-token filler).
                    b.close(false);
                    b.tokens = relocTokens;
                    b.mults = relocMults;
                }
                if (b.tokens.size() == ChunkerSpec.CHUNK_LENGTH) {
                    b.close(false);
                }
                EmbeddingDatabase.Match m = embeddings.findAt(toks, pos);
                if (m == null) {
                    b.tokens.add(tok);
                    b.mults.add(weight);
                    pos++;
                    continue;
                }
                int n = m.embedding().vectorCount();
                if (n > ChunkerSpec.CHUNK_LENGTH) {
                    throw new IllegalArgumentException("embedding '" + m.embedding().name() + "' has " + n
                            + " vectors; at most " + ChunkerSpec.CHUNK_LENGTH + " fit in a prompt chunk");
                }
                if (b.tokens.size() + n > ChunkerSpec.CHUNK_LENGTH) {
                    b.close(false);
                }
                b.fixes.add(new PromptChunk.Fix(b.tokens.size(), m.embedding()));
                for (int k = 0; k < n; k++) {
                    b.tokens.add(0);
                    b.mults.add(weight);
                }
                pos += m.tokenCount();
            }
        }
        if (!b.tokens.isEmpty() || b.chunks.isEmpty()) {
            b.close(true);
        }
        return new Result(b.chunks, b.tokenCount);
    }

    public ChunkerSpec spec() {
        return spec;
    }
}
