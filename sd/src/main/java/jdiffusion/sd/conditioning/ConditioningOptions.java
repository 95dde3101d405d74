package jdiffusion.sd.conditioning;

/**
 * The webui options that shape text conditioning (defaults as in {@code shared_options.py}).
 *
 * @param emphasis            {@code emphasis}: Original, No norm, Ignore, None
 * @param clipSkip            {@code CLIP_stop_at_last_layers} ("Clip skip"), 1 = last layer (SD1 only)
 * @param commaBacktrack      {@code comma_padding_backtrack}, 0 disables the comma word wrap
 * @param cropTop             {@code sdxl_crop_top} (SDXL crop conditioning)
 * @param cropLeft            {@code sdxl_crop_left}
 * @param highAesthetic       {@code sdxl_refiner_high_aesthetic_score} (refiner, positive prompts)
 * @param lowAesthetic        {@code sdxl_refiner_low_aesthetic_score} (refiner, negative prompts)
 * @param halfPrecisionSizes  round SDXL size/crop/aesthetic numbers to float16 before embedding them,
 *                            as the webui does when the model runs in half precision
 */
public record ConditioningOptions(Emphasis emphasis, int clipSkip, int commaBacktrack, int cropTop, int cropLeft,
                                  double highAesthetic, double lowAesthetic, boolean halfPrecisionSizes) {
    public ConditioningOptions {
        if (clipSkip < 1) {
            throw new IllegalArgumentException("Clip skip must be at least 1, got " + clipSkip);
        }
    }

    /** The webui defaults. */
    public static ConditioningOptions defaults() {
        return new ConditioningOptions(Emphasis.ORIGINAL, 1, PromptChunker.DEFAULT_BACKTRACK, 0, 0, 6.0, 2.5, true);
    }

    public ConditioningOptions withEmphasis(Emphasis e) {
        return new ConditioningOptions(e, clipSkip, commaBacktrack, cropTop, cropLeft, highAesthetic, lowAesthetic, halfPrecisionSizes);
    }

    public ConditioningOptions withClipSkip(int n) {
        return new ConditioningOptions(emphasis, n, commaBacktrack, cropTop, cropLeft, highAesthetic, lowAesthetic, halfPrecisionSizes);
    }

    public ConditioningOptions withCommaBacktrack(int n) {
        return new ConditioningOptions(emphasis, clipSkip, n, cropTop, cropLeft, highAesthetic, lowAesthetic, halfPrecisionSizes);
    }

    public ConditioningOptions withCrop(int top, int left) {
        return new ConditioningOptions(emphasis, clipSkip, commaBacktrack, top, left, highAesthetic, lowAesthetic, halfPrecisionSizes);
    }
}
