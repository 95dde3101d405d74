package jdiffusion.loaders.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.Mutator;
import org.junit.jupiter.api.Test;

/** The header parser against Jackson (an independent, widely used parser) on random and mutated JSON. */
class HeaderJsonTest {
    private static final ObjectMapper JACKSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Jackson's tree in HeaderJson's value types. */
    static Object convert(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                m.put(e.getKey(), convert(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(convert(x)));
            return l;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : HeaderJson.BIG_INTEGER;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return HeaderJson.NULL;
    }

    static String randomJson(SplittableRandom r, int depth) {
        String ws = r.nextInt(4) == 0 ? " \n\t\r".substring(0, 1 + r.nextInt(4)) : "";
        int kind = depth > 3 ? 2 + r.nextInt(5) : r.nextInt(7);
        return ws + switch (kind) {
            case 0 -> {
                StringBuilder sb = new StringBuilder("{");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(quoted(r, "k" + i)).append(ws).append(':').append(randomJson(r, depth + 1));
                }
                yield sb.append(ws).append('}').toString();
            }
            case 1 -> {
                StringBuilder sb = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(randomJson(r, depth + 1));
                }
                yield sb.append(']').toString();
            }
            case 2 -> quoted(r, "");
            case 3 -> String.valueOf(r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(100000));
            case 4 -> r.nextBoolean() ? "12345678901234567890123" : String.valueOf(r.nextDouble() * 1e3) + (r.nextBoolean() ? "e-3" : "");
            case 5 -> r.nextBoolean() ? "true" : "false";
            default -> "null";
        } + ws;
    }

    static String quoted(SplittableRandom r, String prefix) {
        String[] pieces = {"a", "Z", "9", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "é", "中", "😀", " ", "_", "."};
        StringBuilder sb = new StringBuilder("\"").append(prefix);
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[r.nextInt(pieces.length)]);
        }
        return sb.append('"').toString();
    }

    @Test
    void agreesWithJacksonOnRandomAndMutatedJson() throws Exception {
        SplittableRandom r = new SplittableRandom(99);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] text = randomJson(r, 0).getBytes(StandardCharsets.UTF_8);
            if (i % 2 == 1) {
                text = new Mutator(r).mutate(text, 0, text.length);
            }
            Object jackson;
            try {
                jackson = convert(JACKSON.readTree(text));
            } catch (Exception e) {
                jackson = null;
            }
            Object ours;
            try {
                ours = HeaderJson.parse(text, "t");
            } catch (ModelFormatException e) {
                ours = null;
            }
            String shown = new String(text, StandardCharsets.UTF_8);
            if (ours != null) {
                accepted++;
                assertEquals(jackson, ours, shown);
            } else {
                rejected++;
                // stricter than Jackson only on lone UTF-16 surrogates in \\u escapes and empty input
                assertTrue(jackson == null || shown.contains("\\u") || shown.isBlank(), "rejected valid JSON: " + shown);
            }
        }
        assertTrue(accepted > 1000 && rejected > 500, accepted + " accepted, " + rejected + " rejected");
    }

    @Test
    void errorsSayWhereAndWhat() {
        var e = assertThrows(ModelFormatException.class, () -> HeaderJson.parse("{\"a\":01}".getBytes(StandardCharsets.UTF_8), "f"));
        assertEquals("f: header is not valid JSON at byte 5: invalid number", e.getMessage());
        var deep = assertThrows(ModelFormatException.class, () -> HeaderJson.parse("[".repeat(100).getBytes(StandardCharsets.UTF_8), "f"));
        assertTrue(deep.getMessage().contains("nested deeper than 64"), deep.getMessage());
        byte[] overlong = {'"', (byte) 0xc0, (byte) 0xaf, '"'};
        assertTrue(assertThrows(ModelFormatException.class, () -> HeaderJson.parse(overlong, "f")).getMessage().contains("invalid UTF-8"));
        var ctrl = assertThrows(ModelFormatException.class, () -> HeaderJson.parse("\"a\tb\"".getBytes(StandardCharsets.UTF_8), "f"));
        assertTrue(ctrl.getMessage().contains("unescaped control character"), ctrl.getMessage());
    }
}
