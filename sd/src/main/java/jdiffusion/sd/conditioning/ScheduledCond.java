package jdiffusion.sd.conditioning;

import java.util.List;

/** Conditioning valid up to and including denoiser call {@code endAtStep} (spec §2.2). */
public record ScheduledCond(int endAtStep, Cond cond) {

    /**
     * {@code reconstruct_cond_batch}'s choice: the first entry with {@code step ≤ endAtStep}, else the
     * first entry. {@code step} is the CFG denoiser's call counter, starting at 0.
     */
    public static Cond at(List<ScheduledCond> schedule, int step) {
        for (ScheduledCond s : schedule) {
            if (step <= s.endAtStep()) {
                return s.cond();
            }
        }
        return schedule.getFirst().cond();
    }
}
