package jdiffusion.sd.prompt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.nn.tokenizer.PyText;

/**
 * Composable diffusion ({@code prompt_parser.get_multicond_prompt_list}, spec §2.1): a positive
 * prompt is split at every whole-word, case-sensitive {@code AND}; each part may end in
 * {@code :weight} (default 1.0). The part's text keeps its leading whitespace and loses trailing
 * whitespace. Negative prompts are never split.
 */
public final class AndSplitter {
    private AndSplitter() {
    }

    /**
     * Sub-prompts of a batch with identical texts shared: {@code texts} lists each distinct text once
     * (first-seen order); {@code indexes.get(i)} holds, for prompt i, (index into texts, weight) pairs.
     */
    public record MultiCond(List<String> texts, List<List<Weighted>> indexes) {
        public MultiCond {
            texts = List.copyOf(texts);
            indexes = indexes.stream().map(List::copyOf).toList();
        }
    }

    /** A reference to a distinct sub-prompt text and its weight. */
    public record Weighted(int index, double weight) {
    }

    /** The sub-prompts of one prompt, in order. */
    public static List<SubPrompt> split(String prompt) {
        List<SubPrompt> out = new ArrayList<>();
        for (String part : splitAnd(prompt)) {
            out.add(weighted(part));
        }
        return out;
    }

    /** {@code get_multicond_prompt_list} over a batch. */
    public static MultiCond splitBatch(List<String> prompts) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<List<Weighted>> all = new ArrayList<>();
        for (String p : prompts) {
            List<Weighted> refs = new ArrayList<>();
            for (SubPrompt s : split(p)) {
                Integer k = index.get(s.text());
                if (k == null) {
                    k = index.size();
                    index.put(s.text(), k);
                }
                refs.add(new Weighted(k, s.weight()));
            }
            all.add(refs);
        }
        return new MultiCond(new ArrayList<>(index.keySet()), all);
    }

    /** {@code re.split(r"\bAND\b", prompt)}. */
    static List<String> splitAnd(String s) {
        List<String> parts = new ArrayList<>();
        int last = 0;
        int from = 0;
        while (true) {
            int k = s.indexOf("AND", from);
            if (k < 0) {
                break;
            }
            if (PyText.isWordBoundary(s, k) && PyText.isWordBoundary(s, k + 3)) {
                parts.add(s.substring(last, k));
                last = k + 3;
                from = k + 3;
            } else {
                from = k + 1;
            }
        }
        parts.add(s.substring(last));
        return parts;
    }

    /**
     * The reference's {@code ^((?:\s|.)*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$}: the
     * shortest text such that the rest is an optional {@code :number} plus whitespace. A weight can
     * only follow the last ':' of the part, so that ':' decides.
     */
    static SubPrompt weighted(String part) {
        String trimmed = rstrip(part);
        int colon = trimmed.lastIndexOf(':');
        if (colon >= 0) {
            int numStart = colon + 1;
            while (numStart < trimmed.length() && PyText.isSpace(trimmed.codePointAt(numStart))) {
                numStart += Character.charCount(trimmed.codePointAt(numStart));
            }
            String num = trimmed.substring(numStart);
            if (isWeight(num)) {
                return new SubPrompt(rstrip(trimmed.substring(0, colon)), PyText.parseFloat(num));
            }
        }
        return new SubPrompt(trimmed, 1.0);
    }

    /** {@code [-+]?(?:\d+\.?|\d*\.\d+)} matching the whole string. */
    private static boolean isWeight(String s) {
        int i = 0;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int before = 0;
        while (i < s.length() && PyText.isDecimal(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
            before++;
        }
        if (i == s.length()) {
            return before > 0;
        }
        if (s.charAt(i) != '.') {
            return false;
        }
        i++;
        int after = 0;
        while (i < s.length() && PyText.isDecimal(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
            after++;
        }
        return i == s.length() && (before > 0 || after > 0);
    }

    private static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && PyText.isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(0, end);
    }
}
