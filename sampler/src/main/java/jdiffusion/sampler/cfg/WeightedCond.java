package jdiffusion.sampler.cfg;

/**
 * One sub-prompt of a composable ("AND") prompt: its conditioning (one row) and weight; a plain prompt
 * is a single sub-prompt of weight 1.
 */
public record WeightedCond(Conditioning cond, double weight) {
    public WeightedCond {
        if (cond.rows() != 1) {
            throw new IllegalArgumentException("a sub-prompt conditioning has one row, got " + cond.rows());
        }
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("sub-prompt weight must be finite, got " + weight);
        }
    }
}
