package jdiffusion.sd.pipeline;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sampler.cfg.CondSchedule;
import jdiffusion.sampler.cfg.Conditioning;
import jdiffusion.sampler.cfg.WeightedCond;
import jdiffusion.sd.conditioning.CondBatch;
import jdiffusion.sd.conditioning.PromptConditioning;
import jdiffusion.sd.prompt.AndSplitter;
import jdiffusion.tensor.Tensor;

/**
 * The encoded prompts of one batch as the CFG denoiser reads them at each call
 * ({@code reconstruct_multicond_batch} / {@code reconstruct_cond_batch} at the denoiser's step).
 */
final class PromptConds implements CondSchedule {
    private final PromptConditioning.MultiCond cond;
    private final PromptConditioning.Uncond uncond;

    PromptConds(PromptConditioning.MultiCond cond, PromptConditioning.Uncond uncond) {
        this.cond = cond;
        this.uncond = uncond;
    }

    @Override
    public List<List<WeightedCond>> cond(int step) {
        PromptConditioning.AtStep at = cond.at(step);
        CondBatch rows = at.conds();
        List<List<WeightedCond>> out = new ArrayList<>();
        for (List<AndSplitter.Weighted> image : at.condsList()) {
            List<WeightedCond> mine = new ArrayList<>();
            for (AndSplitter.Weighted w : image) {
                mine.add(new WeightedCond(row(rows, w.index()), w.weight()));
            }
            out.add(mine);
        }
        return out;
    }

    @Override
    public Conditioning uncond(int step) {
        CondBatch b = uncond.at(step);
        return new Conditioning(b.crossattn(), b.vector(), null);
    }

    private static Conditioning row(CondBatch b, int i) {
        Tensor v = b.vector() == null ? null : b.vector().slice(i, i + 1).copy();
        return new Conditioning(b.crossattn().slice(i, i + 1).copy(), v, null);
    }

    /** The first call's conditioning of the whole batch ([B·subprompts, T, C]) for tracing. */
    Tensor firstCond() {
        return cond.at(0).conds().crossattn();
    }

    Tensor firstUncond() {
        return uncond.at(0).crossattn();
    }
}
