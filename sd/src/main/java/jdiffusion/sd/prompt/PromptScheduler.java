package jdiffusion.sd.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Per-step prompt texts from prompt editing and alternation, as
 * {@code prompt_parser.get_learned_conditioning_prompt_schedules} computes them (spec §2.2).
 *
 * <p>Every {@code [before:after:when]} contributes the boundary {@code when} (when ≥ 1) and every
 * alternation contributes all steps 1..steps; the boundary set always holds {@code steps}. For each
 * boundary t the text is rebuilt: a scheduled edit shows {@code before} while t ≤ when, else
 * {@code after}; an alternation shows option (t − 1) mod n; everything else is copied. A prompt the
 * grammar rejects is its own one-entry schedule.
 */
public final class PromptScheduler {
    private PromptScheduler() {
    }

    /** The schedule of one prompt: entries with strictly increasing steps, the last one {@code steps}. */
    public static List<ScheduledText> schedule(String prompt, ScheduleOptions opt) {
        int steps = opt.hiresSteps() > 0 && !opt.oldTimelines() ? opt.hiresSteps() : opt.steps();
        ScheduleNode.Seq tree = ScheduleParser.parse(prompt);
        if (tree == null) {
            return List.of(new ScheduledText(steps, prompt));
        }
        TreeSet<Integer> boundaries = new TreeSet<>();
        boundaries.add(steps);
        collect(tree, opt, steps, boundaries);
        List<ScheduledText> out = new ArrayList<>(boundaries.size());
        for (int t : boundaries) {
            StringBuilder sb = new StringBuilder();
            render(tree, t, opt, steps, sb);
            out.add(new ScheduledText(t, sb.toString()));
        }
        return out;
    }

    /** The step after which a {@code [..:..:number]} switches ({@code min(steps, int(v))}). */
    static int when(String number, ScheduleOptions opt, int steps) {
        double v = Double.parseDouble(number);
        if (opt.oldTimelines()) {
            v = v < 1 ? v * steps : v;
        } else if (number.indexOf('.') >= 0) {
            v = (v - (opt.hiresSteps() > 0 ? 1.0 : 0.0)) * steps;
        } else {
            v = v - (opt.hiresSteps() > 0 ? opt.steps() : 0);
        }
        if (Double.isInfinite(v) || Double.isNaN(v)) {
            throw new IllegalArgumentException("prompt editing step '" + number + "' is not a finite number");
        }
        long truncated = (long) v; // Python int(): toward zero
        return (int) Math.min(steps, Math.max(truncated, Integer.MIN_VALUE));
    }

    private static void collect(ScheduleNode node, ScheduleOptions opt, int steps, TreeSet<Integer> out) {
        switch (node) {
            case ScheduleNode.Text t -> {
            }
            case ScheduleNode.Seq seq -> seq.items().forEach(n -> collect(n, opt, steps, out));
            case ScheduleNode.Scheduled sc -> {
                int w = when(sc.number(), opt, steps);
                if (w >= 1) {
                    out.add(w);
                }
                if (sc.before() != null) {
                    collect(sc.before(), opt, steps, out);
                }
                collect(sc.after(), opt, steps, out);
            }
            case ScheduleNode.Alternate alt -> {
                for (int i = 1; i <= steps; i++) {
                    out.add(i);
                }
                alt.options().forEach(o -> collect(o, opt, steps, out));
            }
        }
    }

    private static void render(ScheduleNode node, int t, ScheduleOptions opt, int steps, StringBuilder sb) {
        switch (node) {
            case ScheduleNode.Text text -> sb.append(text.text());
            case ScheduleNode.Seq seq -> seq.items().forEach(n -> render(n, t, opt, steps, sb));
            case ScheduleNode.Scheduled sc -> {
                if (t <= when(sc.number(), opt, steps)) {
                    if (sc.before() != null) {
                        render(sc.before(), t, opt, steps, sb);
                    }
                } else {
                    render(sc.after(), t, opt, steps, sb);
                }
            }
            case ScheduleNode.Alternate alt -> render(alt.options().get((t - 1) % alt.options().size()), t, opt, steps, sb);
        }
    }
}
