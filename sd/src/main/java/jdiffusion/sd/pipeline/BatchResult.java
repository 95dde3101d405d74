package jdiffusion.sd.pipeline;

import java.nio.file.Path;
import java.util.List;

/**
 * The img2img "Batch" tab's outcome: one generation per input file.
 *
 * @param items   the files processed, in listing order
 * @param skipped files left out, with the reason (e.g. no mask with the same stem)
 */
public record BatchResult(List<Item> items, List<String> skipped) {
    public BatchResult {
        items = List.copyOf(items);
        skipped = List.copyOf(skipped);
    }

    /**
     * @param input  the input file
     * @param mask   the mask file used, or null
     * @param stem   the input's file name without extension (the webui names outputs after it)
     * @param result the generation
     */
    public record Item(Path input, Path mask, String stem, GenerationResult result) {
    }
}
