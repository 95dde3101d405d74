package jdiffusion.nn.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdiffusion.nn.tokenizer.ClipTokenizer.Frontend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code testdata/clip/tokenizer_cases.json}, for both reference tokenizers. */
class ClipTokenizerTest {
    private static final ClipTokenizer TOK = ClipTokenizer.standard();

    static Stream<Arguments> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readString(Fixtures.file("clip/tokenizer_cases.json")));
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            out.add(Arguments.of(c.get("prompt").asText(), ids(c.get("transformers_ids")), ids(c.get("openai_ids"))));
        }
        assertEquals(73, out.size(), "number of fixture cases");
        return out.stream();
    }

    private static int[] ids(JsonNode arr) {
        int[] a = new int[arr.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = arr.get(i).asInt();
        }
        return a;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void transformersPath(String prompt, int[] transformersIds, int[] openaiIds) {
        assertArrayEquals(transformersIds, TOK.encode(prompt, Frontend.TRANSFORMERS), () -> "prompt " + prompt);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void openaiPath(String prompt, int[] transformersIds, int[] openaiIds) {
        assertArrayEquals(openaiIds, TOK.encode(prompt, Frontend.OPENAI), () -> "prompt " + prompt);
    }

    @Test
    void specIds() {
        assertArrayEquals(new int[] {320, 1125, 539, 320, 2368}, TOK.encode("a photo of a cat", Frontend.TRANSFORMERS));
        assertArrayEquals(new int[] {12066, 267, 949, 3027, 267, 272, 1611},
                TOK.encode("masterpiece, best quality, 1girl", Frontend.TRANSFORMERS));
        assertArrayEquals(new int[] {274, 269, 272, 275}, TOK.encode("3.14", Frontend.OPENAI));
        assertArrayEquals(new int[] {2568}, TOK.encode("BREAK", Frontend.TRANSFORMERS));
        assertEquals(ClipTokenizer.COMMA, TOK.tokenId(",</w>"));
        assertEquals(ClipTokenizer.BOS, TOK.tokenId("<|startoftext|>"));
        assertEquals(ClipTokenizer.EOS, TOK.tokenId("<|endoftext|>"));
        assertEquals(ClipTokenizer.VOCAB_SIZE, TOK.vocabSize());
        assertEquals("cat</w>", TOK.tokenString(2368));
    }

    @Test
    void vocabularyMatchesTheDiffusersVocabJson() throws IOException {
        // The diffusers folder's tokenizer ships vocab.json; our vocabulary is derived from the merges only.
        try (InputStream in = Files.newInputStream(Fixtures.file("models/tiny-sd15-diffusers/tokenizer/vocab.json"))) {
            JsonNode vocab = new ObjectMapper().readTree(in);
            assertEquals(ClipTokenizer.VOCAB_SIZE, vocab.size());
            for (java.util.Map.Entry<String, JsonNode> e : vocab.properties()) {
                assertEquals(e.getValue().asInt(), TOK.tokenId(e.getKey()), e.getKey());
            }
        }
    }

    @Test
    void openClipRecognisesItsOwnSpecialStrings() {
        // open_clip names the specials <start_of_text>/<end_of_text>; OpenAI's spelling is plain text there.
        assertArrayEquals(new int[] {320, ClipTokenizer.EOS, 321}, TOK.encode("a <end_of_text> b", Frontend.OPEN_CLIP));
        assertArrayEquals(new int[] {ClipTokenizer.BOS, 320}, TOK.encode("<START_OF_TEXT>a", Frontend.OPEN_CLIP));
        // "<|endoftext|>" splits into the same pieces as "<| endoftext |>" (symbol run, letters, symbol run).
        assertArrayEquals(TOK.encode("<| endoftext |>", Frontend.OPENAI), TOK.encode("<|endoftext|>", Frontend.OPEN_CLIP));
        assertTrue(TOK.encode("<|endoftext|>", Frontend.OPEN_CLIP).length > 1);
        assertArrayEquals(new int[] {ClipTokenizer.EOS}, TOK.encode("<|endoftext|>", Frontend.OPENAI));
    }

    @Test
    void transformersSplitsSpecialStringsBeforeCleaning() {
        // Upper-case spelling is not split by the special-token trie, but lower-casing then lets
        // CLIP's pattern recognise it, so both paths give the id.
        assertArrayEquals(new int[] {320, ClipTokenizer.EOS, 321}, TOK.encode("a <|ENDOFTEXT|> b", Frontend.TRANSFORMERS));
        // ftfy runs per piece: the '<' of the special string does not switch off entity decoding.
        assertArrayEquals(new int[] {TOK.tokenId("&</w>"), ClipTokenizer.EOS},
                TOK.encode("&amp;<|endoftext|>", Frontend.TRANSFORMERS));
    }
}
