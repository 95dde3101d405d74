package jdiffusion.sd.prompt;

/**
 * How prompt-editing step numbers are read (spec §2.2).
 *
 * @param steps             total step count of the pass: {@code steps}, doubled for second-order
 *                          samplers (the webui's {@code total_steps})
 * @param hiresSteps        the hires pass's total steps, or 0 for a first pass; with new timelines
 *                          a fraction f then means (f − 1)·hiresSteps and an integer n means n − steps
 * @param oldTimelines      the webui option {@code use_old_scheduling}: v &lt; 1 is a fraction of the
 *                          steps, anything else an absolute step, hires ignored
 */
public record ScheduleOptions(int steps, int hiresSteps, boolean oldTimelines) {
    public ScheduleOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("prompt schedule needs at least 1 step, got steps=" + steps);
        }
        if (hiresSteps < 0) {
            throw new IllegalArgumentException("hiresSteps must be 0 (no hires pass) or positive, got " + hiresSteps);
        }
    }

    /** A first pass of {@code steps} steps with the default (new) timelines. */
    public static ScheduleOptions of(int steps) {
        return new ScheduleOptions(steps, 0, false);
    }
}
