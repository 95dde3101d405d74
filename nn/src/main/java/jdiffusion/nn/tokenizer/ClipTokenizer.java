package jdiffusion.nn.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLIP byte-level BPE tokenizer shared by CLIP ViT-L (SD1, SDXL encoder 1), OpenCLIP ViT-H (SD2)
 * and ViT-bigG (SDXL encoder 2): one vocabulary of 49408 ids built from OpenAI's merge list
 * ({@code bpe_simple_vocab_16e6.txt.gz}, MIT licence, shipped as a resource), with start 49406 and
 * end 49407.
 *
 * <p>{@link #encode} returns the ids of a text WITHOUT start/end tokens and without truncation — what
 * the webui asks for before it chunks a prompt. Text is cleaned first (see {@link Frontend}), then
 * split with CLIP's pattern (letter runs, single digits, runs of other symbols, English
 * contractions), and each piece is BPE-encoded with {@code </w>} marking its end. Immutable and
 * thread-safe.
 */
public final class ClipTokenizer {
    /** {@code <|startoftext|>}. */
    public static final int BOS = 49406;
    /** {@code <|endoftext|>}. */
    public static final int EOS = 49407;
    /** Vocabulary size. */
    public static final int VOCAB_SIZE = 49408;
    /** The id of {@code ",</w>"}, which the webui's chunker uses to find word-wrap points. */
    public static final int COMMA = 267;

    /** The three ways the reference implementations prepare text. */
    public enum Frontend {
        /**
         * HF transformers' {@code CLIPTokenizer} (SD1, SDXL encoder 1): the strings
         * {@code <|startoftext|>} / {@code <|endoftext|>} typed in the text are split out first and
         * become their ids; each remaining piece gets {@code ftfy.fix_text}, whitespace collapsing
         * and lower-casing. No HTML unescaping beyond ftfy's own.
         */
        TRANSFORMERS,
        /** OpenAI's {@code SimpleTokenizer}: ftfy, {@code html.unescape} twice, whitespace collapsing, lower-case. */
        OPENAI,
        /**
         * open_clip's {@code SimpleTokenizer} (the webui's SD2 and SDXL encoder 2): as {@link #OPENAI},
         * but its special strings are {@code <start_of_text>} / {@code <end_of_text>}.
         */
        OPEN_CLIP
    }

    private static final String SPLIT_TAIL = "|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";
    private static final Pattern PATTERN_OPENAI = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>" + SPLIT_TAIL, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern PATTERN_OPEN_CLIP = Pattern.compile(
            "<start_of_text>|<end_of_text>" + SPLIT_TAIL, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private static final String RESOURCE = "bpe_simple_vocab_16e6.txt.gz";

    private final BytePairEncoder bpe;

    private ClipTokenizer(BytePairEncoder bpe) {
        this.bpe = bpe;
    }

    /** Lazily loaded shared instance of the standard vocabulary (immutable, so sharing is safe). */
    private static final class Standard {
        static final ClipTokenizer INSTANCE = loadResource();

        private static ClipTokenizer loadResource() {
            try (InputStream in = ClipTokenizer.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " missing from the jdiffusion-nn jar");
                }
                return read(in, RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + RESOURCE, e);
            }
        }
    }

    /** The tokenizer over the vocabulary shipped with jdiffusion. */
    public static ClipTokenizer standard() {
        return Standard.INSTANCE;
    }

    /** A tokenizer over a gzip merge list in CLIP's format ({@code source} names it in errors). */
    public static ClipTokenizer read(InputStream mergesGz, String source) throws IOException {
        return new ClipTokenizer(BytePairEncoder.read(mergesGz, source, "<|startoftext|>", "<|endoftext|>"));
    }

    /** Token ids of {@code text}, without start/end tokens, untruncated. */
    public int[] encode(String text, Frontend frontend) {
        List<int[]> parts = new ArrayList<>();
        switch (frontend) {
            case TRANSFORMERS -> {
                int pos = 0;
                while (pos <= text.length()) {
                    int s = text.indexOf("<|startoftext|>", pos);
                    int e = text.indexOf("<|endoftext|>", pos);
                    int next = s < 0 ? e : (e < 0 ? s : Math.min(s, e));
                    if (next < 0) {
                        encodePiece(cleanTransformers(text.substring(pos)), PATTERN_OPENAI, parts);
                        break;
                    }
                    encodePiece(cleanTransformers(text.substring(pos, next)), PATTERN_OPENAI, parts);
                    boolean start = next == s;
                    parts.add(new int[] {start ? BOS : EOS});
                    pos = next + (start ? "<|startoftext|>".length() : "<|endoftext|>".length());
                }
            }
            case OPENAI -> encodePiece(cleanOpenAi(text), PATTERN_OPENAI, parts);
            case OPEN_CLIP -> encodePiece(cleanOpenAi(text), PATTERN_OPEN_CLIP, parts);
        }
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int k = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }

    /** transformers: {@code whitespace_clean(ftfy.fix_text(text)).lower()}. */
    static String cleanTransformers(String text) {
        return PyText.collapseWhitespace(Ftfy.fixText(text)).toLowerCase(Locale.ROOT);
    }

    /** OpenAI / open_clip: {@code whitespace_clean(html.unescape(html.unescape(ftfy.fix_text(text))).strip()).lower()}. */
    static String cleanOpenAi(String text) {
        String t = HtmlEntities.unescape(HtmlEntities.unescape(Ftfy.fixText(text)));
        return PyText.collapseWhitespace(t).toLowerCase(Locale.ROOT);
    }

    private void encodePiece(String cleaned, Pattern split, List<int[]> out) {
        Matcher m = split.matcher(cleaned);
        while (m.find()) {
            String piece = m.group();
            String lower = piece.toLowerCase(Locale.ROOT);
            if (lower.equals("<|startoftext|>") || lower.equals("<start_of_text>")) {
                out.add(new int[] {BOS});
            } else if (lower.equals("<|endoftext|>") || lower.equals("<end_of_text>")) {
                out.add(new int[] {EOS});
            } else {
                out.add(bpe.bpe(ByteLevel.encode(piece)));
            }
        }
    }

    /** The vocabulary symbol of an id (byte characters, {@code </w>} marking word ends). */
    public String tokenString(int id) {
        return bpe.symbol(id);
    }

    /** The id of a vocabulary symbol, or -1 when it is not one. */
    public int tokenId(String symbol) {
        return bpe.id(symbol);
    }

    public int vocabSize() {
        return bpe.vocabSize();
    }
}
