package jdiffusion.sd.prompt;

/**
 * One piece of a prompt after emphasis parsing: text and its attention weight (a product of
 * f64 bracket multipliers, e.g. {@code ((x))} → 1.2100000000000002). The BREAK marker is the
 * fragment {@code ("BREAK", -1.0)}; a BREAK inside brackets gets its weight multiplied and is then
 * ordinary text (the webui's behaviour).
 */
public record PromptFragment(String text, double weight) {
    /** The marker {@link EmphasisParser} inserts for a top-level {@code BREAK}. */
    public static final PromptFragment BREAK = new PromptFragment("BREAK", -1.0);

    /** True for the chunk-break marker (text "BREAK", weight exactly -1). */
    public boolean isBreak() {
        return weight == -1.0 && text.equals("BREAK");
    }
}
