package jdiffusion.nn.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * The CLIP vocabulary and byte-level BPE. The vocabulary is derived from the merge list
 * ({@code bpe_simple_vocab_16e6.txt.gz}): 256 byte symbols, the same 256 with {@code </w>}, one
 * symbol per merge (lines 1..48894; line 0 is a header), then the two special tokens. Merge rank
 * = line index among the merges. Thread-safe; results of {@link #bpe} are cached per word.
 */
final class BytePairEncoder {
    /** Merge lines used (49152 − 256 − 2, as CLIP's tokenizer slices them). */
    static final int MERGES = 49152 - 256 - 2;
    /** Bound on the per-word cache; a prompt rarely has more than a few hundred distinct words. */
    private static final int CACHE_LIMIT = 200_000;

    private final Map<String, Integer> encoder;
    private final String[] decoder;
    /** Rank of a merge pair, keyed "first second" (symbols never contain a space). */
    private final Map<String, Integer> ranks;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    private BytePairEncoder(Map<String, Integer> encoder, String[] decoder, Map<String, Integer> ranks) {
        this.encoder = encoder;
        this.decoder = decoder;
        this.ranks = ranks;
    }

    /** Reads a gzip merge list; {@code specials} are appended to the vocabulary in order. */
    static BytePairEncoder read(InputStream gz, String source, String... specials) throws IOException {
        List<String[]> merges = new ArrayList<>(MERGES);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(gz), StandardCharsets.UTF_8))) {
            r.readLine(); // header line ("#version: ...")
            String line;
            while (merges.size() < MERGES && (line = r.readLine()) != null) {
                String[] pair = line.trim().split(" ");
                if (pair.length != 2) {
                    throw new IOException(source + ": merge line " + (merges.size() + 1) + " is not two symbols: '" + line + "'");
                }
                merges.add(pair);
            }
        }
        if (merges.size() != MERGES) {
            throw new IOException(source + ": expected " + MERGES + " merges, found " + merges.size());
        }
        List<String> vocab = new ArrayList<>(512 + MERGES + specials.length);
        for (int i = 0; i < 256; i++) {
            vocab.add(String.valueOf(ByteLevel.charOf(ByteLevel.byteAtVocabIndex(i))));
        }
        for (int i = 0; i < 256; i++) {
            vocab.add(vocab.get(i) + "</w>");
        }
        Map<String, Integer> ranks = new HashMap<>(MERGES * 2);
        for (int i = 0; i < MERGES; i++) {
            String[] m = merges.get(i);
            vocab.add(m[0] + m[1]);
            ranks.put(m[0] + " " + m[1], i);
        }
        for (String s : specials) {
            vocab.add(s);
        }
        Map<String, Integer> encoder = new HashMap<>(vocab.size() * 2);
        for (int i = 0; i < vocab.size(); i++) {
            encoder.put(vocab.get(i), i);
        }
        return new BytePairEncoder(encoder, vocab.toArray(String[]::new), ranks);
    }

    int vocabSize() {
        return decoder.length;
    }

    /** The id of a vocabulary symbol, or -1. */
    int id(String symbol) {
        Integer id = encoder.get(symbol);
        return id == null ? -1 : id;
    }

    /** The symbol of an id. */
    String symbol(int id) {
        if (id < 0 || id >= decoder.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + decoder.length + ")");
        }
        return decoder[id];
    }

    /**
     * Ids of one pre-tokenized word given as byte characters: the word's symbols start as single
     * characters with {@code </w>} on the last; repeatedly the adjacent pair of lowest merge rank is
     * merged at every non-overlapping occurrence, left to right, until no ranked pair remains.
     */
    int[] bpe(String word) {
        int[] hit = cache.get(word);
        if (hit != null) {
            return hit;
        }
        List<String> symbols = new ArrayList<>(word.length());
        for (int i = 0; i < word.length(); i++) {
            symbols.add(i == word.length() - 1 ? word.charAt(i) + "</w>" : String.valueOf(word.charAt(i)));
        }
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    first = symbols.get(i);
                    second = symbols.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); ) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i += 2;
                } else {
                    merged.add(symbols.get(i));
                    i++;
                }
            }
            symbols = merged;
        }
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = encoder.get(symbols.get(i));
            if (id == null) {
                // Cannot happen with the CLIP merges: every symbol produced is a byte or a merge result.
                throw new IllegalStateException("BPE symbol '" + symbols.get(i) + "' is not in the vocabulary");
            }
            ids[i] = id;
        }
        if (cache.size() > CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(word, ids);
        return ids;
    }
}
