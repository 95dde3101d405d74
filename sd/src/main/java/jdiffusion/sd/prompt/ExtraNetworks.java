package jdiffusion.sd.prompt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extra-network tags ({@code modules/extra_networks.py: parse_prompt(s)}, spec §5.1): every
 * {@code <name:args>} match of {@code <(\w+):([^>]+)>} is deleted from the prompt (surrounding
 * spaces and commas stay) and collected by name, in order of appearance.
 */
public final class ExtraNetworks {
    /** Python's {@code \w+} (letters, numeric characters, underscore), then ':' and anything but '>'. */
    private static final Pattern TAG = Pattern.compile("<([\\p{L}\\p{Nd}\\p{Nl}\\p{No}_]+):([^>]+)>");

    private ExtraNetworks() {
    }

    /** A prompt without its tags, and the tags by kind (first-appearance order of kinds). */
    public record Parsed(String prompt, Map<String, List<ExtraNetworkParams>> networks) {
        public Parsed {
            Map<String, List<ExtraNetworkParams>> copy = new LinkedHashMap<>();
            networks.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            networks = Collections.unmodifiableMap(copy);
        }

        /** All tags in prompt order within each kind, kinds in first-appearance order. */
        public List<ExtraNetworkParams> all() {
            List<ExtraNetworkParams> out = new ArrayList<>();
            networks.values().forEach(out::addAll);
            return out;
        }
    }

    /** Tags removed from a batch of prompts; as in the webui only the first prompt's tags count. */
    public record ParsedBatch(List<String> prompts, Map<String, List<ExtraNetworkParams>> networks) {
        public ParsedBatch {
            prompts = List.copyOf(prompts);
        }
    }

    /** {@code parse_prompt}: removes the tags of one prompt. */
    public static Parsed parse(String prompt) {
        Map<String, List<ExtraNetworkParams>> found = new LinkedHashMap<>();
        Matcher m = TAG.matcher(prompt);
        StringBuilder out = new StringBuilder(prompt.length());
        while (m.find()) {
            found.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(ExtraNetworkParams.parse(m.group(1), m.group(2)));
            m.appendReplacement(out, "");
        }
        m.appendTail(out);
        return new Parsed(out.toString(), found);
    }

    /** {@code parse_prompts}: every prompt loses its tags; the first prompt's tags are returned. */
    public static ParsedBatch parseBatch(List<String> prompts) {
        List<String> cleaned = new ArrayList<>(prompts.size());
        Map<String, List<ExtraNetworkParams>> first = null;
        for (String p : prompts) {
            Parsed parsed = parse(p);
            if (first == null) {
                first = parsed.networks();
            }
            cleaned.add(parsed.prompt());
        }
        return new ParsedBatch(cleaned, first == null ? Map.of() : first);
    }
}
