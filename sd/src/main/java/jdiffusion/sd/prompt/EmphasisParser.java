package jdiffusion.sd.prompt;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.nn.tokenizer.PyText;

/**
 * The webui's attention syntax ({@code prompt_parser.parse_prompt_attention}, spec §2.3):
 * {@code (a)} ×1.1, {@code [a]} ×1/1.1, {@code (a:1.3)} ×1.3, nesting multiplies, escapes
 * {@code \( \) \[ \] \\}, and top-level {@code BREAK} markers.
 *
 * <p>The text is scanned left to right with the reference's ordered token alternatives (escape,
 * open bracket, {@code :number)}, close bracket, plain run, lone colon). Brackets push the index of
 * the next fragment; a close multiplies every fragment from that index on. Unmatched closers and
 * {@code :number)} without an open round bracket are literal text; brackets still open at the end
 * apply their multiplier to the rest (round ones first). Adjacent fragments with exactly equal
 * weights merge.
 */
public final class EmphasisParser {
    private static final double ROUND = 1.1;
    private static final double SQUARE = 1 / 1.1;

    private EmphasisParser() {
    }

    /** Fragments of {@code text}; never empty ({@code ""} gives {@code [("", 1.0)]}). */
    public static List<PromptFragment> parse(String text) {
        List<String> texts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        List<Integer> round = new ArrayList<>();
        List<Integer> square = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\') {
                // "\(", "\)", "\[", "\]", "\\" are two-character escapes; any other backslash is alone.
                if (i + 1 < n && "()[]\\".indexOf(text.charAt(i + 1)) >= 0) {
                    add(texts, weights, String.valueOf(text.charAt(i + 1)));
                    i += 2;
                } else {
                    add(texts, weights, "");
                    i++;
                }
            } else if (c == '(') {
                round.add(texts.size());
                i++;
            } else if (c == '[') {
                square.add(texts.size());
                i++;
            } else if (c == ':' && weightEnd(text, i) > 0) {
                int end = weightEnd(text, i);
                if (!round.isEmpty()) {
                    String number = weightText(text, i);
                    double w = PyText.parseFloat(number);
                    if (Double.isNaN(w)) {
                        throw new IllegalArgumentException("prompt emphasis weight '" + number + "' in \"" + text
                                + "\" is not a number (expected e.g. (word:1.2))");
                    }
                    multiply(weights, round.removeLast(), w);
                } else {
                    literal(texts, weights, text.substring(i, end));
                }
                i = end;
            } else if (c == ')' && !round.isEmpty()) {
                multiply(weights, round.removeLast(), ROUND);
                i++;
            } else if (c == ']' && !square.isEmpty()) {
                multiply(weights, square.removeLast(), SQUARE);
                i++;
            } else if (c == ')' || c == ']' || c == ':') {
                literal(texts, weights, String.valueOf(c));
                i++;
            } else {
                int end = i;
                while (end < n && "\\()[]:".indexOf(text.charAt(end)) < 0) {
                    end++;
                }
                literal(texts, weights, text.substring(i, end));
                i = end;
            }
        }
        for (int pos : round) {
            multiply(weights, pos, ROUND);
        }
        for (int pos : square) {
            multiply(weights, pos, SQUARE);
        }
        if (texts.isEmpty()) {
            return List.of(new PromptFragment("", 1.0));
        }
        List<PromptFragment> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder(texts.getFirst());
        double curW = weights.getFirst();
        for (int k = 1; k < texts.size(); k++) {
            if (weights.get(k) == curW) {
                cur.append(texts.get(k));
            } else {
                out.add(new PromptFragment(cur.toString(), curW));
                cur.setLength(0);
                cur.append(texts.get(k));
                curW = weights.get(k);
            }
        }
        out.add(new PromptFragment(cur.toString(), curW));
        return out;
    }

    /** The whole text as one fragment (the webui's emphasis mode "None"). */
    public static List<PromptFragment> unparsed(String text) {
        return List.of(new PromptFragment(text, 1.0));
    }

    private static void add(List<String> texts, List<Double> weights, String t) {
        texts.add(t);
        weights.add(1.0);
    }

    /** Literal text: split at top-level BREAK keywords, with a marker between the parts. */
    private static void literal(List<String> texts, List<Double> weights, String t) {
        List<String> parts = splitBreak(t);
        for (int k = 0; k < parts.size(); k++) {
            if (k > 0) {
                texts.add(PromptFragment.BREAK.text());
                weights.add(PromptFragment.BREAK.weight());
            }
            add(texts, weights, parts.get(k));
        }
    }

    private static void multiply(List<Double> weights, int from, double m) {
        for (int p = from; p < weights.size(); p++) {
            weights.set(p, weights.get(p) * m);
        }
    }

    /**
     * End index of a {@code :\s*([+-]?[.\d]+)\s*\)} token starting at {@code i} (a ':'), or -1.
     * Digits are any decimal digits (Python's {@code \d}).
     */
    static int weightEnd(String s, int i) {
        int j = skipSpace(s, i + 1);
        if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
            j++;
        }
        int start = j;
        while (j < s.length() && (s.charAt(j) == '.' || PyText.isDecimal(s.codePointAt(j)))) {
            j += Character.charCount(s.codePointAt(j));
        }
        if (j == start) {
            return -1;
        }
        j = skipSpace(s, j);
        return j < s.length() && s.charAt(j) == ')' ? j + 1 : -1;
    }

    private static String weightText(String s, int i) {
        int j = skipSpace(s, i + 1);
        int start = j;
        if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
            j++;
        }
        while (j < s.length() && (s.charAt(j) == '.' || PyText.isDecimal(s.codePointAt(j)))) {
            j += Character.charCount(s.codePointAt(j));
        }
        return s.substring(start, j);
    }

    private static int skipSpace(String s, int j) {
        while (j < s.length() && PyText.isSpace(s.codePointAt(j))) {
            j += Character.charCount(s.codePointAt(j));
        }
        return j;
    }

    /**
     * {@code re.split(r"\s*\bBREAK\b\s*", t)}: BREAK as a whole word, with the whitespace around
     * it, separates parts (empty parts kept).
     */
    static List<String> splitBreak(String t) {
        List<String> parts = new ArrayList<>();
        int last = 0;
        int from = 0;
        while (true) {
            int k = t.indexOf("BREAK", from);
            if (k < 0) {
                break;
            }
            int after = k + 5;
            if (!PyText.isWordBoundary(t, k) || !PyText.isWordBoundary(t, after)) {
                from = k + 1;
                continue;
            }
            int start = k;
            while (start > last && PyText.isSpace(t.codePointBefore(start))) {
                start -= Character.charCount(t.codePointBefore(start));
            }
            int end = skipSpace(t, after);
            parts.add(t.substring(last, start));
            last = end;
            from = end;
        }
        parts.add(t.substring(last));
        return parts;
    }
}
