package jdiffusion.sd.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One LoRA/LyCORIS network asked for by a {@code <lora:...>} or {@code <lyco:...>} tag, with the
 * webui's argument rules ({@code extra_networks_lora.py: activate}, spec §5.1):
 * {@code name} = positional 0; {@code te} = positional 1 or named {@code te} (default 1.0);
 * {@code unet} = positional 2 or named {@code unet}, defaulting to te; {@code dyn} = positional 3 or
 * named {@code dyn} (rank truncation, optional).
 */
public record LoraActivation(String name, double te, double unet, Optional<Integer> dyn) {

    /** Tag kinds handled as LoRA (the webui registers "lyco" as an alias). */
    public static final List<String> KINDS = List.of("lora", "lyco");

    /** The activation a tag's parameters describe; bad numbers are reported with the tag. */
    public static LoraActivation of(ExtraNetworkParams p) {
        if (p.positional().isEmpty()) {
            throw new IllegalArgumentException("extra network tag " + p.tag() + " has no network name (expected <lora:NAME:weight>)");
        }
        String name = p.positional().getFirst();
        double te = p.positional().size() > 1 ? number(p, p.positional().get(1), "te") : 1.0;
        te = p.named().containsKey("te") ? number(p, p.named().get("te"), "te") : te;
        double unet = p.positional().size() > 2 ? number(p, p.positional().get(2), "unet") : te;
        unet = p.named().containsKey("unet") ? number(p, p.named().get("unet"), "unet") : unet;
        Integer dyn = p.positional().size() > 3 ? integer(p, p.positional().get(3)) : null;
        dyn = p.named().containsKey("dyn") ? integer(p, p.named().get("dyn")) : dyn;
        return new LoraActivation(name, te, unet, Optional.ofNullable(dyn));
    }

    /**
     * The LoRA activations of a prompt's tags: kinds in first-appearance order, tags in prompt order
     * within a kind (the webui merges the "lora" and "lyco" lists in that order). {@code <hypernet:...>} is rejected: hypernetworks are not supported.
     * Other unknown kinds are ignored, as the webui skips them; their names are added to {@code ignored}.
     */
    public static List<LoraActivation> fromNetworks(Map<String, List<ExtraNetworkParams>> networks, List<String> ignored) {
        for (ExtraNetworkParams p : networks.getOrDefault("hypernet", List.of())) {
            throw new UnsupportedOperationException("hypernetworks are not supported: remove " + p.tag()
                    + " from the prompt (LoRA/LyCORIS tags <lora:...> are)");
        }
        List<LoraActivation> out = new ArrayList<>();
        for (Map.Entry<String, List<ExtraNetworkParams>> e : networks.entrySet()) {
            if (KINDS.contains(e.getKey())) {
                for (ExtraNetworkParams p : e.getValue()) {
                    out.add(of(p));
                }
            } else if (ignored != null) {
                ignored.add(e.getKey());
            }
        }
        return out;
    }

    private static double number(ExtraNetworkParams p, String s, String what) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("extra network tag " + p.tag() + ": " + what + " multiplier '" + s
                    + "' is not a number", e);
        }
    }

    private static Integer integer(ExtraNetworkParams p, String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("extra network tag " + p.tag() + ": dyn '" + s + "' is not an integer", e);
        }
    }
}
