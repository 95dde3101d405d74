package jdiffusion.sd.prompt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one {@code <kind:arg1:arg2:...>} tag ({@code extra_networks.ExtraNetworkParams}):
 * the text after the first ':' split on ':'; an argument with exactly one '=' is named
 * ({@code te=0.5}), every other one positional.
 */
public record ExtraNetworkParams(String kind, List<String> items, List<String> positional, Map<String, String> named) {
    public ExtraNetworkParams {
        items = List.copyOf(items);
        positional = List.copyOf(positional);
        named = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(named));
    }

    /** Parses the argument text of a tag of the given kind ("lora", "lyco", "hypernet", ...). */
    public static ExtraNetworkParams parse(String kind, String args) {
        List<String> items = List.of(args.split(":", -1));
        List<String> positional = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        for (String item : items) {
            String[] parts = item.split("=", -1);
            if (parts.length == 2) {
                named.put(parts[0], parts[1]);
            } else {
                positional.add(item);
            }
        }
        return new ExtraNetworkParams(kind, items, positional, named);
    }

    /** The tag as it would be written in a prompt. */
    public String tag() {
        return "<" + kind + ":" + String.join(":", items) + ">";
    }
}
