package jdiffusion.sd.conditioning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.nn.tokenizer.ClipTokenizer;

/**
 * The textual-inversion embeddings usable with one model ({@code textual_inversion.EmbeddingDatabase}):
 * each embedding is found in a prompt by the token ids of its name, tokenized like prompt text by
 * the model's first text encoder. Embeddings whose width does not fit the model are kept aside in
 * {@link #skipped()} (the webui lists them as skipped), so their names stay ordinary words.
 */
public final class EmbeddingDatabase {
    private final ClipTokenizer tokenizer;
    private final ClipTokenizer.Frontend frontend;
    private final int expectedWidth;
    private final Map<String, Embedding> byName = new LinkedHashMap<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    /** First token id → (name ids, embedding), longest names first. */
    private final Map<Integer, List<Entry>> byFirstId = new HashMap<>();

    private record Entry(int[] ids, Embedding embedding) {
    }

    /** A match of an embedding name at a prompt position: the embedding and how many prompt tokens named it. */
    public record Match(Embedding embedding, int tokenCount) {
    }

    /**
     * @param expectedWidth the model's token-embedding width as the webui computes it: 768 (SD1),
     *                      1024 (SD2), 2048 (SDXL: 768 + 1280); -1 accepts any width
     */
    public EmbeddingDatabase(ClipTokenizer tokenizer, ClipTokenizer.Frontend frontend, int expectedWidth) {
        this.tokenizer = tokenizer;
        this.frontend = frontend;
        this.expectedWidth = expectedWidth;
    }

    /** An empty database (no textual inversion). */
    public static EmbeddingDatabase empty() {
        return new EmbeddingDatabase(ClipTokenizer.standard(), ClipTokenizer.Frontend.TRANSFORMERS, -1);
    }

    /**
     * Adds an embedding; returns false (and records why in {@link #skipped()}) when its width does
     * not match the model. A later embedding with the same name replaces the earlier one.
     */
    public boolean register(Embedding e) {
        if (expectedWidth >= 0 && e.width() != expectedWidth) {
            skipped.put(e.name(), "width " + e.width() + " does not match the model's " + expectedWidth);
            return false;
        }
        int[] ids = tokenizer.encode(e.name(), frontend);
        if (ids.length == 0) {
            skipped.put(e.name(), "its name has no tokens");
            return false;
        }
        Embedding old = byName.put(e.name(), e);
        if (old != null) {
            byFirstId.values().forEach(l -> l.removeIf(x -> x.embedding() == old));
        }
        List<Entry> list = byFirstId.computeIfAbsent(ids[0], k -> new ArrayList<>());
        list.add(new Entry(ids, e));
        // Longest names first, so "easynegative_v2" wins over "easynegative" (stable for equal lengths).
        list.sort(Comparator.comparingInt((Entry x) -> x.ids().length).reversed());
        return true;
    }

    /** {@code find_embedding_at_position}: the embedding whose name ids start at {@code tokens[offset]}, or null. */
    public Match findAt(int[] tokens, int offset) {
        List<Entry> candidates = byFirstId.get(tokens[offset]);
        if (candidates == null) {
            return null;
        }
        for (Entry c : candidates) {
            if (offset + c.ids().length <= tokens.length
                    && Arrays.equals(tokens, offset, offset + c.ids().length, c.ids(), 0, c.ids().length)) {
                return new Match(c.embedding(), c.ids().length);
            }
        }
        return null;
    }

    /**
     * Loads and registers embedding files in order (a later file with the same name replaces an
     * earlier one). Files that cannot be read are skipped; the returned map says why, by file.
     */
    public Map<java.nio.file.Path, String> loadFiles(List<java.nio.file.Path> files, jdiffusion.nn.lora.PickleOpener pickles) {
        Map<java.nio.file.Path, String> failed = new LinkedHashMap<>();
        for (java.nio.file.Path f : files) {
            try {
                register(EmbeddingFiles.load(f, pickles));
            } catch (java.io.IOException | RuntimeException e) {
                failed.put(f, e.getMessage());
            }
        }
        return failed;
    }

    public Embedding get(String name) {
        return byName.get(name);
    }

    public Map<String, Embedding> all() {
        return Collections.unmodifiableMap(byName);
    }

    /** Embeddings not usable with this model, with the reason. */
    public Map<String, String> skipped() {
        return Collections.unmodifiableMap(skipped);
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }
}
