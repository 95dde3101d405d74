package jdiffusion.sd.prompt;

/** A prompt text valid up to and including sampling step {@code endAtStep} (spec §2.2). */
public record ScheduledText(int endAtStep, String text) {
}
