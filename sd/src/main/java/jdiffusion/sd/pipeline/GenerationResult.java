package jdiffusion.sd.pipeline;

import java.util.List;

/**
 * What a job produced ({@code Processed}).
 *
 * @param images   the output images in job order
 * @param seeds    {@code all_seeds}: the seed of every image of the job
 * @param subseeds {@code all_subseeds}
 * @param timings  time per phase
 * @param comments the webui's comments (e.g. the blank-mask "Only masked" fallback)
 * @param warnings non-fatal problems (LoRA not found, embeddings skipped, ...)
 */
public record GenerationResult(List<GeneratedImage> images, List<Long> seeds, List<Long> subseeds, Timings timings,
                               List<String> comments, List<String> warnings) {
    public GenerationResult {
        images = List.copyOf(images);
        seeds = List.copyOf(seeds);
        subseeds = List.copyOf(subseeds);
        comments = List.copyOf(comments);
        warnings = List.copyOf(warnings);
    }

    /** The first image's infotext (the webui's {@code info}), or "" when nothing was made. */
    public String info() {
        return images.isEmpty() ? "" : images.getFirst().infotext();
    }
}
