package jdiffusion.sampler.cfg;

import java.util.List;

/**
 * The conditioning in force at a denoiser call (prompt editing switches it by call index: the webui's
 * {@code reconstruct_multicond_batch} / {@code reconstruct_cond_batch}).
 */
public interface CondSchedule {

    /** Per image of the batch, its sub-prompts (at least one each). */
    List<List<WeightedCond>> cond(int step);

    /** The negative prompt of every image: [B, T, C] rows (equal token counts). */
    Conditioning uncond(int step);

    /** The same conditioning at every step. */
    static CondSchedule fixed(List<List<WeightedCond>> cond, Conditioning uncond) {
        List<List<WeightedCond>> copy = cond.stream().map(List::copyOf).toList();
        return new CondSchedule() {
            @Override
            public List<List<WeightedCond>> cond(int step) {
                return copy;
            }

            @Override
            public Conditioning uncond(int step) {
                return uncond;
            }
        };
    }

    /** One plain prompt per image, rows of {@code cond}, weight 1. */
    static CondSchedule simple(Conditioning cond, Conditioning uncond) {
        List<List<WeightedCond>> per = new java.util.ArrayList<>();
        for (int i = 0; i < cond.rows(); i++) {
            per.add(List.of(new WeightedCond(cond.slice(i, i + 1), 1.0)));
        }
        return fixed(per, uncond);
    }
}
