package jdiffusion.sd.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link EmphasisParser} against the webui's {@code parse_prompt_attention}: the spec §2.3 / §10
 * examples, and further cases whose expected values come from running the webui v1.10.1 function
 * itself. Weights are compared exactly (they are f64 products in the reference's order).
 */
class EmphasisParserTest {

    private static List<PromptFragment> f(Object... textWeight) {
        List<PromptFragment> out = new ArrayList<>();
        for (int i = 0; i < textWeight.length; i += 2) {
            out.add(new PromptFragment((String) textWeight[i], ((Number) textWeight[i + 1]).doubleValue()));
        }
        return out;
    }

    private static void check(String prompt, Object... expected) {
        assertEquals(f(expected), EmphasisParser.parse(prompt), () -> "prompt: " + prompt);
    }

    @Test
    void specExamples() {
        check("a (red:1.5) cat", "a ", 1.0, "red", 1.5, " cat", 1.0);
        check("a ((red)) [[cat]]", "a ", 1.0, "red", 1.2100000000000002, " ", 1.0, "cat", 0.8264462809917354);
        check("(masterpiece:1.2), best quality, [blurry]",
                "masterpiece", 1.2, ", best quality, ", 1.0, "blurry", 0.9090909090909091);
        check("a (b [c] d) e", "a ", 1.0, "b ", 1.1, "c", 1.0, " d", 1.1, " e", 1.0);
        check("\\(escaped\\) (x:0.5", "(escaped) ", 1.0, "x:0.5", 1.1);
        check("x:1.2) y", "x:1.2) y", 1.0);
        check("", "", 1.0);
        check("(unnecessary)(parens)", "unnecessaryparens", 1.1);
        check("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
                "a ", 1.0, "house", 1.5730000000000004, " ", 1.1, "on", 1.0, " a ", 1.1, "hill", 0.55,
                ", sun, ", 1.1, "sky", 1.4641000000000006, ".", 1.1);
    }

    @Test
    void breaks() {
        check("a BREAK b", "a", 1.0, "BREAK", -1, "b", 1.0);
        check("(a BREAK b)", "a", 1.1, "BREAK", -1.1, "b", 1.1);
        check("BREAK", "", 1.0, "BREAK", -1, "", 1.0);
        check("a BREAK", "a", 1.0, "BREAK", -1, "", 1.0);
        check("a BREAK BREAK b", "a", 1.0, "BREAK", -1, "", 1.0, "BREAK", -1, "b", 1.0);
        check("a  BREAK  \n b", "a", 1.0, "BREAK", -1, "b", 1.0);
        check("aBREAKb BREAK_x xBREAK", "aBREAKb BREAK_x xBREAK", 1.0);
        check("x BREAK:1.2) y", "x", 1.0, "BREAK", -1, ":1.2) y", 1.0);
        assertTrue(EmphasisParser.parse("a BREAK b").get(1).isBreak());
        assertTrue(!EmphasisParser.parse("(a BREAK b)").get(1).isBreak(), "a weighted BREAK is plain text");
    }

    @Test
    void escapesAndEdgeCases() {
        check("a\\b \\\\ c", "ab \\ c", 1.0);
        check("\\[x\\]", "[x]", 1.0);
        check("( x : 2 )", " x ", 2.0);
        check("(x: -1)", "x", -1.0);
        check("[x:2]", "x:2", 0.9090909090909091);
        check("a]b)c", "a]b)c", 1.0);
        check("((a)", "a", 1.2100000000000002);
        check("[[a]", "a", 0.8264462809917354);
        check("(a:0)", "a", 0.0);
        check("1girl,solo,cat ears,(blush:1.2),[smile], masterpiece",
                "1girl,solo,cat ears,", 1.0, "blush", 1.2, ",", 1.0, "smile", 0.9090909090909091, ", masterpiece", 1.0);
    }

    @Test
    void malformedWeightIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmphasisParser.parse("(a:1.2.3)"));
        assertTrue(e.getMessage().contains("1.2.3"), e.getMessage());
    }

    @Test
    void invariantTextIsPreservedAndNoEqualNeighbours() {
        String p = "a (b:1.3) [c (d)] \\(e\\) f BREAK g";
        List<PromptFragment> r = EmphasisParser.parse(p);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < r.size(); i++) {
            if (i > 0) {
                assertTrue(r.get(i).weight() != r.get(i - 1).weight(), "neighbours with equal weight were not merged");
            }
            if (!r.get(i).isBreak()) {
                joined.append(r.get(i).text());
            }
        }
        assertEquals("a b c d (e) fg", joined.toString());
    }
}
