package jdiffusion.sd.prompt;

/** One {@code AND}-separated part of a prompt and its composable-diffusion weight (spec §2.1). */
public record SubPrompt(String text, double weight) {
}
